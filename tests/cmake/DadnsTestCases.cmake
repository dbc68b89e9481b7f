# dadns_test_cases(<target> NAME <set> PREFIX <prefix> SPEC <catch spec> TIMEOUT <s> LABELS <label...>)
#
# Registers every Catch2 case of <target> that SPEC selects as its own ctest test
# "<prefix><case name>", with the labels and timeout given. The cases are listed after each
# build of <target> (DadnsTestCasesScan.cmake), like catch_discover_tests, which this replaces
# because it cuts case names at ';' (the pieces then run no case and pass) and cannot give a
# test two labels.
set(_DADNS_TEST_CASES_SCAN ${CMAKE_CURRENT_LIST_DIR}/DadnsTestCasesScan.cmake)

function(dadns_test_cases target)
  cmake_parse_arguments(ARG "" "NAME;PREFIX;SPEC;TIMEOUT" "LABELS" ${ARGN})
  set(cases_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_${ARG_NAME}_cases.cmake)
  set(include_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_${ARG_NAME}_include.cmake)
  # Labels travel as one argument: ',' between them instead of the list's ';'.
  string(REPLACE ";" "," labels "${ARG_LABELS}")
  add_custom_command(TARGET ${target} POST_BUILD
    BYPRODUCTS ${cases_file}
    COMMAND ${CMAKE_COMMAND}
      -D "EXECUTABLE=$<TARGET_FILE:${target}>"
      -D "SPEC=${ARG_SPEC}"
      -D "PREFIX=${ARG_PREFIX}"
      -D "LABELS=${labels}"
      -D "TIMEOUT=${ARG_TIMEOUT}"
      -D "WORKING_DIRECTORY=${CMAKE_CURRENT_BINARY_DIR}"
      -D "CASES_FILE=${cases_file}"
      -P ${_DADNS_TEST_CASES_SCAN}
    VERBATIM)
  file(WRITE ${include_file}
    "if(EXISTS \"${cases_file}\")\n"
    "  include(\"${cases_file}\")\n"
    "else()\n"
    "  add_test(${target}_${ARG_NAME}_NOT_BUILT ${target}_${ARG_NAME}_NOT_BUILT)\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()
