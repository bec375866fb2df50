// Page-frame symmetry (docs/symmetry.md, "Page frames"): interchangeable elements
// of a pool (`pool struct page mem_map[K]`), where references to them live, and how a
// permutation of those elements acts on a state.
//
// A *frame cell* is a scalar holding a reference into one pool: 0 = NULL, e + 1 = element e
// (model/program.hpp's encoding). A pool is cut into *units* of `block` consecutive elements
// (1: every element is a unit; B > 1: compound pages, `blocks(B)`). A permutation π of the
// movable units of each pool acts on elements as φ(e) = π(e / B)·B + e % B, and on a state by
// moving element e's bytes to φ(e)'s place and rewriting every frame cell of that
// pool, v = e + 1 → φ(e) + 1: the cells outside thread blocks (globals and pool fields, fixed
// offsets) and the cells inside thread blocks, which depend on the thread's program counter
// (inline frames share stack bytes: a byte is a reference at one pc and an int at another).
// The spec must describe a real symmetry (φ commutes with successors, no property tells the
// movable elements apart): program_frames.hpp establishes it for Programs.
//
// Contract: FrameAction is immutable after construction; its methods are safe to call from
// several threads at once with distinct output buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pcmc::checker {

struct FrameSpec {
  struct Cell {
    std::uint32_t offset = 0;  // absolute (global cells) or relative to the thread block
    std::uint8_t width = 1;    // 1, 2 or 4 bytes, little-endian
    std::uint16_t pool = 0;    // index into `pools`
  };
  struct Pool {
    std::uint32_t base = 0;       // state offset of element 0
    std::uint32_t elem_size = 0;  // bytes per element
    std::uint32_t count = 0;      // elements
    std::uint32_t block = 1;      // elements per unit; divides count
    std::vector<unsigned> movable;  // interchangeable units (element / block), ascending, >= 2
    std::uint32_t units() const { return block == 0 ? 0 : count / block; }
  };
  // Frame cells inside a thread block at one program counter.
  using CellList = std::vector<Cell>;
  struct ThreadCells {
    std::vector<std::uint32_t> at_pc;  // per pc: index into `lists`
    std::uint32_t finished = 0;        // pc == 0xFFFF (finished): index into `lists`
  };

  std::vector<Pool> pools;
  std::vector<Cell> global_cells;        // every frame cell outside the thread blocks
  std::vector<CellList> lists;           // shared by all threads
  std::vector<ThreadCells> threads;      // per thread (empty when `pools` is empty)

  bool empty() const { return pools.empty(); }
};

// Applies element permutations to states. A thread block starts with its 2-byte little-endian
// program counter (model/program.hpp).
class FrameAction {
 public:
  // `block_offset`: per thread, where its block starts. `thread_cells`: absolute offsets and
  // widths of the thread-identity cells outside the blocks; in element keys a cell naming a
  // thread t with `permuted[t]` is masked, so that keys do not depend on the names of threads
  // that the thread part permutes (empty `permuted`: every nonzero value is masked). Throws
  // std::invalid_argument on an inconsistent spec.
  FrameAction(FrameSpec spec, std::vector<std::uint32_t> block_offset,
              std::vector<std::pair<std::uint32_t, std::uint8_t>> thread_cells,
              std::size_t state_size, std::vector<bool> permuted = {});

  const FrameSpec& spec() const { return spec_; }

  // A permutation of every pool: perm[p][u] = where unit u of pool p goes (identity on the
  // units that are not movable); size Pool::units().
  using Perm = std::vector<std::vector<unsigned>>;

  // out = φ(in); `rename` is scratch. in and out must not overlap. Throws std::logic_error when
  // a thread's pc has no cell list (an internal error: the spec does not fit the state).
  void apply(const std::uint8_t* in, std::uint8_t* out, const Perm& perm,
             std::vector<std::vector<unsigned>>& rename) const;

  // The key of movable unit u of pool p in `in`: its elements' bytes in order with thread cells
  // masked and each frame cell replaced by a tag that does not depend on the names of movable
  // units (NULL; its own unit at offset k; another movable unit at offset k; the fixed element
  // it names). Equal for u in s and π(u) in φ(s), and for t-renamed states. Appends
  // key_size(p) bytes to `out`.
  void key(const std::uint8_t* in, unsigned p, unsigned u, std::vector<std::uint8_t>& out) const;
  std::size_t key_size(unsigned p) const { return key_size_.at(p); }

 private:
  FrameSpec spec_;
  std::vector<std::uint32_t> block_offset_;
  std::size_t size_;
  std::vector<std::vector<bool>> movable_;             // per pool, per unit
  std::vector<std::vector<FrameSpec::Cell>> in_elem_;  // per pool: frame cells in element 0,
                                                       // relative to the element
  std::vector<std::vector<std::pair<std::uint32_t, std::uint8_t>>> thread_in_elem_;  // likewise
  std::vector<std::size_t> key_size_;
  std::vector<bool> permuted_;  // per thread: named only up to a permutation
};

}  // namespace pcmc::checker
