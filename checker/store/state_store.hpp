// The visited set: every state the search has seen, stored exactly and compressed as a tree
// (SPIN's COLLAPSE, LTSmin's tree compression; docs/state-store.md).
//
// Shape: the canonical state is cut into parts at fixed boundaries (for a Program: the globals
// block, then each thread's pc + locals block; TransitionSystem::state_parts), and each part into
// leaves of at most kLeafBytes, so that a step changing one word of a large block adds one small
// leaf and the inner nodes above it. A balanced binary
// tree is built over the leaves; each leaf position and each inner node position has its own
// InternTable (a leaf table holds that leaf's distinct byte strings, an inner table the distinct
// pairs of its children's indices). The root is the state itself: its kids are the root's
// grandchildren (2 to 4 nodes: the top level is folded into the root, since the root's children
// were nearly as many as the states), their indices packed with as few bits as each arena chunk
// needs (with one leaf: the leaf's bytes), stored at the state's id in a dense arena and indexed
// by a sharded open-addressing table of ids. Since most transitions change one thread and the
// globals, leaves and inner nodes are shared by many states, and a state costs about its packed
// root (3-8 bytes) plus its index slot (~6.5 bytes).
//
// Ids are dense, in insertion order, starting at 0 (the initial state). A state never changes its
// id. Parent links are kept only when asked (DFS); BFS recovers them from the levels (search).
//
// Exactness: every table compares full bytes, so find() never confuses two states.
//
// Sequential insert(state, parent) looks the state up incrementally from its parent's tree (only
// the paths above leaves that differ from the parent's are hashed), and so do the parallel
// search through lookup_near_batch() and the sequential search through decode_hint(),
// find_hinted_batch() and insert_found() (a successor's lookup carried to its insert), and the
// distributed search's receiver through lookup_chain_batch() (each record near the one before
// it); find()
// and lookup() hash all. The batched lookups take the successors of one state together, level
// by level, prefetching each level's index buckets (and the roots' buckets and first
// candidates) before probing them, so that their cache misses overlap (docs/state-store.md,
// "Lookups"). Code: state_store.cpp (building, inserting, placing,
// memory), state_store_lookup.cpp (lookups, decoding, prefetching), state_store_layout.hpp.
//
// Thread-safety: sequential use (insert) by one thread. The parallel search uses lookup() from
// many threads while nobody writes, then reserve() on one thread, then place() rounds in which
// each worker writes only the shards it owns (shard % workers == worker); see place().
// Limits: at most kMaxStates states; insert()/reserve() throw std::length_error beyond, so callers
// check size() first. Allocation failure throws std::bad_alloc.
// Memory: bytes() counts every byte allocated (reserved capacity included); nothing is allocated
// before it is needed (empty tables, shards and index buckets cost a pointer or a vector each).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "checker/store/intern_table.hpp"

namespace pcmc::checker {

class StateStore {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  static constexpr std::uint32_t kMaxStates = 0xFFFFFFFEu;
  static constexpr std::size_t kMaxLeaves = 256;  // more parts are merged pairwise
  static constexpr std::uint32_t kLeafBytes = 64;  // parts are cut into leaves of at most this

  struct Inserted {
    std::uint32_t id;
    bool inserted;  // false: the state was already stored under `id`
  };

  // `bounds`: leaf boundaries, ascending, strictly inside (0, state_size); empty = one leaf.
  StateStore(std::size_t state_size, std::vector<std::uint32_t> bounds, bool keep_parents);
  // One leaf per 8 bytes (tests and systems without a natural split).
  explicit StateStore(std::size_t state_size);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // ------------------------------------------------------------------ sequential use
  // Stores `state` if new; `parent` is remembered when parents are kept.
  Inserted insert(const std::uint8_t* state, std::uint32_t parent);
  // The id of `state`, or kNone. Thread-safe while nobody writes.
  std::uint32_t find(const std::uint8_t* state) const;
  // Writes the bytes of state `id` to `out`. Thread-safe while nobody writes.
  void decode(std::uint32_t id, std::uint8_t* out) const;
  bool keeps_parents() const { return keep_parents_; }
  std::uint32_t parent(std::uint32_t id) const;  // precondition: keeps_parents()

  // ------------------------------------------------------------------ sequential, incremental
  // The sequential search expands one state at a time and looks up or inserts its successors:
  // decode_hint() decodes the state being expanded and remembers it (its bytes and node indices)
  // as the hint, so that the later insert(state, id) of its successors does not decode it again.
  // Not thread-safe.
  void decode_hint(std::uint32_t id, std::uint8_t* out);
  // find() of `state` (the same result), looked up incrementally from the hint when one is set;
  // `nodes` (node_count() entries) receives the node indices as lookup() writes them, for
  // insert_found(). Not thread-safe against insert().
  std::uint32_t find_hinted(const std::uint8_t* state, std::uint32_t* nodes) const;
  // find_hinted() of n states (successors of the hint), with the same results (found[i],
  // nodes[i]); the roots' cache misses overlap (lookup_near_batch). Not thread-safe against
  // insert().
  void find_hinted_batch(std::size_t n, const std::uint8_t* const* states,
                         std::uint32_t* const* nodes, std::uint32_t* found) const;
  // insert(state, parent) of a state that find_hinted() looked up into `nodes` (returning
  // `found`) when the store held `at_size` states, without looking it up again: the same result
  // as insert(). When states were inserted since, a stored id stays valid and the nodes that were
  // not stored are looked up again (they may be stored now). `nodes` is used as scratch.
  Inserted insert_found(const std::uint8_t* state, std::uint32_t parent, std::uint32_t* nodes,
                        std::uint32_t found, std::size_t at_size);

  std::size_t size() const { return count_; }
  std::size_t state_size() const { return size_; }
  std::size_t leaf_count() const { return leaves_.size(); }
  // Every byte the store holds (all tables, arena, index, parents). Not thread-safe vs writes.
  std::uint64_t bytes() const;
  // An upper bound on what inserting `n` more states can add to bytes().
  std::uint64_t growth_bound(std::uint64_t n) const;

  // ------------------------------------------------------------------ parallel use
  // Node indices per state: node_count() uint32, leaves first, root last.
  std::size_t node_count() const { return nodes_.size(); }
  // Fills `nodes` bottom-up with the indices of the state's tree nodes (kNone where a node is not
  // stored, and then above it) and returns the state's id or kNone. Thread-safe while nobody
  // writes.
  std::uint32_t lookup(const std::uint8_t* state, std::uint32_t* nodes) const;
  // lookup() for a state near a stored one (a successor of its parent): `near_state` and
  // `near_nodes` as decode_nodes() wrote them; only the leaves that differ, and the inner nodes
  // above them, are hashed and looked up. Same result as lookup(). Thread-safe while nobody
  // writes.
  std::uint32_t lookup_near(const std::uint8_t* state, std::uint32_t* nodes,
                            const std::uint8_t* near_state, const std::uint32_t* near_nodes) const;
  // lookup_near() of n states near the same stored state (the successors of one state), with
  // the same results (found[i], and nodes[i] as lookup_near writes them). The nodes are looked
  // up level by level across the states (every differing node of a level hashed and its index
  // bucket prefetched, then probed), then every root's bucket is prefetched, then each bucket's
  // first candidate root, then the roots are probed: the cache misses of the batch overlap.
  // Thread-safe while nobody writes.
  void lookup_near_batch(std::size_t n, const std::uint8_t* const* states,
                         std::uint32_t* const* nodes, const std::uint8_t* near_state,
                         const std::uint32_t* near_nodes, std::uint32_t* found) const;
  // lookup_near_batch() of n states, each near its own stored state (near_states[i] and
  // near_nodes[i] as decode_nodes() wrote them): the successors of several states looked up
  // together, so that more cache misses overlap than one state's 2-3 successors give (the
  // sequential search's pipeline, search_pipeline.cpp). Same results as lookup_near() of each.
  // Thread-safe while nobody writes.
  void lookup_near_many(std::size_t n, const std::uint8_t* const* states,
                        std::uint32_t* const* nodes, const std::uint8_t* const* near_states,
                        const std::uint32_t* const* near_nodes, std::uint32_t* found) const;
  // lookup_near_batch() of n states each near the one before it in the batch (state 0 near
  // `near_state`, `near_nodes`, as decode_nodes() wrote them or as a lookup of a stored state
  // left them): records another process sent, successors of consecutive states of its search,
  // are most alike their predecessor (the distributed search, docs/distributed.md). A node
  // taken from a predecessor whose own lookup is still pending is copied once that lookup is
  // done, in order, so the misses still overlap. Same results as lookup_near() of each state
  // near its predecessor's nodes as lookup() writes them. Thread-safe while nobody writes.
  void lookup_chain_batch(std::size_t n, const std::uint8_t* const* states,
                          std::uint32_t* const* nodes, const std::uint8_t* near_state,
                          const std::uint32_t* near_nodes, std::uint32_t* found) const;
  // decode() that also writes the state's node indices (node_count(), leaves first, root = id
  // last), for lookup_near(). Thread-safe while nobody writes.
  void decode_nodes(std::uint32_t id, std::uint8_t* out, std::uint32_t* nodes) const;
  // A hint that state `id` will be decoded soon: prefetches its root's kid entries (the first
  // cache misses of decode_nodes, which the search can hide behind the current expansion).
  // No effect on results. Thread-safe while nobody writes.
  void prefetch_decode(std::uint32_t id) const;
  // Makes room for n new ids and returns the first; they become findable once placed. One thread.
  std::uint32_t reserve(std::uint32_t n);

  struct Pending {
    const std::uint8_t* state;  // the bytes
    std::uint32_t* nodes;       // as filled by lookup(); completed by place()
    std::uint32_t id;           // from reserve(); distinct states only (no two equal)
    std::uint32_t parent;
  };
  // Rounds 0 .. place_rounds()-1 of storing `items`: round r < depth interns the tree nodes of
  // level r, round depth (worker 0 alone) writes the roots into the root arena (widening a
  // chunk's packing when an index needs more bits), the last round indexes the ids. Every worker w
  // of `workers` calls each round with the same items; it writes only shards s with
  // s % workers == w, and node slots of those nodes. Rounds must be separated by a barrier
  // (happens-before).
  unsigned place_rounds() const { return depth_ + 2; }
  void place(unsigned round, unsigned worker, unsigned workers, std::span<const Pending> items);

  // Fault injection, for tests only: the state placed under `id` is stored but never indexed (a
  // dropped insert: find() never returns it, so it is stored again when met again). The oracle
  // tests use it to show that their comparisons catch a lost state (store_oracle_test.cpp).
  void drop_index_for_tests(std::uint32_t id) { drop_for_tests_ = id; }
  // Fault injection, for tests only: the incremental lookups (lookup_near, its batch, the
  // sequential hint) reuse the near state's leaf indices without comparing the leaves' bytes — a
  // wrong reused leaf id, as a stale or mis-keyed incremental hash would give. The oracle tests
  // use it to show that their comparisons catch it (store_oracle_test.cpp).
  void reuse_leaves_for_tests(bool on) { reuse_for_tests_ = on; }

 private:
  struct Node {
    std::uint32_t offset = 0, width = 0;  // leaves: their bytes in the state
    std::uint32_t left = 0, right = 0;    // inner nodes: child node positions
    unsigned level = 0;
    bool leaf = true;
  };
  struct RootIndex;
  // A chunk of the root arena (ids in chunks of 64, 128, ..., 16384 ids). Inner root: its kid
  // indices (root_kids_, 2 to 4) packed little-endian, kid i in bits[i] bits, as many as that
  // chunk's indices need (widened by repacking when a larger index comes); roots of at most 121
  // bits follow each other bit by bit (stride = their bits), wider ones start at a byte. A
  // one-leaf state: its bytes (stride = 8 x state size). `bytes` has 16 bytes of slack at the
  // end, so that a root is read with one 8- or 16-byte load.
  static constexpr std::size_t kMaxRootKids = 4;
  static constexpr std::size_t kKeyBytes = 4 * kMaxRootKids;  // a root's kid indices, unpacked
  struct RootChunk {
    std::unique_ptr<std::uint8_t[]> bytes;  // null until the first root is written (packed)
    std::uint16_t stride = 0;               // bits per root
    std::array<std::uint8_t, kMaxRootKids> bits{};  // packed: bits per kid index
  };

  void build_tree(std::vector<std::uint32_t> bounds);
  // The bytes of node k of a state whose child indices are in `nodes` (leaves: in the state).
  const std::uint8_t* node_bytes(std::size_t k, const std::uint8_t* state,
                                 const std::uint32_t* nodes, std::uint8_t* pair) const;
  void fold_root();
  // The root of `id`: packed, its kid indices (root_width_ bytes) in `key`; else a pointer into
  // the arena.
  const std::uint8_t* root_bytes(std::uint32_t id, std::uint8_t* key) const;
  void unpack_root(std::uint32_t id, std::uint32_t* kids) const;
  void prefetch_root(std::uint32_t id) const;  // the bytes unpack_root(id) reads
  void pack_root(const std::uint32_t* kids, const RootChunk& c, std::uint8_t* base,
                 std::size_t off) const;
  bool root_ready(const std::uint32_t* nodes) const;  // no kid is kNone
  std::uint32_t find_root(const std::uint8_t* root, std::uint64_t hash) const;
  struct RootProbe {
    const std::uint8_t* key = nullptr;  // the root's bytes (its kid indices, or a leaf state)
    std::uint64_t hash = 0;
  };
  bool near_below_root(const std::uint8_t* state, std::uint32_t* nodes,
                       const std::uint8_t* near_state, const std::uint32_t* near_nodes,
                       std::uint8_t* key, RootProbe& probe) const;
  // What the near state decides about a node: nothing (look it up), its index taken from the
  // near state's (kTaken), or kNone because a child is not stored (kAbsent).
  enum NearRule : unsigned char { kLookUp, kTaken, kAbsent };
  NearRule near_root(const std::uint8_t* state, std::uint32_t* nodes,
                     const std::uint8_t* near_state, const std::uint32_t* near_nodes,
                     std::uint8_t* key, RootProbe& probe) const;
  NearRule near_decides(std::size_t k, const std::uint8_t* state, std::uint32_t* nodes,
                        const std::uint8_t* near_state, const std::uint32_t* near_nodes) const;
  // The near state of each state of a batch: one for all (step 0) or one each (step 1); with
  // `chain`, state i > 0 is near state i - 1 of the batch (`chain` its states, `chain_nodes`
  // their nodes) and state 0 near states[0].
  struct NearOf {
    const std::uint8_t* const* states;
    const std::uint32_t* const* node_sets;
    std::size_t step;
    const std::uint8_t* const* chain = nullptr;
    std::uint32_t* const* chain_nodes = nullptr;
    bool chained(std::size_t i) const { return chain != nullptr && i > 0; }
    const std::uint8_t* state(std::size_t i) const {
      return chained(i) ? chain[i - 1] : states[i * step];
    }
    const std::uint32_t* nodes(std::size_t i) const {
      return chained(i) ? chain_nodes[i - 1] : node_sets[i * step];
    }
  };
  void near_levels_batch(std::size_t first, std::size_t end, const std::uint8_t* const* states,
                         std::uint32_t* const* nodes, const NearOf& near) const;
  void near_batch(std::size_t n, const std::uint8_t* const* states, std::uint32_t* const* nodes,
                  const NearOf& near, std::uint32_t* found) const;
  void index_root(std::uint32_t id, std::uint64_t hash);
  void write_roots(std::span<const Pending> items);
  void repack(RootChunk& c, std::size_t chunk, const unsigned* need);
  std::uint32_t& parent_slot(std::uint32_t id) const;
  // Stores a state whose lookup left `nodes` exact (kNone = not stored) and found no root.
  Inserted store_new(const std::uint8_t* state, std::uint32_t parent, std::uint32_t* nodes);

  std::size_t size_;
  bool keep_parents_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> leaves_;  // (offset, width)
  std::vector<Node> nodes_;                   // leaves, then inner nodes; root last
  std::vector<std::unique_ptr<InternTable>> tables_;  // per node except the root
  std::vector<std::vector<std::uint32_t>> by_level_;  // non-root node positions per level
  unsigned depth_ = 0;
  std::size_t root_width_ = 0;
  bool packed_ = false;                       // the root is an inner node
  std::vector<std::uint32_t> root_kids_;      // packed: the root's kid node positions
  std::vector<RootChunk> roots_;
  std::uint64_t arena_bytes_ = 0;             // of the root and parent chunks
  std::vector<std::unique_ptr<std::uint32_t[]>> parents_;
  std::unique_ptr<RootIndex> index_;
  std::uint32_t count_ = 0;
  std::uint32_t drop_for_tests_ = kNone;      // drop_index_for_tests()
  bool reuse_for_tests_ = false;              // reuse_leaves_for_tests()
  std::vector<std::uint32_t> scratch_;        // sequential insert's node indices
  // Sequential insert: the last parent, decoded (its bytes and node indices), to look up its
  // successors incrementally (lookup_near).
  std::uint32_t hint_id_ = kNone;
  std::vector<std::uint32_t> hint_nodes_;
  std::vector<std::uint8_t> hint_state_;
};

}  // namespace pcmc::checker
