// StateStore's lookups (state_store.hpp): the whole-tree lookup and find(), decoding, the
// incremental lookups of a stored state's successors (lookup_near, their batch, and the
// sequential hint: decode_hint, find_hinted), and the prefetches that let their cache misses
// overlap. Split from state_store.cpp (building, inserting, placing, memory) by concern.
// Thread-safety: every const member here may run concurrently while nobody writes the store;
// decode_hint() is sequential (it writes the hint).
#include <algorithm>
#include <cstring>

#include "checker/store/state_store.hpp"
#include "checker/store/state_store_layout.hpp"
#include "checker/store/prefetch.hpp"

namespace pcmc::checker {

using namespace store_layout;

// ------------------------------------------------------------------ lookups

void StateStore::unpack_root(std::uint32_t id, std::uint32_t* kids) const {
  const RootChunk& c = roots_[RootChunks::chunk_of(id)];
  const std::uint64_t bit = std::uint64_t{RootChunks::offset_in_chunk(id)} * c.stride;
  const std::uint8_t* p = c.bytes.get() + (bit >> 3);
  // One 8-byte load when the root fits: a 16-byte load at a random offset crosses a cache line
  // twice as often (one more miss on the search's hottest access).
  if (c.stride <= kBitPacked) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    v >>= bit & 7;
    for (std::size_t i = 0; i < root_kids_.size(); ++i) {
      kids[i] = static_cast<std::uint32_t>(v) & bits_mask(c.bits[i]);
      v >>= c.bits[i];
    }
    return;
  }
  U128 v;  // a wide root: up to kBitPacked16 bits at a bit offset, wider ones at a byte
  std::memcpy(&v, p, 16);
  v >>= bit & 7;
  for (std::size_t i = 0; i < root_kids_.size(); ++i) {
    kids[i] = static_cast<std::uint32_t>(v) & bits_mask(c.bits[i]);
    v >>= c.bits[i];
  }
}

std::uint32_t StateStore::find_root(const std::uint8_t* root, std::uint64_t hash) const {
  const auto& index = index_->shards[InternTable::shard_of(hash)];
  if (packed_) {
    const std::size_t n = root_kids_.size();
    std::uint32_t want[kMaxRootKids];
    for (std::size_t i = 0; i < n; ++i) std::memcpy(&want[i], root + 4 * i, 4);
    return index.find(hash, [&](std::uint32_t id) {
      std::uint32_t kids[kMaxRootKids];
      unpack_root(id, kids);
      for (std::size_t i = 0; i < n; ++i)
        if (kids[i] != want[i]) return false;
      return true;
    });
  }
  std::uint8_t pair[kKeyBytes];
  return index.find(
      hash, [&](std::uint32_t id) { return equal_bytes(root_bytes(id, pair), root, root_width_); });
}

std::uint32_t StateStore::lookup(const std::uint8_t* state, std::uint32_t* nodes) const {
  std::uint8_t pair[kKeyBytes];
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
  if (!root_ready(nodes)) return nodes[root] = kNone;
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
  nodes[root] = id;
  if (!packed_) {
    std::uint8_t pair[kKeyBytes];
    if (size_ != 0) std::memcpy(out, root_bytes(id, pair), size_);
    return;
  }
  std::uint32_t kids[kMaxRootKids];
  unpack_root(id, kids);
  for (std::size_t i = 0; i < root_kids_.size(); ++i) nodes[root_kids_[i]] = kids[i];
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

void StateStore::prefetch_root(std::uint32_t id) const {
  const RootChunk& c = roots_[RootChunks::chunk_of(id)];
  const std::uint8_t* p =
      c.bytes.get() + ((std::uint64_t{RootChunks::offset_in_chunk(id)} * c.stride) >> 3);
  prefetch_line(p);
  prefetch_line(p + (c.stride <= kBitPacked ? 7 : 15));
}

void StateStore::prefetch_decode(std::uint32_t id) const {
  if (!packed_ || id >= count_) return;
  std::uint32_t kids[kMaxRootKids];
  unpack_root(id, kids);
  for (std::size_t i = 0; i < root_kids_.size(); ++i)
    prefetch_line(tables_[root_kids_[i]]->entry(kids[i]));
}

// Like lookup(), but a node whose bytes (leaves) or children (inner nodes) equal those of the
// stored state `hint_id_` takes the hint's index without a table lookup: only the paths above the
// leaves a step changed are hashed (LTSmin's incremental tree update). Exact: equal leaf bytes
// or equal child indices mean the same entry, since every table holds an entry once.
std::uint32_t StateStore::lookup_near(const std::uint8_t* state, std::uint32_t* nodes,
                                      const std::uint8_t* near_state,
                                      const std::uint32_t* near_nodes) const {
  std::uint8_t key[kKeyBytes];
  RootProbe probe;
  if (near_below_root(state, nodes, near_state, near_nodes, key, probe))
    nodes[nodes_.size() - 1] = find_root(probe.key, probe.hash);
  return nodes[nodes_.size() - 1];
}

// The incremental rule of lookup_near() for node k (below the root): it takes the near state's
// index when its leaf bytes, or both its children's indices, equal the near state's (kTaken);
// it is kNone when a child is not stored (kAbsent). kLookUp when neither decides.
StateStore::NearRule StateStore::near_decides(std::size_t k, const std::uint8_t* state,
                                              std::uint32_t* nodes,
                                              const std::uint8_t* near_state,
                                              const std::uint32_t* near_nodes) const {
  const Node& n = nodes_[k];
  if (n.leaf) {
    if (!equal_bytes(state + n.offset, near_state + n.offset, n.width) && !reuse_for_tests_)
      return kLookUp;
    nodes[k] = near_nodes[k];
    return kTaken;
  }
  if (nodes[n.left] == near_nodes[n.left] && nodes[n.right] == near_nodes[n.right]) {
    nodes[k] = near_nodes[k];
    return kTaken;
  }
  if (nodes[n.left] == kNone || nodes[n.right] == kNone) {
    nodes[k] = kNone;
    return kAbsent;
  }
  return kLookUp;
}

// lookup_near() up to the root: fills nodes[0 .. root) and either decides the root without its
// index (nodes[root] = the near state's id, or kNone when a kid is not stored; returns false) or
// leaves the root to look up in `probe` (its key in `key` or in the state; returns true).
bool StateStore::near_below_root(const std::uint8_t* state, std::uint32_t* nodes,
                                 const std::uint8_t* near_state, const std::uint32_t* near_nodes,
                                 std::uint8_t* key, RootProbe& probe) const {
  const std::uint32_t* h = near_nodes;
  const std::size_t root = nodes_.size() - 1;
  for (std::size_t k = 0; k < root; ++k) {
    if (near_decides(k, state, nodes, near_state, h) != kLookUp) continue;
    const std::uint8_t* b = node_bytes(k, state, nodes, key);
    nodes[k] = tables_[k]->find(b, hash_bytes(b, nodes_[k].width));
  }
  return near_root(state, nodes, near_state, near_nodes, key, probe) == kLookUp;
}

// The root part of near_below_root(), once nodes[0 .. root) are filled: kLookUp leaves the root
// to look up in `probe`.
StateStore::NearRule StateStore::near_root(const std::uint8_t* state, std::uint32_t* nodes,
                                           const std::uint8_t* near_state,
                                           const std::uint32_t* near_nodes, std::uint8_t* key,
                                           RootProbe& probe) const {
  const std::uint32_t* h = near_nodes;
  const std::size_t root = nodes_.size() - 1;
  if (nodes_[root].leaf) {  // one leaf: the root is the state's bytes
    if (equal_bytes(state, near_state, root_width_) || reuse_for_tests_) {
      nodes[root] = h[root];
      return kTaken;
    }
  } else {
    bool same = true;
    for (const std::uint32_t c : root_kids_) same = same && nodes[c] == h[c];
    if (same) {
      nodes[root] = h[root];
      return kTaken;
    }
    if (!root_ready(nodes)) {
      nodes[root] = kNone;
      return kAbsent;
    }
  }
  probe.key = node_bytes(root, state, nodes, key);
  probe.hash = hash_bytes(probe.key, root_width_);
  return kLookUp;
}

// The nodes below the roots of states[first .. end), level by level: at each level every node
// that differs from the near state's is hashed and its index bucket prefetched, then all of them
// are looked up, so that the misses of one level overlap across nodes and states.
void StateStore::near_levels_batch(std::size_t first, std::size_t end,
                                   const std::uint8_t* const* states, std::uint32_t* const* nodes,
                                   const NearOf& near) const {
  struct NodeProbe {
    std::uint32_t* slot;
    std::uint32_t node;
    const std::uint8_t* bytes;  // a leaf's bytes in its state, or `pair`
    std::uint64_t hash;
    std::uint8_t pair[8];
  };
  // A chained batch: a node taken from the state before, in this batch, whose own index may
  // still be pending here, is copied again after the probes (in order: copies of copies).
  struct Copy {
    std::uint32_t* to;
    const std::uint32_t* from;
  };
  constexpr std::size_t kPending = 64;
  NodeProbe pending[kPending];
  Copy copies[4 * kPending];
  std::size_t m = 0, c = 0;
  const auto flush = [&] {
    for (std::size_t j = 0; j < m; ++j) {
      const NodeProbe& p = pending[j];
      *p.slot = tables_[p.node]->find(p.bytes, p.hash);
    }
    for (std::size_t j = 0; j < c; ++j) *copies[j].to = *copies[j].from;
    m = c = 0;
  };
  for (const std::vector<std::uint32_t>& level : by_level_) {
    for (std::size_t i = first; i < end; ++i) {
      std::uint32_t* nd = nodes[i];
      const std::uint8_t* near_state = near.state(i);
      const std::uint32_t* h = near.nodes(i);
      const bool defer = near.chained(i) && i > first;
      for (const std::uint32_t k : level) {
        const NearRule rule = near_decides(k, states[i], nd, near_state, h);
        if (rule == kTaken && defer) {
          copies[c++] = Copy{&nd[k], &h[k]};
          if (c == std::size(copies)) flush();
        }
        if (rule != kLookUp) continue;
        NodeProbe& p = pending[m];
        p.bytes = node_bytes(k, states[i], nd, p.pair);
        p.slot = &nd[k];
        p.node = k;
        p.hash = hash_bytes(p.bytes, nodes_[k].width);
        tables_[k]->prefetch(p.hash);
        if (++m == kPending) flush();
      }
    }
    flush();  // the next level reads this one's indices
  }
}

// Three passes over up to kAtOnce states: the nodes below the roots, level by level
// (near_levels_batch); each root that needs its index: hashed and its bucket prefetched; the first
// candidate of each bucket: its packed root prefetched (a hit compares it); then the roots are
// looked up. Each pass issues its loads before the next one waits for them.
void StateStore::lookup_near_batch(std::size_t n, const std::uint8_t* const* states,
                                   std::uint32_t* const* nodes, const std::uint8_t* near_state,
                                   const std::uint32_t* near_nodes, std::uint32_t* found) const {
  if (n == 1) {  // nothing to overlap
    found[0] = lookup_near(states[0], nodes[0], near_state, near_nodes);
    return;
  }
  near_batch(n, states, nodes, NearOf{&near_state, &near_nodes, 0}, found);
}

void StateStore::lookup_near_many(std::size_t n, const std::uint8_t* const* states,
                                  std::uint32_t* const* nodes,
                                  const std::uint8_t* const* near_states,
                                  const std::uint32_t* const* near_nodes,
                                  std::uint32_t* found) const {
  near_batch(n, states, nodes, NearOf{near_states, near_nodes, 1}, found);
}

void StateStore::near_batch(std::size_t n, const std::uint8_t* const* states,
                            std::uint32_t* const* nodes, const NearOf& near,
                            std::uint32_t* found) const {
  constexpr std::size_t kAtOnce = 16;
  std::uint8_t keys[kAtOnce][kKeyBytes];
  RootProbe probes[kAtOnce];
  std::size_t which[kAtOnce];
  const std::size_t root = nodes_.size() - 1;
  for (std::size_t first = 0; first < n; first += kAtOnce) {
    const std::size_t end = std::min(n, first + kAtOnce);
    near_levels_batch(first, end, states, nodes, near);
    std::size_t m = 0;
    bool copied[kAtOnce] = {};  // chained: the root taken from the state before, in this batch
    for (std::size_t i = first; i < end; ++i) {
      const NearRule rule =
          near_root(states[i], nodes[i], near.state(i), near.nodes(i), keys[m], probes[m]);
      if (rule == kLookUp) {
        index_->shards[InternTable::shard_of(probes[m].hash)].prefetch(probes[m].hash);
        which[m++] = i;
      } else {
        found[i] = nodes[i][root];
        copied[i - first] = rule == kTaken && near.chained(i) && i > first;
      }
    }
    for (std::size_t j = 0; j < m; ++j) {
      const std::uint32_t id =
          index_->shards[InternTable::shard_of(probes[j].hash)].first_candidate(probes[j].hash);
      if (id != kNone) prefetch_root(id);
    }
    for (std::size_t j = 0; j < m; ++j)
      found[which[j]] = nodes[which[j]][root] = find_root(probes[j].key, probes[j].hash);
    for (std::size_t i = first + 1; i < end; ++i)
      if (copied[i - first]) found[i] = nodes[i][root] = nodes[i - 1][root];
  }
}

void StateStore::lookup_chain_batch(std::size_t n, const std::uint8_t* const* states,
                                    std::uint32_t* const* nodes, const std::uint8_t* near_state,
                                    const std::uint32_t* near_nodes, std::uint32_t* found) const {
  near_batch(n, states, nodes, NearOf{&near_state, &near_nodes, 0, states, nodes}, found);
}

void StateStore::decode_hint(std::uint32_t id, std::uint8_t* out) {
  if (id != hint_id_) {
    decode_nodes(id, hint_state_.data(), hint_nodes_.data());
    hint_id_ = id;
  }
  if (size_ != 0) std::memcpy(out, hint_state_.data(), size_);
}

std::uint32_t StateStore::find_hinted(const std::uint8_t* state, std::uint32_t* nodes) const {
  return hint_id_ != kNone
             ? lookup_near(state, nodes, hint_state_.data(), hint_nodes_.data())
             : lookup(state, nodes);
}

void StateStore::find_hinted_batch(std::size_t n, const std::uint8_t* const* states,
                                   std::uint32_t* const* nodes, std::uint32_t* found) const {
  if (hint_id_ != kNone) {
    lookup_near_batch(n, states, nodes, hint_state_.data(), hint_nodes_.data(), found);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) found[i] = lookup(states[i], nodes[i]);
}

}  // namespace pcmc::checker
