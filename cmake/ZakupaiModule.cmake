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

# zakupai_module(name [THREADS] DEPS ... PRIVATE_DEPS ...): one static library per module folder.
# foo.cpp is library code; foo_test.cpp is a unit test (label unit); foo_dbtest.cpp needs a
# database (label db). Each module's tests link only that module and what it depends on.
# THREADS: the module runs threads of its own; its tests are labelled unit_threads/db_threads
# (`-L unit` still finds them: labels are regular expressions) and are what the
# ThreadSanitizer preset builds and runs (target thread_tests, label threads).
function(zakupai_module name)
  cmake_parse_arguments(ARG "THREADS" "" "DEPS;PRIVATE_DEPS;SOURCES" ${ARGN})
  set(extra_label "")
  if(ARG_THREADS)
    set(extra_label "_threads")
  endif()
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
    gtest_discover_tests(${name}_test PROPERTIES LABELS "unit${extra_label}" ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp"
                         DISCOVERY_TIMEOUT 60)
    set_property(GLOBAL APPEND PROPERTY ZAKUPAI_MODULE_TESTS ${name}_test)
    if(ARG_THREADS)
      set_property(GLOBAL APPEND PROPERTY ZAKUPAI_THREAD_TESTS ${name}_test)
    endif()
  endif()
  set(db ${all})
  list(FILTER db INCLUDE REGEX "_dbtest\\.cpp$")
  if(db)
    add_executable(${name}_dbtest ${db})
    target_link_libraries(${name}_dbtest PRIVATE zakupai_${name} ${ARG_PRIVATE_DEPS} GTest::gtest_main)
    target_compile_definitions(${name}_dbtest PRIVATE ZAKUPAI_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    target_include_directories(${name}_dbtest PRIVATE ${PROJECT_SOURCE_DIR}/tests)
    gtest_discover_tests(${name}_dbtest PROPERTIES LABELS "db${extra_label}" ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp"
                         DISCOVERY_TIMEOUT 60)
    set_property(GLOBAL APPEND PROPERTY ZAKUPAI_MODULE_TESTS ${name}_dbtest)
    if(ARG_THREADS)
      set_property(GLOBAL APPEND PROPERTY ZAKUPAI_THREAD_TESTS ${name}_dbtest)
    endif()
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

# Large files (the front end's vendored npm files) into the binary by the assembler's .incbin:
# no megabyte array literal for the compiler to parse. zakupai::embedded::<symbol>() returns
# (name, contents) pairs; each argument after the symbol is "name=absolute path".
function(zakupai_embed_assets target symbol)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cpp)
  set(body "// Generated by zakupai_embed_assets: do not edit.\n#include <string_view>\n#include <utility>\n#include <vector>\n")
  set(entries "")
  set(inputs "")
  set(index 0)
  foreach(pair ${ARGN})
    string(FIND "${pair}" "=" eq)
    string(SUBSTRING "${pair}" 0 ${eq} name)
    math(EXPR start "${eq} + 1")
    string(SUBSTRING "${pair}" ${start} -1 path)
    if(NOT EXISTS ${path})
      message(FATAL_ERROR "${path} is missing: run scripts/setup (it installs the web panel's npm packages with npm ci)")
    endif()
    list(APPEND inputs ${path})
    set(label "zakupai_asset_${symbol}_${index}")
    string(APPEND body "__asm__(\".section .rodata\\n.balign 16\\n.globl ${label}\\n.hidden ${label}\\n${label}:\\n.incbin \\\"${path}\\\"\\n.globl ${label}_end\\n.hidden ${label}_end\\n${label}_end:\\n.byte 0\\n.previous\\n\");\n")
    string(APPEND body "extern \"C\" const char ${label}[];\nextern \"C\" const char ${label}_end[];\n")
    string(APPEND entries "        {\"${name}\", std::string_view(${label}, static_cast<std::size_t>(${label}_end - ${label}))},\n")
    math(EXPR index "${index} + 1")
  endforeach()
  string(APPEND body "namespace zakupai::embedded {\nextern const std::vector<std::pair<std::string_view, std::string_view>>& ${symbol}();\n")
  string(APPEND body "const std::vector<std::pair<std::string_view, std::string_view>>& ${symbol}() {\n")
  string(APPEND body "    static const std::vector<std::pair<std::string_view, std::string_view>> kFiles{\n${entries}    };\n    return kFiles;\n}\n}  // namespace zakupai::embedded\n")
  file(GENERATE OUTPUT ${out} CONTENT "${body}")
  set_source_files_properties(${out} PROPERTIES OBJECT_DEPENDS "${inputs}")
  target_sources(${target} PRIVATE ${out})
endfunction()
