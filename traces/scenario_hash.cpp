#include "traces/scenario_hash.hpp"

#include <cstdio>

namespace pcmc::traces {

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string scenario_hash(const model::SourceManager& sm) {
  std::uint64_t h = fnv1a64({});
  for (std::size_t i = 0; i < sm.size(); ++i) {
    h = fnv1a64(sm.file(static_cast<std::uint32_t>(i)).text, h);
    h = fnv1a64(std::string_view("\0", 1), h);
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace pcmc::traces
