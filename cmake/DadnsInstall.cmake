# cmake --install: the daemon, its plugins, the SDK package, the default config and the unit.
# The SDK alone (headers + the dadns-sdk CMake package, nothing outside the prefix):
#   cmake --install <build> --component sdk --prefix <dir>
include(CMakePackageConfigHelpers)

set(DADNS_SYSCONFDIR /etc CACHE PATH "Where dadns/dadns.yml is installed")
set(DADNS_SYSTEMD_UNITDIR /etc/systemd/system CACHE PATH "Where dadns.service is installed")
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

# The default config becomes /etc/dadns/dadns.yml only when the operator has none.
install(CODE "
  set(_etc \"\$ENV{DESTDIR}${DADNS_SYSCONFDIR}/dadns\")
  if(NOT EXISTS \"\${_etc}/dadns.yml\")
    file(MAKE_DIRECTORY \"\${_etc}\")
    file(COPY \"${CMAKE_SOURCE_DIR}/etc/dadns.service.yml\" DESTINATION \"\${_etc}\")
    file(RENAME \"\${_etc}/dadns.service.yml\" \"\${_etc}/dadns.yml\")
    message(STATUS \"Installing: \${_etc}/dadns.yml\")
  else()
    message(STATUS \"Keeping existing \${_etc}/dadns.yml\")
  endif()")
set(DADNS_FULL_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
configure_file(etc/dadns.service.in ${CMAKE_BINARY_DIR}/dadns.service @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/dadns.service DESTINATION ${DADNS_SYSTEMD_UNITDIR})
