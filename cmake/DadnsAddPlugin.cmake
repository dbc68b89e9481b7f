# dadns_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>] [OUTPUT_DIRECTORY <dir>])
#
# Builds a loadable dadns plugin: a MODULE library named <name>.so (no "lib" prefix) that
# exports exactly one symbol, dadns_plugin_init. Hidden visibility hides the plugin's own
# code; a linker version script also hides the template instantiations of the C++ standard
# library (declared with default visibility by its headers), so nothing the plugin links can
# clash with the daemon or another plugin. Used in-tree and, installed with the SDK package,
# by out-of-tree plugins.
set(_DADNS_PLUGIN_VERSION_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/dadns-plugin.map)

function(dadns_add_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE dadns::sdk ${ARG_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED DADNS_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${DADNS_PLUGIN_OUTPUT_DIR})
  endif()
  if(NOT APPLE)
    target_link_options(${name} PRIVATE -Wl,--no-undefined "-Wl,--version-script=${_DADNS_PLUGIN_VERSION_SCRIPT}")
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${_DADNS_PLUGIN_VERSION_SCRIPT})
  endif()
endfunction()
