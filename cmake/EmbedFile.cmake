# cmake -DINPUT=file -DOUTPUT=file.cc -DSYMBOL=name -P EmbedFile.cmake
# Writes the bytes as a hex array rather than a raw string literal, so no content (quotes,
# the delimiter, non-UTF-8 bytes) can break the generated source.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){32})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by EmbedFile.cmake; do not edit.\n"
  "#include <string_view>\n\n"
  "namespace {\nconstexpr char kBytes[] = {\n${bytes}'\\0'};\n}  // namespace\n\n"
  "std::string_view ${SYMBOL}() { return {kBytes, ${byte_count}}; }\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
