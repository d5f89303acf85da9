# Install-time step of cmake/package.cmake: write `corun schema`'s output to
# share/corun/corun.schema.json when the binary has that command (it lists
# `schema` among its subcommands in `corun --help`). Set by the install(CODE)
# before it: CORUN_BINARY, CORUN_SCHEMA_FILE (the build tree's copy),
# CORUN_SCHEMA_DESTINATION. file(INSTALL) honours DESTDIR and records the
# file in install_manifest.txt, as CPack needs.
execute_process(COMMAND "${CORUN_BINARY}" --help OUTPUT_VARIABLE help RESULT_VARIABLE help_status)
if(NOT help_status EQUAL 0)
  message(FATAL_ERROR "${CORUN_BINARY} --help failed (${help_status}): cannot tell whether it has `corun schema`")
endif()
if(NOT help MATCHES "\n  schema ")
  message(STATUS "Not installing a JSON Schema: this corun has no `corun schema` command")
  return()
endif()
execute_process(COMMAND "${CORUN_BINARY}" schema OUTPUT_FILE "${CORUN_SCHEMA_FILE}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "`corun schema` failed (exit ${status}): the JSON Schema cannot be installed")
endif()
file(INSTALL DESTINATION "${CORUN_SCHEMA_DESTINATION}" TYPE FILE FILES "${CORUN_SCHEMA_FILE}")
