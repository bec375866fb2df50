// Where a level's successors go (partitioned_bfs.hpp, partition.hpp): each to its owner, chosen
// by owner_hash; a rank's own successors are staged and stored a group of expansions at a time
// (arrive_group), another rank's are queued for it (exchange.hpp) and stored by it as they arrive
// (arrive_received); either way stored() keeps, per state of the next level, the smallest
// arrival key and its parent link (-j 1's parent), and checks a new state's invariants.
// Split from partitioned_bfs.cpp (the loop) by concern. One thread per rank.
#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "checker/distributed/exchange.hpp"
#include "checker/distributed/partition.hpp"
#include "checker/distributed/partitioned_bfs.hpp"
#include "checker/distributed/path_walk.hpp"
#include "checker/store/hash.hpp"
#include "checker/store/state_store.hpp"

namespace pcmc::distributed {

using checker::Report;
using checker::StateStore;

// Every successor is hashed whole to find its owner. hash_bytes() is one chain of dependent
// multiplies (20 for a 330-byte state, 2-3 % of a rank's time); here four lanes of its
// multiply-and-fold take a 64-byte block at once, so their multiplies overlap, and hash_bytes()
// takes the last 0-63 bytes. A seed of its own: the store hashes its leaves and nodes with
// checker::kHashSeed, so the partition and the store's index slots are independent and each
// rank's index stays balanced.
std::uint64_t owner_hash(const std::uint8_t* state, std::size_t size) {
  using checker::hash_detail::kP0;
  using checker::hash_detail::kP1;
  using checker::hash_detail::kP2;
  using checker::hash_detail::kP3;
  using checker::hash_detail::load64;
  using checker::hash_detail::mum;
  constexpr std::uint64_t kOwnerSeed = 0x9e3779b97f4a7c15ULL;
  std::uint64_t h0 = kOwnerSeed ^ kP0, h1 = kOwnerSeed ^ kP1, h2 = kOwnerSeed ^ kP2,
                h3 = kOwnerSeed ^ kP3;
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) {
    const std::uint8_t* p = state + i;
    h0 = mum(load64(p) ^ kP1, load64(p + 8) ^ h0);
    h1 = mum(load64(p + 16) ^ kP2, load64(p + 24) ^ h1);
    h2 = mum(load64(p + 32) ^ kP3, load64(p + 40) ^ h2);
    h3 = mum(load64(p + 48) ^ kP0, load64(p + 56) ^ h3);
  }
  const std::uint64_t tail = checker::hash_bytes(state + i, size - i, kOwnerSeed);
  return mum(mum(h0 ^ kP2, h1 ^ kP3) ^ tail, mum(h2 ^ kP0, h3 ^ kP1) ^ size);
}

int owner_of(std::uint64_t hash, int ranks) {
  return static_cast<int>(((hash >> 32) * static_cast<std::uint64_t>(ranks)) >> 32);
}

namespace detail {

// A state this rank owns, reached by the transition with arrival key `key` from the parent
// `link`. Mirrors Search::on_transition's insert → new_state for a state of the next level; a
// state stored earlier in this level keeps the smallest key and that transition's parent (the
// one -j 1 stores it from). `near`: a stored state that probably shares most of its tree with
// `state` (the state expanded, or the record received before it: a sender queues a state's
// successors one after the other), which the store's insert decodes once and compares against
// (an incremental lookup; the result is insert()'s whatever `near` is). Returns the state's id
// (kNone: a probe).
std::uint32_t Partition::arrive(const std::uint8_t* state, std::uint32_t near, std::uint64_t key,
                                std::uint64_t link) {
  if (probe_) {
    if (store_.find(state) == StateStore::kNone) out_.cut = true;
    return StateStore::kNone;
  }
  return stored(state, store_.insert(state, near), key, link);
}

std::uint32_t Partition::stored(const std::uint8_t* state, StateStore::Inserted in,
                                std::uint64_t key, std::uint64_t link) {
  if (!in.inserted) {
    if (in.id >= level_first_) {
      std::uint64_t& k = next_key_[in.id - level_first_];
      if (key < k) {
        k = key;
        if (keep_links_) links_.set(in.id, link);
      }
    }
    return in.id;
  }
  if (keep_links_) {
    if (in.id != links_.size()) throw std::logic_error("distributed search: store ids out of order");
    links_.push_back(link);
  }
  next_key_.push_back(key);
  reports_.clear();
  sys_.check_state(state, *check_, reports_);
  if (!reports_.empty()) {  // a violating state is not expanded
    std::uint64_t ord = 0;
    for (const Report& r : reports_) invariants_.push_back({in.id, r, ord++});
    return in.id;
  }
  next_.push_back(in.id);
  return in.id;
}

// A batch's records are successors of the sender's states in their order, most alike the record
// before them (siblings differ in a thread's block and the globals): they are looked up in groups
// of kReceivedGroup, each near the record before it (StateStore::lookup_chain_batch: the misses
// of a group overlap), then stored in order. The last record stored, its nodes completed by its
// insert, is the next group's near state, in the next batch too (a stored state's node indices
// never change); the rank's first record is looked up whole.
void Partition::arrive_received(const std::uint8_t* records, const Link* links, std::size_t n) {
  constexpr std::size_t kReceivedGroup = 32;
  batch_links_.resize(n);
  for (std::size_t i = 0; i < n; ++i) batch_links_[i] = make_link(links[i].from, links[i].parent);
  if (probe_) {
    for (std::size_t i = 0; i < n; ++i) arrive(records + i * size_, StateStore::kNone, 0, 0);
    return;
  }
  const std::size_t nc = store_.node_count();
  std::size_t i = 0;
  if (recv_nodes_.empty() && n > 0) {
    recv_nodes_.resize(nc);
    recv_state_.assign(records, records + size_);
    const std::size_t at = store_.size();
    const std::uint32_t found = store_.lookup(records, recv_nodes_.data());
    recv_nodes_[nc - 1] =
        stored(records, store_.insert_found(records, StateStore::kNone, recv_nodes_.data(), found, at),
               links[0].key, batch_links_[0]);
    i = 1;
  }
  batch_nodes_.resize(kReceivedGroup * nc);
  batch_node_ptrs_.resize(kReceivedGroup);
  batch_found_.resize(kReceivedGroup);
  batch_states_.resize(kReceivedGroup);
  for (; i < n; i += kReceivedGroup) {
    const std::size_t m = std::min(kReceivedGroup, n - i);
    for (std::size_t k = 0; k < m; ++k) {
      batch_states_[k] = records + (i + k) * size_;
      batch_node_ptrs_[k] = batch_nodes_.data() + k * nc;
    }
    store_.lookup_chain_batch(m, batch_states_.data(), batch_node_ptrs_.data(), recv_state_.data(),
                              recv_nodes_.data(), batch_found_.data());
    const std::size_t at = store_.size();
    for (std::size_t k = 0; k < m; ++k)
      batch_node_ptrs_[k][nc - 1] =
          stored(batch_states_[k],
                 store_.insert_found(batch_states_[k], StateStore::kNone, batch_node_ptrs_[k],
                                     batch_found_[k], at),
                 links[i + k].key, batch_links_[i + k]);
    std::copy_n(batch_states_[m - 1], size_, recv_state_.data());
    std::copy_n(batch_node_ptrs_[m - 1], nc, recv_nodes_.data());
  }
}

void Partition::arrive_group() {
  const std::size_t n = local_keys_.size();
  group_size_ = 0;
  if (n == 0) return;
  const std::size_t nc = store_.node_count();
  batch_links_.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    batch_links_[i] = make_link(static_cast<std::uint32_t>(rank_), group_ids_[local_from_[i]]);
  if (probe_) {
    for (std::size_t i = 0; i < n; ++i) arrive(local_bytes_.data() + i * size_, StateStore::kNone, 0, 0);
  } else {
    batch_states_.resize(n);
    near_states_.resize(n);
    near_nodes_.resize(n);
    batch_nodes_.resize(n * nc);
    batch_node_ptrs_.resize(n);
    batch_found_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch_states_[i] = local_bytes_.data() + i * size_;
      near_states_[i] = group_states_.data() + local_from_[i] * size_;
      near_nodes_[i] = group_nodes_.data() + local_from_[i] * nc;
      batch_node_ptrs_[i] = batch_nodes_.data() + i * nc;
    }
    store_.lookup_near_many(n, batch_states_.data(), batch_node_ptrs_.data(), near_states_.data(),
                            near_nodes_.data(), batch_found_.data());
    const std::size_t at = store_.size();
    for (std::size_t i = 0; i < n; ++i)
      stored(batch_states_[i],
             store_.insert_found(batch_states_[i], StateStore::kNone, batch_node_ptrs_[i],
                                 batch_found_[i], at),
             local_keys_[i], batch_links_[i]);
  }
  local_bytes_.clear();
  local_keys_.clear();
  local_from_.clear();
}

// A successor this rank owns is staged (stored by arrive_group, with its group's); another
// rank's is queued for it.
void Partition::route(const std::uint8_t* state, std::uint64_t key) {
  const std::uint64_t h = owner_hash(state, size_);
  const int dest = owner_of(h, ranks_);
  if (dest == rank_) {
    local_bytes_.insert(local_bytes_.end(), state, state + size_);
    local_keys_.push_back(key);
    local_from_.push_back(static_cast<std::uint32_t>(group_size_ - 1));
  } else {
    ex_.send(dest, state, h, Link{key, keep_links_ ? cur_id_ : 0, 0});
  }
}

}  // namespace detail

}  // namespace pcmc::distributed
