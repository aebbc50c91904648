# zakupai_options: the flags for our own code only, so third-party headers stay quiet.
add_library(zakupai_options INTERFACE)
target_compile_features(zakupai_options INTERFACE cxx_std_20)
target_compile_options(
  zakupai_options
  INTERFACE -Wall
            -Wextra
            -Wpedantic
            -Wshadow
            -Wnon-virtual-dtor
            -Wold-style-cast
            -Woverloaded-virtual
            -Wimplicit-fallthrough
            -Wformat=2
            -Wmissing-declarations
            -Wlogical-op
            -Wduplicated-cond
            -Wnull-dereference
            $<$<BOOL:${ZAKUPAI_WERROR}>:-Werror>
            $<$<CONFIG:Debug>:-D_GLIBCXX_ASSERTIONS>)
if(ZAKUPAI_SANITIZE)
  list(JOIN ZAKUPAI_SANITIZE "," _sanitizers)
  target_compile_options(zakupai_options INTERFACE -fsanitize=${_sanitizers} -fno-omit-frame-pointer
                                                   -fno-sanitize-recover=all)
  target_link_options(zakupai_options INTERFACE -fsanitize=${_sanitizers})
  if("thread" IN_LIST ZAKUPAI_SANITIZE)
    # GCC warns that std::atomic_thread_fence (used inside Boost.Asio) is not instrumented; the
    # tier TSan runs (unit and database tests) does not drive Asio's threads.
    target_compile_options(zakupai_options INTERFACE -Wno-tsan)
  endif()
  if("undefined" IN_LIST ZAKUPAI_SANITIZE)
    # Debian's SOCI does not export the typeinfo that UBSan's vptr check links against;
    # every other UBSan check stays on.
    target_compile_options(zakupai_options INTERFACE -fno-sanitize=vptr)
  endif()
endif()

# zakupai_module(name DEPS ... PRIVATE_DEPS ...): one static library per module folder.
# foo.cpp is library code; foo_test.cpp is a unit test (label unit); foo_dbtest.cpp needs a
# database (label db). Each module's tests link only that module and what it depends on.
function(zakupai_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS;SOURCES" ${ARGN})
  file(GLOB all CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(lib ${all})
  list(FILTER lib EXCLUDE REGEX "_(db)?test\\.cpp$")
  add_library(zakupai_${name} STATIC ${lib} ${ARG_SOURCES})
  target_include_directories(zakupai_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(zakupai_${name} PUBLIC ${ARG_DEPS} zakupai_options PRIVATE ${ARG_PRIVATE_DEPS})

  set(unit ${all})
  list(FILTER unit INCLUDE REGEX "_test\\.cpp$")
  if(unit)
    add_executable(${name}_test ${unit})
    target_link_libraries(${name}_test PRIVATE zakupai_${name} ${ARG_PRIVATE_DEPS} GTest::gtest_main GTest::gmock)
    target_compile_definitions(${name}_test PRIVATE ZAKUPAI_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    target_include_directories(${name}_test PRIVATE ${PROJECT_SOURCE_DIR}/tests)
    gtest_discover_tests(${name}_test PROPERTIES LABELS unit ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp"
                         DISCOVERY_TIMEOUT 60)
    set_property(GLOBAL APPEND PROPERTY ZAKUPAI_MODULE_TESTS ${name}_test)
  endif()
  set(db ${all})
  list(FILTER db INCLUDE REGEX "_dbtest\\.cpp$")
  if(db)
    add_executable(${name}_dbtest ${db})
    target_link_libraries(${name}_dbtest PRIVATE zakupai_${name} ${ARG_PRIVATE_DEPS} GTest::gtest_main)
    target_compile_definitions(${name}_dbtest PRIVATE ZAKUPAI_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    target_include_directories(${name}_dbtest PRIVATE ${PROJECT_SOURCE_DIR}/tests)
    gtest_discover_tests(${name}_dbtest PROPERTIES LABELS db ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp"
                         DISCOVERY_TIMEOUT 60)
    set_property(GLOBAL APPEND PROPERTY ZAKUPAI_MODULE_TESTS ${name}_dbtest)
  endif()
endfunction()

# Turns a data file into a C++ string constant so the binary carries its defaults and
# nothing is looked up on disk at run time (an override path can still be configured).
function(zakupai_embed_file target file symbol)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${out} -DSYMBOL=${symbol} -P
            ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    DEPENDS ${file} ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()

# Compiles every file under `dir` into the binary as a list of (relative name, contents)
# returned by zakupai::embedded::<symbol>(); rebuilt when any of the files changes.
function(zakupai_embed_dir target dir symbol)
  file(GLOB_RECURSE inputs CONFIGURE_DEPENDS ${dir}/*)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDIR=${dir} -DOUT=${out} -DSYMBOL=${symbol} -P ${PROJECT_SOURCE_DIR}/cmake/EmbedDir.cmake
    DEPENDS ${inputs} ${PROJECT_SOURCE_DIR}/cmake/EmbedDir.cmake
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
