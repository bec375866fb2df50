// Futures narrowed by the current value of stable pointer locals (docs/por.md, "Narrowed
// futures"): the static futures of footprint.hpp count `page->lock_owner` as the lock word of
// every page. Here, per thread and pc, such an access — a narrowable access (footprint_walk.hpp:
// a Deref whose reference is a load of a plain thread-local scalar L) — is kept as a *key*
// instead, when the value L holds at pc is the value it holds at the access on every path from
// pc to it; the checker evaluates the key against the state (checker/system/program_system.cpp):
// one element's field for a reference 1..count, every element's otherwise.
//
// A backward dataflow over the thread's control-flow graph (the shape of walk::propagate):
//   NF(pc) = own_keys(pc) ∪ T_pc(∪ NF(successors))
// with T_pc, for the instruction at pc: a copy `M = N` (an Assign of local M from exactly a load
// of local N, same width) renames keys of origin M to origin N (M's value after pc is N's value
// before it); a constant reference stored into M (`bump(E0)`'s parameter) fixes the key to that
// element's field, in the static part; any other write of thread-area bytes overlapping a key's
// origin (Assign, Choose, Assert storing its value, a write through a local array's index: the
// whole array, Clear) *kills* the key: its field of every pool element goes into the pc's static
// part, which is propagated like footprint.hpp's futures. An instruction's own accesses are evaluated before its
// store (`p = p->next` reads through the old p), so they are added after T_pc. Only the thread
// itself writes its area, so a key's origin holds, in any state at pc, the reference the access
// will use (or the access is never reached). The static part plus the evaluated keys is a subset
// of footprint.hpp's future and still contains every access the thread can make from that state.
//
// Three regions, as in footprint.hpp: the futures, the stop futures (cut at lock barriers) with
// *lock keys* (a barrier's lock conjunct on a narrowable address: which element's lock word the
// await will read) and, per pc, the lock conjuncts some path kills before the barrier (then every
// element's word counts), and the one-step bounds.
//
// Contract: immutable after construction; safe to share between threads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/footprint.hpp"
#include "model/program.hpp"

namespace pcmc::model {

class NarrowFootprints {
 public:
  enum class Kind : std::uint8_t { Read, Write, Lock };
  struct Key {
    std::uint32_t origin = 0;       // the local: offset in the thread's area
    std::uint8_t origin_width = 0;  // its width
    std::uint8_t width = 0;         // the field's width
    Kind kind = Kind::Read;
    std::uint32_t offset = 0, stride = 0, count = 0;  // the Deref: element r's field is at
                                                      // offset + (r - 1) * stride
    std::uint32_t tag = 0;          // Lock: index into lock_tags()
  };
  // A lock conjunct narrowed: barriers(thread)[barrier].conjuncts[conjunct] of StaticFootprints.
  struct LockTag {
    std::uint32_t barrier = 0, conjunct = 0;
  };

  NarrowFootprints(const Program& program, const StaticFootprints& wide, bool debug_vm);

  std::size_t words() const { return words_; }
  const std::vector<Key>& keys(unsigned thread) const { return threads_[thread].keys; }
  const std::vector<LockTag>& lock_tags(unsigned thread) const { return threads_[thread].tags; }
  // The tag of a barrier's conjunct (indices as in StaticFootprints::barriers), -1 if not narrowed.
  std::int32_t lock_tag(unsigned thread, std::size_t barrier, std::size_t conjunct) const {
    return threads_[thread].tag_of[barrier][conjunct];
  }

  // Per region at `pc`: the static read and write parts (words() words) and the keys (ids into
  // keys()). Regions as in footprint.hpp: the futures, the stop futures, the one-step bounds.
  enum Which { kFuture = 0, kStop = 1, kStep = 2 };
  const std::uint64_t* reads(Which r, unsigned t, std::uint32_t pc) const {
    return &R(t, r).r[std::size_t{pc} * words_];
  }
  const std::uint64_t* writes(Which r, unsigned t, std::uint32_t pc) const {
    return &R(t, r).w[std::size_t{pc} * words_];
  }
  std::span<const std::uint32_t> keys_at(Which r, unsigned t, std::uint32_t pc) const {
    const Region& g = R(t, r);
    return {g.ids.data() + g.first[pc], g.first[pc + 1] - g.first[pc]};
  }
  // Stop futures: bit i set when lock_tags()[i] is killed on some path from pc to its barrier
  // (then every element's word counts); tag_words(t) words.
  std::size_t tag_words(unsigned t) const { return threads_[t].tag_words; }
  const std::uint64_t* stop_killed_tags(unsigned t, std::uint32_t pc) const {
    return &R(t, kStop).tags[std::size_t{pc} * threads_[t].tag_words];
  }

  struct Region {
    std::vector<std::uint64_t> r, w, tags;  // code size x words (tags: x tag words)
    std::vector<std::uint32_t> first, ids;  // CSR: keys of pc are ids[first[pc], first[pc+1])
  };
  struct PerThread {
    std::vector<Key> keys;
    std::vector<LockTag> tags;
    std::vector<std::vector<std::int32_t>> tag_of;  // per barrier, per conjunct
    std::size_t tag_words = 1;
    Region regions[3];  // future, stop, step
  };

 private:
  const Region& R(unsigned t, int i) const { return threads_[t].regions[i]; }
  std::size_t words_;
  std::vector<PerThread> threads_;
};

}  // namespace pcmc::model
