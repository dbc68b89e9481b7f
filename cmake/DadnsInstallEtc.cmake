# Run by `cmake --install` (install(SCRIPT) in DadnsInstall.cmake): the default config and the
# systemd unit, placed and written for the prefix of this install, so `--prefix <dir>` moves
# them with everything else and the unit names where the binary and the config really went.
# Set before it runs: DADNS_SOURCE_DIR, DADNS_BINARY_DIR, DADNS_SYSCONFDIR, DADNS_BINDIR,
# DADNS_UNITDIR (the configured CMAKE_INSTALL_SYSCONFDIR, CMAKE_INSTALL_BINDIR and
# DADNS_INSTALL_SYSTEMD_UNITDIR; relative ones are under the prefix).

# A relative directory under the prefix, as GNUInstallDirs does: the configuration directory of
# prefix / and /usr is /etc, of /opt/<name> /etc/opt/<name>.
function(_dadns_full_dir var dir kind)
  if(IS_ABSOLUTE "${dir}")
    set(full "${dir}")
  elseif(kind STREQUAL "sysconf" AND CMAKE_INSTALL_PREFIX MATCHES "^/(usr/?)?$")
    set(full /etc)
  elseif(kind STREQUAL "sysconf" AND CMAKE_INSTALL_PREFIX MATCHES "^/opt/(.+)$")
    set(full "/etc/opt/${CMAKE_MATCH_1}")
  else()
    set(full "${CMAKE_INSTALL_PREFIX}/${dir}")
  endif()
  string(REGEX REPLACE "/+$" "" full "${full}")
  string(REGEX REPLACE "//+" "/" full "${full}")
  set(${var} "${full}" PARENT_SCOPE)
endfunction()

_dadns_full_dir(CMAKE_INSTALL_FULL_SYSCONFDIR "${DADNS_SYSCONFDIR}" sysconf)
_dadns_full_dir(CMAKE_INSTALL_FULL_BINDIR "${DADNS_BINDIR}" bin)
_dadns_full_dir(_dadns_unitdir "${DADNS_UNITDIR}" unit)

# The default config only when the operator has none (file(INSTALL) adds DESTDIR itself).
set(_dadns_config "${CMAKE_INSTALL_FULL_SYSCONFDIR}/dadns/dadns.yml")
if(EXISTS "$ENV{DESTDIR}${_dadns_config}")
  message(STATUS "Keeping existing: $ENV{DESTDIR}${_dadns_config}")
else()
  file(INSTALL "${DADNS_SOURCE_DIR}/etc/dadns.service.yml" DESTINATION "${CMAKE_INSTALL_FULL_SYSCONFDIR}/dadns"
       RENAME dadns.yml)
endif()

# Written in the build tree first, one directory per destination (installs may run at once).
string(MD5 _dadns_key "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
set(_dadns_unit "${DADNS_BINARY_DIR}/install-${_dadns_key}/dadns.service")
configure_file("${DADNS_SOURCE_DIR}/etc/dadns.service.in" "${_dadns_unit}" @ONLY)
file(INSTALL "${_dadns_unit}" DESTINATION "${_dadns_unitdir}")
file(REMOVE_RECURSE "${DADNS_BINARY_DIR}/install-${_dadns_key}")
