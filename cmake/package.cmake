# `cpack -G DEB` in the build folder: pcmc_<version>_<arch>.deb with the files of
# cmake/install.cmake under /usr. Runtime dependencies: the shared libraries the binary links
# (found by dpkg-shlibdeps when dpkg-dev is installed, else named here: libc6, libstdc++6,
# libgcc-s1, Boost.Program_options), g++ for the native engine (--engine native|auto), and
# graphviz as a suggestion (pcmc graph -o FILE.svg).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pcmc)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "exhaustive model checker for Linux page-cache concurrency")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "pcmc explores every interleaving of kernel functions written in a small C-like\n"
       "modelling language and reports, per property, either that it holds or the shortest\n"
       "interleaving that breaks it. It ships a model of the v5.15 page cache and the races\n"
       "of the THP truncation thread as example scenarios.")
set(CPACK_PACKAGE_CONTACT "pcmc developers <pcmc@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS graphviz)
set(boost_runtime
    "libboost-program-options${Boost_MAJOR_VERSION}.${Boost_MINOR_VERSION}.${Boost_SUBMINOR_VERSION}")
find_program(PCMC_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(PCMC_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "g++")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libstdc++6, libgcc-s1, ${boost_runtime}, g++")
endif()
include(CPack)
