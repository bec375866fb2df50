# Run at every build (cmake -P, from checker/cli/CMakeLists.txt): writes OUT, a header with
# PCMC_GIT_COMMIT, the commit the sources are at ("-dirty" with uncommitted changes), for
# `pcmc --version`. The file is rewritten only when the text changes, so an unchanged commit
# recompiles nothing. Without git or outside a checkout (a source tarball) the commit is
# PCMC_GIT_COMMIT from the cmake command line, else "unknown".
#   cmake -D SRC=<source dir> -D OUT=<header> [-D FALLBACK=<commit>] -P git_commit.cmake
set(commit "${FALLBACK}")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SRC} rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE head RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET)
  if(rc EQUAL 0 AND head)
    set(commit "${head}")
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SRC} status --porcelain --untracked-files=no
                    OUTPUT_VARIABLE changes ERROR_QUIET)
    if(changes)
      string(APPEND commit "-dirty")
    endif()
  endif()
endif()
if(NOT commit)
  set(commit "unknown")
endif()
set(text "#pragma once\n// Written by cmake/git_commit.cmake at build time.\n#define PCMC_GIT_COMMIT \"${commit}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
