# Writes OUTPUT, a C++ file defining `const char* const SYMBOL` with the
# contents of INPUTS (comma-separated files, concatenated in order; run at
# build time, so edits to any of them rebuild it), and `SYMBOL_sizes`, the
# byte length of each part, comma-separated (where one file ends and the
# next begins, for whoever reads the parts apart).
string(REPLACE "," ";" INPUT_LIST "${INPUTS}")
set(CONTENT "")
set(SIZES "")
foreach(INPUT ${INPUT_LIST})
  file(READ "${INPUT}" PART)
  string(APPEND CONTENT "${PART}")
  string(LENGTH "${PART}" PART_LENGTH)
  if(SIZES STREQUAL "")
    set(SIZES "${PART_LENGTH}")
  else()
    string(APPEND SIZES ",${PART_LENGTH}")
  endif()
endforeach()
file(WRITE "${OUTPUT}" "// Generated from ${INPUTS} by cmake/embed_text.cmake; do not edit.\nnamespace corun {\nextern const char* const ${SYMBOL};\nconst char* const ${SYMBOL} = R\"corun_embed(${CONTENT})corun_embed\";\nextern const char* const ${SYMBOL}_sizes;\nconst char* const ${SYMBOL}_sizes = \"${SIZES}\";\n}  // namespace corun\n")
