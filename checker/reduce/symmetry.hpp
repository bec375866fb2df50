// Symmetry reduction of interchangeable threads (docs/symmetry.md): where thread
// identities live in a state, which threads are interchangeable, and the canonicaliser that maps
// a state to one representative of its orbit under permutations of those threads.
//
// The state is bytes; a thread's *block* is a contiguous range of it (a Program: its pc and
// locals). A *thread cell* is a scalar holding a thread identity: 0 = none, t + 1 = thread t
// (model/program.hpp's thread_t encoding). A permutation σ of the threads of each class acts on a
// state by moving thread i's block to thread σ(i)'s place and rewriting every thread cell
// (globals and every block) v = t + 1 to σ(t) + 1. The spec must describe a real symmetry of the
// transition system (σ commutes with successors, properties do not tell threads apart): the
// detection in program_symmetry.hpp guarantees it for Programs; toy tests write it by hand.
//
// Page frames (frame_symmetry.hpp): when the spec has movable pool units (elements, or blocks of
// consecutive elements: compound pages), the group is the product of the thread permutations
// and the unit permutations, and the canonical form is the least thread-canonical image among
// the unit orders that sort the units by key.
//
// Exactness: the canonical form is a function of the state, and always σ(state) for some σ of
// the group, so a search over canonical states loses no orbit. It is the orbit's unique
// representative (the lexicographically least image) whenever the tie-breaking enumeration below
// stays within kMaxCandidates; otherwise it is a heuristic one and an orbit may be stored more
// than once, never missed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "checker/reduce/frame_symmetry.hpp"

namespace pcmc::checker {

struct SymmetrySpec {
  struct Cell {
    std::uint32_t offset = 0;  // globals: absolute; locals: relative to the block's start
    std::uint8_t width = 1;    // 1, 2 or 4 bytes, little-endian
  };
  // Interchangeable threads: each class has >= 2 thread ids, ascending; classes are disjoint.
  // Threads of one class have blocks of the same size and the same local cells.
  std::vector<std::vector<unsigned>> classes;
  std::vector<std::uint32_t> block_offset;     // per thread (every thread of the system)
  std::uint32_t block_size(unsigned t) const { return block_sizes.at(t); }
  std::vector<std::uint32_t> block_sizes;      // per thread
  std::vector<Cell> global_cells;              // thread cells outside every block
  std::vector<std::vector<Cell>> local_cells;  // per thread: thread cells inside its block
  // Interchangeable pool elements (frame_symmetry.hpp); empty: threads only. The group is the
  // product of the thread permutations and the element permutations (they commute).
  FrameSpec frames;

  bool empty() const { return classes.empty() && frames.empty(); }
  unsigned threads() const { return static_cast<unsigned>(block_offset.size()); }
};

// Maps states to canonical representatives. Immutable after construction; canonicalise() is
// safe to call from several threads at once, each with its own Scratch.
class Canonicaliser {
 public:
  // Tie-breaking permutations tried per state before falling back to a heuristic form.
  static constexpr std::size_t kMaxCandidates = 120;

  // Throws std::invalid_argument when the spec is inconsistent (overlapping or out-of-range
  // blocks, unequal blocks within a class, a cell wider than 4 bytes, ...).
  Canonicaliser(SymmetrySpec spec, std::size_t state_size);

  struct Scratch {
    std::vector<std::uint8_t> keys, candidate;
    std::vector<unsigned> order, perm, best_perm, rename;
    std::vector<std::pair<std::size_t, std::size_t>> runs;  // tied ranges of `order`
    // Page frames (canonicalise_frames): element keys, sorted orders, tied runs, candidates.
    std::vector<std::uint8_t> fkeys, framed, fcand;
    std::vector<std::size_t> fkey_at;
    std::vector<std::vector<unsigned>> forder;
    std::vector<std::pair<std::size_t, std::pair<std::size_t, std::size_t>>> fruns;
    FrameAction::Perm fperm;
    std::vector<std::vector<unsigned>> frename;
    std::vector<unsigned> tperm;
  };

  // Writes the canonical form of `in` to `out` (state_size bytes each; they must not overlap).
  // When `perm` is not null it receives perm[t] = the thread that concrete thread t of `in`
  // became in `out` (size threads()); element renamings are not reported (a counterexample
  // names threads, never elements by number: concretise() matches states, not names).
  void canonicalise(const std::uint8_t* in, std::uint8_t* out, Scratch& scratch,
                    std::vector<unsigned>* perm = nullptr) const;

  const SymmetrySpec& spec() const { return spec_; }
  std::size_t state_size() const { return size_; }

 private:
  // Writes σ(in) to out, σ given as perm[old thread] = new thread.
  void apply(const std::uint8_t* in, std::uint8_t* out, const std::vector<unsigned>& perm,
             std::vector<unsigned>& rename) const;
  // The block of thread t with thread cells of class threads replaced by a marker: equal keys
  // for blocks that some permutation maps to each other.
  void key(const std::uint8_t* in, unsigned t, std::uint8_t* out) const;
  // The thread part alone: the least image among the orders sorting each class by key.
  void canonicalise_threads(const std::uint8_t* in, std::uint8_t* out, Scratch& scratch,
                            std::vector<unsigned>* perm) const;
  // Frames and threads: for every element order sorting each pool's movable elements by key
  // (ties enumerated within kMaxCandidates), the thread-canonical form of that image; the least.
  void canonicalise_frames(const std::uint8_t* in, std::uint8_t* out, Scratch& scratch,
                           std::vector<unsigned>* perm) const;

  SymmetrySpec spec_;
  FrameAction frames_;
  std::size_t size_;
  std::vector<bool> in_class_;  // per thread
  std::vector<std::size_t> key_at_;  // per class thread: where its key goes in Scratch::keys
  std::size_t key_bytes_ = 0;
};

}  // namespace pcmc::checker
