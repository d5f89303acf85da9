# ctest's sanitized_suite: configure and build the source tree SRC in BIN with
# -DCORUN_SANITIZE=ON, then run its tests labelled `sanitizable`. A script
# rather than `ctest --build-and-test`, which builds serially (it clears
# MAKEFLAGS) — too slow on CI's two cores.
#   cmake -DSRC=... -DBIN=... -DCXX=... -DGENERATOR=... -DBUILD_TYPE=... -P sanitized_suite.cmake
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "sanitized_suite: failed (${status}): ${ARGN}")
  endif()
endfunction()

run(${CMAKE_COMMAND} -S ${SRC} -B ${BIN} -G ${GENERATOR} -DCORUN_SANITIZE=ON
    -DCMAKE_BUILD_TYPE=${BUILD_TYPE} -DCMAKE_CXX_COMPILER=${CXX})
run(${CMAKE_COMMAND} --build ${BIN} -j 2)
run(${CMAKE_CTEST_COMMAND} --test-dir ${BIN} -L sanitizable --output-on-failure -j 2)
