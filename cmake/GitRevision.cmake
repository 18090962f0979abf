# Writes OUTPUT, a header defining PTMON_REVISION: the git commit the build comes from (12 hex
# digits, "-modified" when tracked files differ from it), or REVISION when given (a package
# built from an exported tree, where there is no .git), or "unknown". Runs at every build
# (cmake -P), and touches OUTPUT only when the revision changed, so only what includes it is
# rebuilt after a commit.
if(REVISION)
  set(revision "${REVISION}")
else()
  execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE failed ERROR_QUIET)
  if(failed)
    set(revision unknown)
  else()
    execute_process(COMMAND git diff --quiet HEAD -- WORKING_DIRECTORY "${SOURCE_DIR}"
                    RESULT_VARIABLE modified ERROR_QUIET)
    if(modified)
      string(APPEND revision "-modified")
    endif()
  endif()
endif()
file(WRITE "${OUTPUT}.new" "#pragma once\n#define PTMON_REVISION \"${revision}\"\n")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
