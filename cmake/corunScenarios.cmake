# corun_add_scenarios: one CTest test per corun scenario, each running
# `corun test <scenario>` against its golden files, so that `ctest -j N`,
# `ctest -L LABEL`, `ctest -R NAME` and `ctest --output-junit FILE` work on a
# suite of scenarios as on any other tests. Installed with corun's CMake
# package (corunConfig.cmake includes it); README "Using corun from CMake".
#
#   corun_add_scenarios(DIRECTORY dir
#                       [GOLDEN dir]          # default: corun test's own rule,
#                                             # the golden/ beside scenarios/
#                       [LABELS label...]     # besides the label `corun`
#                       [NAME_PREFIX prefix]  # default: "<DIRECTORY>/" as given
#                       [TIMEOUT seconds])    # per scenario; default 120
#
# Invariants:
#   * the verdict is corun's: the test is `corun test` on that one file (the
#     same comparison, diff and messages as on the command line); this file
#     never compares output itself;
#   * a test never writes golden files: CORUN_UPDATE is forced to 0 for it
#     (accept new output with `corun test --update DIR` on the command line);
#   * the scenarios are found at configure time (*.yaml and *.yml below
#     DIRECTORY, recursively); CONFIGURE_DEPENDS re-runs the configuration
#     when one is added or removed;
#   * the corun run is the imported target corun::corun (from the package),
#     or the target corun inside corun's own build, or CORUN_EXECUTABLE when
#     that variable is set.
include_guard(GLOBAL)

function(corun_add_scenarios)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "DIRECTORY;GOLDEN;NAME_PREFIX;TIMEOUT" "LABELS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "corun_add_scenarios: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS} "
                        "(expected DIRECTORY dir [GOLDEN dir] [LABELS ...] [NAME_PREFIX p] [TIMEOUT s])")
  endif()
  if(NOT ARG_DIRECTORY)
    message(FATAL_ERROR "corun_add_scenarios: DIRECTORY is required")
  endif()
  get_filename_component(dir "${ARG_DIRECTORY}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "corun_add_scenarios: DIRECTORY ${ARG_DIRECTORY} is not a directory (${dir})")
  endif()

  if(DEFINED CORUN_EXECUTABLE)
    set(corun "${CORUN_EXECUTABLE}")
  elseif(TARGET corun::corun)
    set(corun "$<TARGET_FILE:corun::corun>")
  elseif(TARGET corun)
    set(corun "$<TARGET_FILE:corun>")
  else()
    message(FATAL_ERROR "corun_add_scenarios: no corun: call find_package(corun CONFIG REQUIRED) first, "
                        "or set CORUN_EXECUTABLE")
  endif()

  set(golden_args "")
  if(ARG_GOLDEN)
    get_filename_component(golden "${ARG_GOLDEN}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    set(golden_args --golden "${golden}")
  endif()
  if(NOT DEFINED ARG_NAME_PREFIX)
    set(ARG_NAME_PREFIX "${ARG_DIRECTORY}/")
  endif()
  if(NOT DEFINED ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  if(NOT ARG_TIMEOUT MATCHES "^[0-9]+$" OR ARG_TIMEOUT EQUAL 0)
    message(FATAL_ERROR "corun_add_scenarios: TIMEOUT must be a whole number of seconds above 0, not '${ARG_TIMEOUT}'")
  endif()
  # corun test stops the scenario at TIMEOUT and says so; CTest's own limit
  # is only the backstop.
  math(EXPR ctest_timeout "${ARG_TIMEOUT} + 30")

  file(GLOB_RECURSE scenarios CONFIGURE_DEPENDS LIST_DIRECTORIES false "${dir}/*.yaml" "${dir}/*.yml")
  list(SORT scenarios)
  if(NOT scenarios)
    message(FATAL_ERROR "corun_add_scenarios: no scenarios (*.yaml, *.yml) under ${ARG_DIRECTORY}")
  endif()
  set(labels corun ${ARG_LABELS})
  foreach(scenario IN LISTS scenarios)
    file(RELATIVE_PATH rel "${dir}" "${scenario}")
    set(name "${ARG_NAME_PREFIX}${rel}")
    add_test(NAME "${name}"
             COMMAND "${corun}" test --timeout ${ARG_TIMEOUT} -j 1 ${golden_args} "${scenario}"
             WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    set_tests_properties("${name}" PROPERTIES
                         LABELS "${labels}"
                         TIMEOUT ${ctest_timeout}
                         ENVIRONMENT "CORUN_UPDATE=0")
  endforeach()
endfunction()
