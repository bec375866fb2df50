# `cmake --install BUILD --prefix PREFIX`: the pcmc tool and what it reads at run time.
#   bin/pcmc                                the binary (finds the library relative to itself)
#   share/pcmc/model/kernel/<version>/      the kernel library, every version folder (a glob)
#   share/pcmc/examples/                    the example scenarios (seed races, basics, scaled)
#   share/pcmc/trace-schema.json            the JSON schema of --json traces
#   share/doc/pcmc/                         README.md and docs/*.md
#   share/man/man1/pcmc.1                   the man page (generated: checker/cli/man/)
#   share/bash-completion/completions/pcmc  bash completion (cmake/pcmc-completion.bash)
# The native engine needs no installed headers: native_abi.h and the runtime helpers are
# compiled into the binary as text (model/CMakeLists.txt); it needs only a C++ compiler.
install(TARGETS pcmc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PCMC_ROOT}/model/kernel DESTINATION ${PCMC_INSTALL_DATADIR}/model
        FILES_MATCHING PATTERN "*.pcm" PATTERN "*.md")
install(DIRECTORY ${PCMC_ROOT}/examples/ DESTINATION ${PCMC_INSTALL_DATADIR}/examples
        FILES_MATCHING PATTERN "*.pcm" PATTERN "*.md")
install(FILES ${PCMC_ROOT}/docs/trace-schema.json DESTINATION ${PCMC_INSTALL_DATADIR})
install(FILES ${PCMC_ROOT}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PCMC_ROOT}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md" PATTERN "*.json")
install(FILES ${PCMC_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PCMC_ROOT}/cmake/pcmc-completion.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME pcmc)

# The install, run from a copy moved elsewhere (cmake/test_install.sh): the installed binary
# must use the installed library, the man page must render, the completion must complete.
add_test(NAME "install: relocated prefix"
         COMMAND ${PCMC_ROOT}/cmake/test_install.sh ${CMAKE_BINARY_DIR} ${PCMC_ROOT})
set_tests_properties("install: relocated prefix" PROPERTIES SKIP_RETURN_CODE 77)
if(PCMC_SANITIZE)  # cmake/install_checks.sh skips the runs without /proc (it says why)
  set_tests_properties("install: relocated prefix" PROPERTIES ENVIRONMENT "PCMC_SANITIZED=1")
endif()
