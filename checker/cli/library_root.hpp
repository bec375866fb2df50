// Where pcmc finds its kernel library (the folder whose kernel/<version>/*.pcm scenarios
// #include) — one function that every command and `pcmc --version` use.
#pragma once

#include <string>

namespace pcmc::cli {

// The library root, in this order:
//  1. $PCMC_LIBRARY when set and not empty (any folder laid out like model/);
//  2. the build tree: a binary still in the folder CMake built it in reads the source
//     checkout's model/ (the developer's edit-build-run loop needs no install);
//  3. an installed binary: <its folder>/../share/pcmc/model, its folder found from
//     /proc/self/exe (else argv[0]), so an install works under any prefix and can be moved as a
//     whole (relocatable).
// The result is not checked for existence: a missing library shows up as the scenario's
// "cannot open include file" error naming the path, which says more than a refusal here.
std::string library_root();

// main() passes argv[0]: where the binary is when /proc/self/exe cannot be read.
void set_argv0(const char* argv0);

// `pcmc --version`: the version, the git commit built from and the library root in use.
std::string version_text();

}  // namespace pcmc::cli
