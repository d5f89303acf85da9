# Writes OUTPUT, a C++ file defining `const char* const SYMBOL` with the
# contents of INPUTS (comma-separated files, concatenated in order; run at
# build time, so edits to any of them rebuild it).
string(REPLACE "," ";" INPUT_LIST "${INPUTS}")
set(CONTENT "")
foreach(INPUT ${INPUT_LIST})
  file(READ "${INPUT}" PART)
  string(APPEND CONTENT "${PART}")
endforeach()
file(WRITE "${OUTPUT}" "// Generated from ${INPUTS} by cmake/embed_text.cmake; do not edit.\nnamespace corun {\nextern const char* const ${SYMBOL};\nconst char* const ${SYMBOL} = R\"corun_embed(${CONTENT})corun_embed\";\n}  // namespace corun\n")
