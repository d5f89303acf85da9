# What `cmake --install` installs and what CPack packs into a .deb
# (README "Installing"): the corun binary; the CMake package
# (lib/cmake/corun: corunConfig.cmake, its version file, the imported target
# corun::corun, corun_add_scenarios in corunScenarios.cmake); the bash
# completion (share/bash-completion/completions/corun, where bash-completion
# loads it on demand); and, when the binary has a `corun schema` command, its
# JSON Schema for scenario files (share/corun/corun.schema.json).
#
# Nothing here adds a build step: the package files are configured once and
# the schema is written at install time, so the default build is unchanged.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CORUN_CMAKE_DIR lib/cmake/corun)

install(TARGETS corun EXPORT corunTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT corunTargets NAMESPACE corun:: DESTINATION ${CORUN_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/corunConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/package/corunConfig.cmake
                              INSTALL_DESTINATION ${CORUN_CMAKE_DIR}
                              PATH_VARS CMAKE_INSTALL_BINDIR)
# A newer corun reads older scenarios within a major version; the package
# holds a program, so the consumer's pointer size does not matter.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/corunConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION}
                                 COMPATIBILITY SameMajorVersion
                                 ARCH_INDEPENDENT)
install(FILES ${CMAKE_BINARY_DIR}/package/corunConfig.cmake
              ${CMAKE_BINARY_DIR}/package/corunConfigVersion.cmake
              ${CMAKE_SOURCE_DIR}/cmake/corunScenarios.cmake
        DESTINATION ${CORUN_CMAKE_DIR})

install(FILES ${CMAKE_SOURCE_DIR}/completions/corun.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME corun)

# The schema is what the installed binary prints, so it cannot differ from
# it. Installed only when the binary lists a `schema` command in its help;
# once it does, a failing `corun schema` fails the install.
install(CODE "set(CORUN_BINARY \"$<TARGET_FILE:corun>\")
              set(CORUN_SCHEMA_FILE \"${CMAKE_BINARY_DIR}/package/corun.schema.json\")
              set(CORUN_SCHEMA_DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/corun\")")
install(SCRIPT ${CMAKE_SOURCE_DIR}/cmake/install_schema.cmake)

# `cpack -G DEB` (or `cmake --build build --target package`): a .deb that
# installs all of the above under /usr; its Depends come from
# dpkg-shlibdeps (Debian's dpkg-dev), from the libraries the binary links.
set(CPACK_PACKAGE_NAME corun)
set(CPACK_PACKAGE_VENDOR corun)
set(CPACK_PACKAGE_CONTACT "corun maintainers <corun@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "run Python asyncio scenarios on CPython's event-loop semantics, on a virtual clock")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
