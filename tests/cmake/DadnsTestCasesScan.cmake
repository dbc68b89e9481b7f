# Run after a test executable is built (see DadnsTestCases.cmake): lists its Catch2 cases and
# writes CASES_FILE, one add_test and set_tests_properties per case.
# In: EXECUTABLE, SPEC, PREFIX, LABELS (comma-separated), TIMEOUT, WORKING_DIRECTORY, CASES_FILE.
execute_process(
  COMMAND "${EXECUTABLE}" "${SPEC}" --list-test-names-only
  OUTPUT_VARIABLE output
  RESULT_VARIABLE result
  WORKING_DIRECTORY "${WORKING_DIRECTORY}")
# Catch2 exits with the number of cases it listed; anything else is a failure to run.
if(NOT result MATCHES "^[0-9]+$")
  message(FATAL_ERROR "cannot list the cases of ${EXECUTABLE}: ${result}\n${output}")
endif()

string(REPLACE "," ";" labels "${LABELS}")
# A case name may hold ';', CMake's list separator: keep it out of the way while splitting.
string(REPLACE ";" "<semicolon>" output "${output}")
string(REPLACE "\n" ";" names "${output}")
set(script "")
foreach(name IN LISTS names)
  if(name STREQUAL "")
    continue()
  endif()
  string(REPLACE "<semicolon>" ";" name "${name}")
  # As a Catch2 test spec: ',' would separate specs, '[' and ']' would read as a tag.
  set(spec "${name}")
  foreach(char , [ ])
    string(REPLACE "${char}" "\\${char}" spec "${spec}")
  endforeach()
  string(APPEND script
    "add_test([==[${PREFIX}${name}]==] [==[${EXECUTABLE}]==] [==[${spec}]==])\n"
    "set_tests_properties([==[${PREFIX}${name}]==] PROPERTIES LABELS [==[${labels}]==] TIMEOUT ${TIMEOUT}"
    " WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==])\n")
endforeach()
file(WRITE "${CASES_FILE}" "${script}")
