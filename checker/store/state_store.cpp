// StateStore (state_store.hpp): building the tree, the packed root arena, inserting and
// placing states, and memory accounting. The lookups and decoding are in state_store_lookup.cpp.
#include "checker/store/state_store.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "checker/store/hash.hpp"
#include "checker/store/reserve.hpp"
#include "checker/store/state_store_layout.hpp"
#include "checker/store/prefetch.hpp"

namespace pcmc::checker {

using namespace store_layout;

StateStore::StateStore(std::size_t state_size)
    : StateStore(state_size,
                 [&] {
                   std::vector<std::uint32_t> b;
                   for (std::uint32_t o = 8; o < state_size; o += 8) b.push_back(o);
                   return b;
                 }(),
                 true) {}

StateStore::StateStore(std::size_t state_size, std::vector<std::uint32_t> bounds,
                       bool keep_parents)
    : size_(state_size), keep_parents_(keep_parents), index_(std::make_unique<RootIndex>()) {
  build_tree(std::move(bounds));
  packed_ = !root_kids_.empty();
  scratch_.resize(nodes_.size());
  hint_nodes_.resize(nodes_.size());
  hint_state_.resize(size_);
}

StateStore::~StateStore() = default;

// Leaves from the boundaries (merged pairwise while there are too many), then a balanced binary
// tree: adjacent nodes are paired level by level, an odd one out moves up unpaired.
void StateStore::build_tree(std::vector<std::uint32_t> bounds) {
  std::vector<std::uint32_t> parts{0};
  for (std::uint32_t b : bounds)
    if (b > parts.back() && b < size_) parts.push_back(b);
  parts.push_back(static_cast<std::uint32_t>(size_));
  // Each part is cut further into kLeafBytes pieces (the last piece of a part may be shorter):
  // a step that changes one word of a large globals block then adds one small leaf and the
  // inner nodes above it, not a copy of the whole block.
  std::vector<std::uint32_t> cuts{0};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i)
    for (std::uint32_t o = parts[i] + kLeafBytes; o < parts[i + 1]; o += kLeafBytes)
      cuts.push_back(o);
  for (std::size_t i = 1; i < parts.size(); ++i) cuts.push_back(parts[i]);
  std::sort(cuts.begin(), cuts.end());
  while (cuts.size() - 1 > kMaxLeaves) {
    std::vector<std::uint32_t> fewer;
    for (std::size_t i = 0; i < cuts.size(); i += 2) fewer.push_back(cuts[i]);
    if (fewer.back() != size_) fewer.push_back(static_cast<std::uint32_t>(size_));
    cuts.swap(fewer);
  }
  std::vector<std::size_t> level;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    leaves_.emplace_back(cuts[i], cuts[i + 1] - cuts[i]);
    Node n;
    n.offset = cuts[i];
    n.width = cuts[i + 1] - cuts[i];
    nodes_.push_back(n);
    level.push_back(nodes_.size() - 1);
  }
  while (level.size() > 1) {
    std::vector<std::size_t> up;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
      Node n;
      n.leaf = false;
      n.width = 8;
      n.left = static_cast<std::uint32_t>(level[i]);
      n.right = static_cast<std::uint32_t>(level[i + 1]);
      n.level = 1 + std::max(nodes_[n.left].level, nodes_[n.right].level);
      nodes_.push_back(n);
      up.push_back(nodes_.size() - 1);
    }
    if (level.size() % 2 == 1) up.push_back(level.back());
    level.swap(up);
  }
  if (!nodes_.back().leaf) fold_root();
  depth_ = nodes_.back().level;
  root_width_ = nodes_.back().width;
  by_level_.resize(depth_);
  for (std::size_t k = 0; k + 1 < nodes_.size(); ++k) {
    tables_.push_back(std::make_unique<InternTable>(nodes_[k].width));
    by_level_[nodes_[k].level].push_back(static_cast<std::uint32_t>(k));
  }
}

// The root takes its inner children's children as its own (up to kMaxRootKids): the root's two
// children were almost as many as the states on the kernel scenarios (their halves change
// together), so a table of them cost ~15 bytes per state; the root's packed kid indices cost a
// few bytes more than its packed pair (docs/state-store.md, "Shape").
void StateStore::fold_root() {
  const Node top = nodes_.back();
  std::vector<bool> drop(nodes_.size(), false);
  drop.back() = true;
  std::vector<std::uint32_t> kids;
  for (const std::uint32_t c : {top.left, top.right}) {
    if (nodes_[c].leaf) {
      kids.push_back(c);
    } else {
      kids.push_back(nodes_[c].left);
      kids.push_back(nodes_[c].right);
      drop[c] = true;
    }
  }
  // Renumber the nodes kept (children before parents, as before).
  std::vector<std::uint32_t> pos(nodes_.size(), 0);
  std::vector<Node> kept;
  for (std::size_t k = 0; k < nodes_.size(); ++k) {
    if (drop[k]) continue;
    Node n = nodes_[k];
    if (!n.leaf) {
      n.left = pos[n.left];
      n.right = pos[n.right];
    }
    pos[k] = static_cast<std::uint32_t>(kept.size());
    kept.push_back(n);
  }
  Node root;
  root.leaf = false;
  root.width = static_cast<std::uint32_t>(4 * kids.size());
  for (std::uint32_t& c : kids) {
    c = pos[c];
    root.level = std::max(root.level, kept[c].level + 1);
  }
  kept.push_back(root);
  nodes_.swap(kept);
  root_kids_ = std::move(kids);
}

const std::uint8_t* StateStore::node_bytes(std::size_t k, const std::uint8_t* state,
                                           const std::uint32_t* nodes, std::uint8_t* pair) const {
  const Node& n = nodes_[k];
  if (n.leaf) return state + n.offset;
  if (k + 1 == nodes_.size()) {  // the root: its kids' indices
    for (std::size_t i = 0; i < root_kids_.size(); ++i)
      std::memcpy(pair + 4 * i, &nodes[root_kids_[i]], 4);
    return pair;
  }
  std::memcpy(pair, &nodes[n.left], 4);
  std::memcpy(pair + 4, &nodes[n.right], 4);
  return pair;
}

const std::uint8_t* StateStore::root_bytes(std::uint32_t id, std::uint8_t* key) const {
  if (packed_) {
    std::uint32_t kids[kMaxRootKids];
    unpack_root(id, kids);
    for (std::size_t i = 0; i < root_kids_.size(); ++i) std::memcpy(key + 4 * i, &kids[i], 4);
    return key;
  }
  const RootChunk& c = roots_[RootChunks::chunk_of(id)];
  return c.bytes.get() + std::size_t{RootChunks::offset_in_chunk(id)} * root_width_;
}

bool StateStore::root_ready(const std::uint32_t* nodes) const {
  for (const std::uint32_t c : root_kids_)
    if (nodes[c] == kNone) return false;
  return true;
}

std::uint32_t& StateStore::parent_slot(std::uint32_t id) const {
  return parents_[RootChunks::chunk_of(id)][RootChunks::offset_in_chunk(id)];
}

std::uint32_t StateStore::parent(std::uint32_t id) const {
  if (!keep_parents_) throw std::logic_error("state store: parents are not kept");
  return parent_slot(id);
}

// ------------------------------------------------------------------ inserting

StateStore::Inserted StateStore::insert(const std::uint8_t* state, std::uint32_t parent) {
  if (parent != kNone && parent < count_ && parent != hint_id_) {
    decode_nodes(parent, hint_state_.data(), hint_nodes_.data());
    hint_id_ = parent;
  }
  const std::uint32_t found = hint_id_ != kNone && parent == hint_id_
                                  ? lookup_near(state, scratch_.data(), hint_state_.data(),
                                                hint_nodes_.data())
                                  : lookup(state, scratch_.data());
  if (found != kNone) return {found, false};
  return store_new(state, parent, scratch_.data());
}

StateStore::Inserted StateStore::store_new(const std::uint8_t* state, std::uint32_t parent,
                                           std::uint32_t* nodes) {
  const std::uint32_t id = reserve(1);
  const Pending p{state, nodes, id, parent};
  for (unsigned r = 0; r < place_rounds(); ++r) place(r, 0, 1, std::span<const Pending>(&p, 1));
  return {id, true};
}

StateStore::Inserted StateStore::insert_found(const std::uint8_t* state, std::uint32_t parent,
                                              std::uint32_t* nodes, std::uint32_t found,
                                              std::size_t at_size) {
  if (found != kNone) return {found, false};  // stored states stay stored under their ids
  if (at_size > count_) throw std::logic_error("state store: insert_found from the future");
  if (at_size != count_) {
    // Entries never move or go away: the nodes found are still right; those not found (kNone)
    // may have been stored since, so they (and the root) are looked up again, bottom-up.
    std::uint8_t pair[kKeyBytes];
    const std::size_t root = nodes_.size() - 1;
    for (std::size_t k = 0; k < root; ++k) {
      if (nodes[k] != kNone) continue;
      const Node& n = nodes_[k];
      if (!n.leaf && (nodes[n.left] == kNone || nodes[n.right] == kNone)) continue;
      const std::uint8_t* b = node_bytes(k, state, nodes, pair);
      nodes[k] = tables_[k]->find(b, hash_bytes(b, n.width));
    }
    if (root_ready(nodes)) {
      const std::uint8_t* b = node_bytes(root, state, nodes, pair);
      if (const std::uint32_t id = find_root(b, hash_bytes(b, root_width_)); id != kNone)
        return {id, false};
    }
  }
  return store_new(state, parent, nodes);
}

std::uint32_t StateStore::reserve(std::uint32_t n) {
  if (std::uint64_t{count_} + n > kMaxStates) throw std::length_error("state store full");
  const std::uint64_t end = std::uint64_t{count_} + n;
  while (RootChunks::chunk_begin(roots_.size()) < end) {
    reserve_one_more(roots_);
    reserve_one_more(parents_);
    const std::size_t k = RootChunks::chunk_size(roots_.size());
    RootChunk c;
    if (!packed_) {  // packed chunks are allocated when their first root is written
      c.bytes = std::make_unique<std::uint8_t[]>(k * root_width_ + kSlack);
      c.stride = static_cast<std::uint16_t>(8 * root_width_);
      arena_bytes_ += k * root_width_ + kSlack;
    }
    if (keep_parents_) {
      parents_.push_back(std::make_unique_for_overwrite<std::uint32_t[]>(k));
      arena_bytes_ += k * 4;
    }
    roots_.push_back(std::move(c));
  }
  const std::uint32_t first = count_;
  count_ = static_cast<std::uint32_t>(end);
  return first;
}

// Re-packs chunk `chunk` with at least need[i] bits for kid i. Up to kBitPacked16 bits in all,
// the roots follow each other bit by bit; a wider root takes whole bytes, and the spare bits of
// its last byte are shared out, so that the next, larger indices often still fit.
void StateStore::repack(RootChunk& c, std::size_t chunk, const unsigned* need) {
  RootChunk fresh;
  unsigned total = 0;
  for (std::size_t i = 0; i < root_kids_.size(); ++i) {
    fresh.bits[i] = static_cast<std::uint8_t>(std::max<unsigned>({need[i], c.bits[i], 1}));
    total += fresh.bits[i];
  }
  if (total > kBitPacked16) {
    const unsigned width = (total + 7) / 8;
    for (unsigned spare = 8 * width - total, i = 0; spare > 0; i = (i + 1) % root_kids_.size())
      if (fresh.bits[i] < 32) {
        ++fresh.bits[i];
        --spare;
      }
    total = 8 * width;
  }
  fresh.stride = static_cast<std::uint16_t>(total);
  const std::size_t k = RootChunks::chunk_size(chunk);
  fresh.bytes = std::make_unique<std::uint8_t[]>(chunk_bytes(k, total));
  if (c.bytes) {
    // Every slot, written or not (chunks start zeroed): decode with the old packing, re-encode.
    const std::uint64_t first = RootChunks::chunk_begin(chunk);
    std::uint32_t kids[kMaxRootKids];
    for (std::size_t i = 0; i < k && first + i < count_; ++i) {
      unpack_root(static_cast<std::uint32_t>(first + i), kids);
      pack_root(kids, fresh, fresh.bytes.get(), i);
    }
    arena_bytes_ -= chunk_bytes(k, c.stride);
  }
  arena_bytes_ += chunk_bytes(k, total);
  c = std::move(fresh);
}

// Writes root `off` of a chunk packed as `c` into `base` (that chunk's bytes or their copy).
// Neighbouring bit-packed roots share bytes: one thread at a time (write_roots, repack).
void StateStore::pack_root(const std::uint32_t* kids, const RootChunk& c, std::uint8_t* base,
                           std::size_t off) const {
  U128 v = 0;
  unsigned shift = 0;
  for (std::size_t i = 0; i < root_kids_.size(); ++i) {
    v |= static_cast<U128>(kids[i]) << shift;
    shift += c.bits[i];
  }
  const std::uint64_t bit = std::uint64_t{off} * c.stride;
  std::uint8_t* p = base + (bit >> 3);
  if (c.stride <= kBitPacked) {
    const unsigned sh = static_cast<unsigned>(bit & 7);
    const std::uint64_t mask = ((std::uint64_t{1} << c.stride) - 1) << sh;
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    w = (w & ~mask) | ((static_cast<std::uint64_t>(v) << sh) & mask);
    std::memcpy(p, &w, 8);
    return;
  }
  if (c.stride <= kBitPacked16) {
    const unsigned sh = static_cast<unsigned>(bit & 7);
    const U128 mask = ((U128{1} << c.stride) - 1) << sh;
    U128 w;
    std::memcpy(&w, p, 16);
    w = (w & ~mask) | ((v << sh) & mask);
    std::memcpy(p, &w, 16);
    return;
  }
  std::memcpy(p, &v, c.stride / 8);
}

// Round depth_ of place(), on one thread: the roots (and parents) of `items`, in the arena.
void StateStore::write_roots(std::span<const Pending> items) {
  const std::size_t root = nodes_.size() - 1;
  std::uint8_t pair[kKeyBytes];
  for (const Pending& p : items) {
    if (keep_parents_) parent_slot(p.id) = p.parent;
    const std::size_t ci = RootChunks::chunk_of(p.id);
    RootChunk& c = roots_[ci];
    const std::size_t off = RootChunks::offset_in_chunk(p.id);
    if (!packed_) {
      if (root_width_ != 0)
        std::memcpy(c.bytes.get() + off * root_width_, node_bytes(root, p.state, p.nodes, pair),
                    root_width_);
      continue;
    }
    std::uint32_t kids[kMaxRootKids];
    unsigned need[kMaxRootKids];
    bool fits = c.bytes != nullptr;
    for (std::size_t i = 0; i < root_kids_.size(); ++i) {
      kids[i] = p.nodes[root_kids_[i]];
      need[i] = static_cast<unsigned>(std::bit_width(kids[i]));
      fits = fits && need[i] <= c.bits[i];
    }
    if (!fits) {
      if (!c.bytes)  // a new chunk: as many bits as the kids' tables need now
        for (std::size_t i = 0; i < root_kids_.size(); ++i)
          need[i] = std::max<unsigned>(need[i], static_cast<unsigned>(std::bit_width(
                                                    tables_[root_kids_[i]]->index_bound())));
      repack(c, ci, need);
    }
    pack_root(kids, c, c.bytes.get(), off);
  }
}

void StateStore::place(unsigned round, unsigned worker, unsigned workers,
                       std::span<const Pending> items) {
  std::uint8_t pair[kKeyBytes];
  const std::size_t root = nodes_.size() - 1;
  if (round < depth_) {
    for (const Pending& p : items)
      for (const std::uint32_t k : by_level_[round]) {
        if (load_relaxed(p.nodes[k]) != kNone) continue;
        const std::uint8_t* b = node_bytes(k, p.state, p.nodes, pair);
        const std::uint64_t h = hash_bytes(b, nodes_[k].width);
        if (InternTable::shard_of(h) % workers != worker) continue;
        store_relaxed(p.nodes[k], tables_[k]->intern(b, h));
      }
    return;
  }
  if (round == depth_) {
    if (worker == 0) write_roots(items);
    return;
  }
  for (const Pending& p : items) {
    const std::uint8_t* b = node_bytes(root, p.state, p.nodes, pair);
    const std::uint64_t h = hash_bytes(b, root_width_);
    if (InternTable::shard_of(h) % workers != worker) continue;
    if (p.id != drop_for_tests_) index_root(p.id, h);
    store_relaxed(p.nodes[root], p.id);
  }
}

void StateStore::index_root(std::uint32_t id, std::uint64_t hash) {
  std::uint8_t pair[kKeyBytes];
  index_->shards[InternTable::shard_of(hash)].insert(
      hash, id, [&](std::uint32_t old) { return hash_bytes(root_bytes(old, pair), root_width_); },
      [&](std::uint32_t old) {
        const RootChunk& c = roots_[RootChunks::chunk_of(old)];
        prefetch_line(c.bytes.get() +
                           ((std::uint64_t{RootChunks::offset_in_chunk(old)} * c.stride) >> 3));
      });
}

// ------------------------------------------------------------------ memory

// Every byte the store allocated: the root arena (chunks and their list), the DFS parents, the
// root index, every node table, and the tree's own bookkeeping.
std::uint64_t StateStore::bytes() const {
  std::uint64_t b = sizeof(StateStore) + sizeof(RootIndex) +
                    index_->shards.capacity() * sizeof(index_->shards[0]) +
                    roots_.capacity() * sizeof(RootChunk) + parents_.capacity() * sizeof(void*) +
                    leaves_.capacity() * sizeof(leaves_[0]) + nodes_.capacity() * sizeof(Node) +
                    tables_.capacity() * sizeof(void*) +
                    (scratch_.capacity() + hint_nodes_.capacity()) * 4 + hint_state_.capacity();
  for (const auto& l : by_level_) b += sizeof(l) + l.capacity() * 4;
  b += arena_bytes_;
  for (const auto& s : index_->shards) b += s.bytes();
  for (const auto& t : tables_) b += t->bytes();
  return b;
}

std::uint64_t StateStore::growth_bound(std::uint64_t n) const {
  // Per new state at most root_width_ bytes of root (a packed root is at most 8 bytes), 4 of
  // parent, ~10 of index and a share of the chunk list; beyond that, the unused part of the last
  // new chunk and one repacked chunk alive beside its old copy; each index shard growing once.
  const std::uint64_t k = RootChunks::chunk_size(RootChunks::kGeometricChunks);
  std::uint64_t largest = 0;
  for (const auto& s : index_->shards) largest = std::max<std::uint64_t>(largest, s.growth_bytes());
  std::uint64_t b = n * (root_width_ + 4 + 10 + 1) + 3 * (k * (root_width_ + 4) + kSlack) +
                    2 * sizeof(RootChunk) + 2 * largest;
  for (const auto& t : tables_) b += t->growth_bound(n);
  return b;
}

}  // namespace pcmc::checker
