# Fails when a C++ source file of the project is not formatted by the committed .clang-format.
# Run by CTest (format_check): cmake -DSOURCE_DIR=<root> [-DCLANG_FORMAT=<exe>] -P check_format.cmake
if(NOT CLANG_FORMAT)
  find_program(CLANG_FORMAT NAMES clang-format clang-format-14 REQUIRED)
endif()
file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}"
     "${SOURCE_DIR}/core/*.cpp" "${SOURCE_DIR}/core/*.h" "${SOURCE_DIR}/ui/*.cpp" "${SOURCE_DIR}/ui/*.h"
     "${SOURCE_DIR}/app/*.cpp" "${SOURCE_DIR}/app/*.h" "${SOURCE_DIR}/tests/*.cpp"
     "${SOURCE_DIR}/tests/*.h" "${SOURCE_DIR}/benchmarks/*.cpp" "${SOURCE_DIR}/benchmarks/*.h"
     "${SOURCE_DIR}/tools/*.cpp")
list(LENGTH sources count)
if(count EQUAL 0)
  message(FATAL_ERROR "no sources found under ${SOURCE_DIR}")
endif()
set(unformatted "")
foreach(file ${sources})
  execute_process(COMMAND "${CLANG_FORMAT}" --dry-run --Werror --style=file "${file}"
                  WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE result OUTPUT_QUIET ERROR_QUIET)
  if(NOT result EQUAL 0)
    list(APPEND unformatted "${file}")
  endif()
endforeach()
if(unformatted)
  list(JOIN unformatted "\n  " listed)
  message(FATAL_ERROR "not formatted by .clang-format (run clang-format -i on them):\n  ${listed}")
endif()
message(STATUS "${count} files formatted")
