# Writes OUTPUT, a C++ source holding every file under ASSET_DIR as bytes, so the daemon serves
# its console without reading files at run time (nothing to install, nothing to go missing).
# Run as a script: cmake -DASSET_DIR=... -DOUTPUT=... -P DadnsEmbedAssets.cmake
file(GLOB_RECURSE _files RELATIVE "${ASSET_DIR}" "${ASSET_DIR}/*")
list(FILTER _files EXCLUDE REGEX "(^|/)\\.|~$") # editors' hidden and backup files
list(SORT _files)
set(_arrays "")
set(_table "")
set(_index 0)
foreach(_rel ${_files})
  file(READ "${ASSET_DIR}/${_rel}" _hex HEX)
  file(SIZE "${ASSET_DIR}/${_rel}" _size)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
  # One trailing zero keeps an empty file a valid array; the size excludes it.
  string(APPEND _arrays "const unsigned char kAsset${_index}[] = {${_bytes}0x00};\n")
  string(APPEND _table "    {\"${_rel}\", std::string_view(reinterpret_cast<const char*>(kAsset${_index}), ${_size})},\n")
  math(EXPR _index "${_index} + 1")
endforeach()
string(CONCAT _text "// Generated from core/console/assets by cmake/DadnsEmbedAssets.cmake; do not edit.\n"
          "#include \"core/console/ConsoleAssets.hpp\"\n\nnamespace dadns {\nnamespace {\n${_arrays}} // namespace\n\n"
          "const std::vector<EmbeddedAsset>& consoleAssets() {\n    static const std::vector<EmbeddedAsset> assets{\n${_table}    };\n"
          "    return assets;\n}\n\n} // namespace dadns\n")
# Rewritten only when different: an unchanged console recompiles nothing.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" _old)
  if(_old STREQUAL _text)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${_text}")
