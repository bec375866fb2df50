// The states one rank sends to the others during a BFS level, in rounds (docs/distributed.md,
// "What is sent"). A record is a successor's canonical bytes and its Link: where -j 1 meets it
// (the arrival key, level_order.hpp) and its parent's id on the sending rank (the parent link of
// the counterexample paths, path_walk.hpp). Within one round a state queued twice for its owner
// is sent once, with its first Link (a hash table over the round's records, keyed by the owner
// hash and compared byte for byte, so two different states are never merged; a rank expands its
// level in sequential order, so the first queued has the smaller arrival key). On the wire each
// record is coded against the previous record for the same rank (the first against zeros) as
// runs of (equal bytes, changed bytes + the changed bytes): successors of one state, queued one
// after the other, differ in a few bytes of a thread block and the globals; then its Link as
// varints against the previous record's (the same parent: 3 bytes).
//
// A round is collective: every rank calls round() the same number of times per level. It
// exchanges a small header with every rank (MPI_Alltoall: this rank's bytes for it, whether this
// rank has finished the level, its stop reasons and its stored-state count) and then the records
// (MPI_Alltoallv). The headers carry the same flags to every rank, so every rank reaches the same
// decisions (all done, someone stopped, the global state count) from the same numbers.
//
// Memory: a rank starts a round once kRoundBytes are queued (or its frontier for the level is
// exhausted), so a level never holds more than about kRoundBytes outgoing and ranks x kRoundBytes
// incoming bytes at once, however large it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pcmc::distributed {


// A record's Link: its arrival key (level_order.hpp) and the parent's id on rank `from`.
struct Link {
  std::uint64_t key = 0;
  std::uint32_t parent = 0;
  std::uint32_t from = 0;  // filled by the receiver (the chunk's sender), not sent
};

class Exchange {
 public:
  static constexpr std::size_t kRoundBytes = std::size_t{4} << 20;

  Exchange(int rank, int ranks, std::size_t state_size);

  // Queues `state` (state_size bytes) for rank `dest` != this rank; `hash` is its owner hash.
  // Calls come in non-decreasing link.key per round (the level's sequential order).
  void send(int dest, const std::uint8_t* state, std::uint64_t hash, const Link& link);
  std::size_t queued_bytes() const { return queued_bytes_; }
  // Bytes held between rounds (queues, the de-duplication table, the receive buffer).
  std::uint64_t bytes() const;

  struct Round {
    bool all_done = true;            // every rank said it has finished the level
    std::uint64_t stop = 0;          // the union of every rank's stop bits (StopBits)
    std::uint64_t states = 0;        // the sum of the ranks' stored-state counts
    const std::uint8_t* records = nullptr;  // what the other ranks sent this one
    const Link* links = nullptr;     // per record
    std::size_t count = 0;           // records (state_size bytes each)
  };
  // Collective. `done`: this rank has no more states to expand in this level; `stop`: its stop
  // bits; `states`: its stored-state count. The records returned stay valid until the next call.
  Round round(bool done, std::uint64_t stop, std::uint64_t states);

  std::uint64_t sent_states() const { return sent_states_; }
  std::uint64_t sent_bytes() const { return sent_bytes_; }  // coded, as sent

  // The wire code of `n` records of `size` bytes (back to back) and their links (keys
  // non-decreasing), appended to `out`, and back (decode appends, links with `from`).
  // decode() throws std::runtime_error on a malformed chunk.
  static void encode(const std::uint8_t* records, const Link* links, std::size_t n,
                     std::size_t size, std::vector<std::uint8_t>& out);
  static void decode(const std::uint8_t* chunk, std::size_t bytes, std::size_t size,
                     std::uint32_t from, std::vector<std::uint8_t>& records,
                     std::vector<Link>& links);

 private:
  struct Slot {
    std::uint64_t hash;
    std::uint32_t dest;
    std::uint32_t index;  // record index in out_[dest] + 1; 0: empty
  };
  bool queued(int dest, const std::uint8_t* state, std::uint64_t hash);
  void grow_table();

  int rank_, ranks_;
  std::size_t size_;
  std::vector<std::vector<std::uint8_t>> out_;  // per destination, records back to back
  std::vector<std::vector<Link>> out_links_;    // per destination, per record
  std::size_t queued_bytes_ = 0, queued_records_ = 0;
  std::vector<Slot> table_;                     // this round's records, open addressing
  std::vector<std::uint8_t> in_, send_, records_;
  std::vector<Link> links_;
  std::uint64_t sent_states_ = 0, sent_bytes_ = 0;
};

}  // namespace pcmc::distributed
