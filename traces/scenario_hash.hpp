// The content hash that ties a saved trace to the scenario text it was recorded on.
//
// Definition (docs/traces.md): FNV-1a 64 over every file the parser loaded, in load order (the
// scenario first, then each #include'd file when it is first spliced in), each file's bytes
// followed by one NUL byte; written as "fnv1a64:" and 16 lower-case hex digits. The paths are not
// hashed: moving the scenario keeps its hash, editing it or any included library file changes it.
// Not a cryptographic hash: it detects edits, not tampering.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/source.hpp"

namespace pcmc::traces {

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ull);

// "fnv1a64:0123456789abcdef" of every file `sm` holds (see above).
std::string scenario_hash(const model::SourceManager& sm);

}  // namespace pcmc::traces
