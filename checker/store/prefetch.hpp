// A cache-line prefetch that the optimiser keeps. GCC 12 (-O2) treats a function whose only
// effect is __builtin_prefetch as `const` (ipa-pure-const) and then deletes every call to it
// whose result is unused, and a function that only returns a value used for such a call goes
// with it: BucketIndex::prefetch, first_candidate + prefetch_root, and the growth's prefetch
// lambda were all compiled to nothing once not inlined early (issue 17: `objdump -d` of
// StateStore::lookup_near_batch showed no prefetch instruction). The empty volatile asm gives the
// function a side effect, so neither it nor its callers can be dropped; the prefetch itself
// stays a hint (no effect on results, never faults).
#pragma once

namespace pcmc::checker {

inline void prefetch_line(const void* p) {
  __builtin_prefetch(p);
  asm volatile("" : : "r"(p));
}

}  // namespace pcmc::checker
