# Per-target build settings, so every ptmon library and program gets the same warnings and,
# when asked, sanitizers; third-party code is never compiled with them.

function(ptmon_target_settings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  # clang checks every GUARDED_BY/REQUIRES annotation (base/include/ptmon/base/mutex.h).
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:Clang>:-Wthread-safety>)
  if(PTMON_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(PTMON_SANITIZE STREQUAL "address")
    # GCC's -Wmaybe-uninitialized reports false positives in instrumented standard headers.
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined
                                             $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  elseif(PTMON_SANITIZE STREQUAL "thread")
    # Asio's handler recycling uses atomic_thread_fence, which GCC warns TSan cannot model;
    # handlers cross threads only through Asio's mutex-guarded queues, which TSan does see.
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer
                                             $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  elseif(PTMON_SANITIZE)  # OFF or empty: none
    message(FATAL_ERROR "PTMON_SANITIZE must be address, thread or empty, not ${PTMON_SANITIZE}")
  endif()
  if(PTMON_FUZZ)
    # Libraries get coverage instrumentation; fuzz targets link libFuzzer's main (fuzz/).
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()

# ptmon_library(NAME SOURCES... DEPS ...): one library per folder with its public headers in
# include/ptmon/<folder>/.
function(ptmon_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  ptmon_target_settings(${name})
endfunction()

# Turns a file into a C++ source that defines `std::string_view <symbol>()`, regenerated
# whenever the file changes; used to compile the default catalogue into the binary.
function(ptmon_embed_file output input symbol)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    COMMENT "Embedding ${input}")
endfunction()
