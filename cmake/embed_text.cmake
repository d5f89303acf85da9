# Writes OUTPUT, a C++ file defining `const char* const SYMBOL` with the
# contents of INPUT (run at build time, so edits to INPUT rebuild it).
file(READ "${INPUT}" CONTENT)
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by cmake/embed_text.cmake; do not edit.\nnamespace corun {\nextern const char* const ${SYMBOL};\nconst char* const ${SYMBOL} = R\"corun_embed(${CONTENT})corun_embed\";\n}  // namespace corun\n")
