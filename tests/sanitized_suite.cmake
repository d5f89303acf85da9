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
# ASan's frames are several times larger than a normal build's: unit tests
# that recurse to Python's limit on the test's own main thread need more
# than the default 8 MiB stack (corun itself runs on a 1 GiB stack thread).
run(/bin/sh -c "ulimit -s 262144 2>/dev/null; exec \"${CMAKE_CTEST_COMMAND}\" --test-dir \"${BIN}\" -L sanitizable --output-on-failure -j 2")
