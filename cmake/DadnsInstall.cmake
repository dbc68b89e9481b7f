# cmake --install: the daemon, its plugins, the SDK package, the default config and the unit.
# Every destination follows the prefix (GNUInstallDirs); `--prefix <dir>` writes nothing
# outside <dir>, except that the config goes to /etc for prefix / or /usr and to /etc/opt/<name>
# for /opt/<name>, as GNUInstallDirs places SYSCONFDIR (an absolute CMAKE_INSTALL_SYSCONFDIR is
# used as given). The SDK alone (headers + the dadns-sdk CMake package), what plugin authors need:
#   cmake --install <build> --component sdk --prefix <dir>
include(CMakePackageConfigHelpers)

# lib/systemd/system under the prefix: /usr/lib/systemd/system for a /usr install, where
# distribution packages put units. Relative paths are taken from the prefix.
set(DADNS_INSTALL_SYSTEMD_UNITDIR lib/systemd/system CACHE PATH "Where dadns.service is installed")
set(DADNS_INSTALL_PLUGINDIR ${CMAKE_INSTALL_LIBDIR}/dadns/plugins)
set(DADNS_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/dadns-sdk)

install(TARGETS dadns RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ${DADNS_INTREE_PLUGINS} LIBRARY DESTINATION ${DADNS_INSTALL_PLUGINDIR})

install(DIRECTORY sdk/include/dadns DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT sdk)
install(TARGETS dadns_sdk EXPORT dadns-sdk-targets COMPONENT sdk)
install(EXPORT dadns-sdk-targets NAMESPACE dadns:: DESTINATION ${DADNS_INSTALL_CMAKEDIR} COMPONENT sdk)
configure_package_config_file(cmake/dadns-sdk-config.cmake.in
  ${CMAKE_BINARY_DIR}/dadns-sdk-config.cmake INSTALL_DESTINATION ${DADNS_INSTALL_CMAKEDIR})
# The SDK package version follows the ABI major, not the daemon's version.
file(STRINGS sdk/include/dadns/abi.h _abi_major REGEX "#define DADNS_ABI_MAJOR")
string(REGEX MATCH "[0-9]+" DADNS_ABI_MAJOR "${_abi_major}")
file(STRINGS sdk/include/dadns/abi.h _abi_minor REGEX "#define DADNS_ABI_MINOR")
string(REGEX MATCH "[0-9]+" DADNS_ABI_MINOR "${_abi_minor}")
write_basic_package_version_file(${CMAKE_BINARY_DIR}/dadns-sdk-config-version.cmake
  VERSION ${DADNS_ABI_MAJOR}.${DADNS_ABI_MINOR} COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT) # header-only
install(FILES
  ${CMAKE_BINARY_DIR}/dadns-sdk-config.cmake
  ${CMAKE_BINARY_DIR}/dadns-sdk-config-version.cmake
  cmake/DadnsAddPlugin.cmake
  cmake/dadns-plugin.map
  DESTINATION ${DADNS_INSTALL_CMAKEDIR}
  COMPONENT sdk)

# The default config (kept when one exists) and the unit, for the prefix given at install time.
install(CODE "set(DADNS_SOURCE_DIR \"${CMAKE_SOURCE_DIR}\")
  set(DADNS_BINARY_DIR \"${CMAKE_BINARY_DIR}\")
  set(DADNS_SYSCONFDIR \"${CMAKE_INSTALL_SYSCONFDIR}\")
  set(DADNS_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(DADNS_UNITDIR \"${DADNS_INSTALL_SYSTEMD_UNITDIR}\")")
install(SCRIPT ${CMAKE_SOURCE_DIR}/cmake/DadnsInstallEtc.cmake)
