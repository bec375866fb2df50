#include "checker/state_store.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>

#include "checker/bucket_index.hpp"
#include "checker/hash.hpp"
#include "checker/reserve.hpp"

namespace pcmc::checker {

namespace {

// Root arena chunks hold about this many bytes: the last, partly filled chunk is noise beside
// 1e5 states, and the chunk index stays tiny.
constexpr std::size_t kChunkBytes = 16 * 1024;
constexpr std::size_t kMaxNodes = 2 * StateStore::kMaxLeaves;

std::uint32_t load_relaxed(std::uint32_t& x) {
  return std::atomic_ref<std::uint32_t>(x).load(std::memory_order_relaxed);
}
void store_relaxed(std::uint32_t& x, std::uint32_t v) {
  std::atomic_ref<std::uint32_t>(x).store(v, std::memory_order_relaxed);
}

}  // namespace

// The sharded index of root entries: ids, compared against the root arena.
struct StateStore::RootIndex {
  std::vector<BucketIndex<InternTable::kShardBits>> shards =
      std::vector<BucketIndex<InternTable::kShardBits>>(InternTable::kShards);
};

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
  std::size_t per = std::max<std::size_t>(1, kChunkBytes / (root_width_ + 4));
  while ((std::size_t{2} << shift_) <= per) ++shift_;
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
  depth_ = nodes_.back().level;
  root_width_ = nodes_.back().width;
  by_level_.resize(depth_);
  for (std::size_t k = 0; k + 1 < nodes_.size(); ++k) {
    tables_.push_back(std::make_unique<InternTable>(nodes_[k].width));
    by_level_[nodes_[k].level].push_back(static_cast<std::uint32_t>(k));
  }
}

const std::uint8_t* StateStore::node_bytes(std::size_t k, const std::uint8_t* state,
                                           const std::uint32_t* nodes, std::uint8_t* pair) const {
  const Node& n = nodes_[k];
  if (n.leaf) return state + n.offset;
  std::memcpy(pair, &nodes[n.left], 4);
  std::memcpy(pair + 4, &nodes[n.right], 4);
  return pair;
}

std::uint8_t* StateStore::root_slot(std::uint32_t id) const {
  return roots_[id >> shift_].get() + std::size_t{id & ((1u << shift_) - 1)} * root_width_;
}

// ------------------------------------------------------------------ lookups

std::uint32_t StateStore::find_root(const std::uint8_t* root, std::uint64_t hash) const {
  return index_->shards[InternTable::shard_of(hash)].find(
      hash, [&](std::uint32_t id) { return equal_bytes(root_slot(id), root, root_width_); });
}

std::uint32_t StateStore::lookup(const std::uint8_t* state, std::uint32_t* nodes) const {
  std::uint8_t pair[8];
  const std::size_t root = nodes_.size() - 1;
  for (std::size_t k = 0; k < root; ++k) {
    const Node& n = nodes_[k];
    if (!n.leaf && (nodes[n.left] == kNone || nodes[n.right] == kNone)) {
      nodes[k] = kNone;
      continue;
    }
    const std::uint8_t* b = node_bytes(k, state, nodes, pair);
    nodes[k] = tables_[k]->find(b, hash_bytes(b, n.width));
  }
  const Node& r = nodes_[root];
  if (!r.leaf && (nodes[r.left] == kNone || nodes[r.right] == kNone)) return nodes[root] = kNone;
  const std::uint8_t* b = node_bytes(root, state, nodes, pair);
  return nodes[root] = find_root(b, hash_bytes(b, root_width_));
}

std::uint32_t StateStore::find(const std::uint8_t* state) const {
  std::uint32_t nodes[kMaxNodes];
  return lookup(state, nodes);
}

void StateStore::decode(std::uint32_t id, std::uint8_t* out) const {
  std::uint32_t nodes[kMaxNodes];
  decode_nodes(id, out, nodes);
}

void StateStore::decode_nodes(std::uint32_t id, std::uint8_t* out, std::uint32_t* nodes) const {
  const std::size_t root = nodes_.size() - 1;
  const std::uint8_t* rb = root_slot(id);
  nodes[root] = id;
  if (nodes_[root].leaf) {
    if (size_ != 0) std::memcpy(out, rb, size_);
    return;
  }
  std::memcpy(&nodes[nodes_[root].left], rb, 4);
  std::memcpy(&nodes[nodes_[root].right], rb + 4, 4);
  for (std::size_t k = root; k-- > 0;) {
    const Node& n = nodes_[k];
    const std::uint8_t* e = tables_[k]->entry(nodes[k]);
    if (n.leaf) {
      std::memcpy(out + n.offset, e, n.width);
    } else {
      std::memcpy(&nodes[n.left], e, 4);
      std::memcpy(&nodes[n.right], e + 4, 4);
    }
  }
}

std::uint32_t StateStore::parent(std::uint32_t id) const {
  if (!keep_parents_) throw std::logic_error("state store: parents are not kept");
  return parents_[id >> shift_][id & ((1u << shift_) - 1)];
}

// ------------------------------------------------------------------ inserting

// Like lookup(), but a node whose bytes (leaves) or children (inner nodes) equal those of the
// stored state `hint_id_` takes the hint's index without a table lookup: only the paths above the
// leaves a step changed are hashed (LTSmin's incremental tree update). Exact: equal leaf bytes
// or equal child indices mean the same entry, since every table holds an entry once.
std::uint32_t StateStore::lookup_near(const std::uint8_t* state, std::uint32_t* nodes,
                                      const std::uint8_t* near_state,
                                      const std::uint32_t* near_nodes) const {
  std::uint8_t pair[8];
  const std::uint32_t* h = near_nodes;
  const std::size_t root = nodes_.size() - 1;
  for (std::size_t k = 0; k <= root; ++k) {
    const Node& n = nodes_[k];
    if (n.leaf) {
      if (equal_bytes(state + n.offset, near_state + n.offset, n.width)) {
        nodes[k] = h[k];
        continue;
      }
    } else {
      if (nodes[n.left] == h[n.left] && nodes[n.right] == h[n.right]) {
        nodes[k] = h[k];
        continue;
      }
      if (nodes[n.left] == kNone || nodes[n.right] == kNone) {
        nodes[k] = kNone;
        continue;
      }
    }
    const std::uint8_t* b = node_bytes(k, state, nodes, pair);
    nodes[k] = k == root ? find_root(b, hash_bytes(b, root_width_))
                         : tables_[k]->find(b, hash_bytes(b, n.width));
  }
  return nodes[root];
}

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
  const std::uint32_t id = reserve(1);
  const Pending p{state, scratch_.data(), id, parent};
  for (unsigned r = 0; r < place_rounds(); ++r) place(r, 0, 1, std::span<const Pending>(&p, 1));
  return {id, true};
}

std::uint32_t StateStore::reserve(std::uint32_t n) {
  if (std::uint64_t{count_} + n > kMaxStates) throw std::length_error("state store full");
  const std::uint64_t end = std::uint64_t{count_} + n;
  const std::size_t k = std::size_t{1} << shift_;
  while (roots_.size() * k < end) {
    reserve_one_more(roots_);
    reserve_one_more(parents_);
    roots_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(std::max<std::size_t>(1, k * root_width_)));
    if (keep_parents_) parents_.push_back(std::make_unique_for_overwrite<std::uint32_t[]>(k));
  }
  const std::uint32_t first = count_;
  count_ = static_cast<std::uint32_t>(end);
  return first;
}

void StateStore::place(unsigned round, unsigned worker, unsigned workers,
                       std::span<const Pending> items) {
  std::uint8_t pair[8];
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
  for (const Pending& p : items) {
    const std::uint8_t* b = node_bytes(root, p.state, p.nodes, pair);
    const std::uint64_t h = hash_bytes(b, root_width_);
    if (InternTable::shard_of(h) % workers != worker) continue;
    if (root_width_ != 0) std::memcpy(root_slot(p.id), b, root_width_);
    if (keep_parents_) parents_[p.id >> shift_][p.id & ((1u << shift_) - 1)] = p.parent;
    index_root(p.id, h);
    store_relaxed(p.nodes[root], p.id);
  }
}

void StateStore::index_root(std::uint32_t id, std::uint64_t hash) {
  index_->shards[InternTable::shard_of(hash)].insert(
      hash, id, [&](std::uint32_t old) { return hash_bytes(root_slot(old), root_width_); },
      [&](std::uint32_t old) { __builtin_prefetch(root_slot(old)); });
}

// ------------------------------------------------------------------ memory

std::uint64_t StateStore::bytes() const {
  const std::uint64_t k = std::uint64_t{1} << shift_;
  std::uint64_t b = roots_.size() * (k * root_width_ + sizeof(void*)) +
                    parents_.size() * (k * 4 + sizeof(void*));
  for (const auto& s : index_->shards) b += s.bytes();
  for (const auto& t : tables_) b += t->bytes();
  return b;
}

std::uint64_t StateStore::growth_bound(std::uint64_t n) const {
  const std::uint64_t k = std::uint64_t{1} << shift_;
  std::uint64_t largest = 0;
  for (const auto& s : index_->shards) largest = std::max<std::uint64_t>(largest, s.growth_bytes());
  std::uint64_t b = n * (root_width_ + 4 + 10) + k * (root_width_ + 4) + 2 * largest;
  for (const auto& t : tables_) b += t->growth_bound(n);
  return b;
}

}  // namespace pcmc::checker
