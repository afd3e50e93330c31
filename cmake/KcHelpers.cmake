# One helper per kind of target, so every declaration in the tree reads alike.
#
#   kc_library(NAME api SRCS status.cc ... DEPS nlohmann_json::nlohmann_json)
#       -> target kc_api, alias kuscia::api; includes are rooted at the project root ("api/status.h").
#   kc_test(NAME api_status SRCS status_test.cc DEPS kuscia::api LABELS unit)
#       -> GoogleTest binary registered with CTest test by test (labels for -L selection).
#   kc_executable(NAME kuscia-mock SRCS main.cc DEPS kuscia::mock_server)
#       -> binary in build/bin/.

function(kc_library)
  cmake_parse_arguments(KC "" "NAME" "SRCS;DEPS;PUBLIC_DEFS" ${ARGN})
  add_library(kc_${KC_NAME} STATIC ${KC_SRCS})
  add_library(kuscia::${KC_NAME} ALIAS kc_${KC_NAME})
  target_include_directories(kc_${KC_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(kc_${KC_NAME} PUBLIC ${KC_DEPS})
  if(KC_PUBLIC_DEFS)
    target_compile_definitions(kc_${KC_NAME} PUBLIC ${KC_PUBLIC_DEFS})
  endif()
endfunction()

function(kc_test)
  cmake_parse_arguments(KC "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT KC_BUILD_TESTS)
    return()
  endif()
  if(NOT KC_TIMEOUT)
    set(KC_TIMEOUT 120)
  endif()
  add_executable(${KC_NAME}_test ${KC_SRCS})
  set_target_properties(${KC_NAME}_test PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${KC_NAME}_test PRIVATE ${KC_DEPS} GTest::gmock GTest::gtest GTest::gtest_main)
  target_compile_definitions(${KC_NAME}_test PRIVATE
    KC_SOURCE_DIR="${PROJECT_SOURCE_DIR}" KC_BINARY_DIR="${CMAKE_BINARY_DIR}")
  gtest_discover_tests(${KC_NAME}_test
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${KC_LABELS}" TIMEOUT ${KC_TIMEOUT})
endfunction()

function(kc_executable)
  cmake_parse_arguments(KC "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${KC_NAME} ${KC_SRCS})
  target_link_libraries(${KC_NAME} PRIVATE ${KC_DEPS})
endfunction()

include(GoogleTest)
