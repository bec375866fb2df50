// The states one rank sends to the others during a BFS level, in flushes (docs/distributed.md,
// "What is sent"). A record is a successor's canonical bytes and its Link: where -j 1 meets it
// (the arrival key, level_order.hpp) and its parent's id on the sending rank (the parent link of
// the counterexample paths, path_walk.hpp). Within one flush a state queued twice for its owner
// is sent once, with its first Link (a hash table over the flush's records, keyed by the owner
// hash and compared byte for byte, so two different states are never merged; a rank expands its
// level in sequential order, so the first queued has the smaller arrival key). On the wire each
// record is coded against the previous record for the same rank (the first against zeros) as
// runs of (equal bytes, changed bytes + the changed bytes): successors of one state, queued one
// after the other, differ in a few bytes of a thread block and the globals; then its Link as
// varints against the previous record's (the same parent: 3 bytes).
//
// Sending is asynchronous (no collective per batch): once kFlushBytes are queued, flush() codes
// each rank's queue and starts sending it (MPI_Isend, tag kData); the receiver takes batches as
// they arrive (poll(), between its own expansions) and stores them at once. A rank done with the
// level (or stopped) calls finish_level(): it flushes, sends every other rank an end marker (tag
// kEnd, its stop bits) and receives until every other rank's marker has arrived. MPI does not
// let two messages from one sender on one communicator overtake each other, so a rank's marker
// arrives after every batch it sent in the level; and since storing a received state sends
// nothing, a rank holding every marker has received every record of the level for it. The
// level's end (partition_level_end.cpp) is collective, so no rank sends a record of the next
// level before every rank has left this one.
//
// Memory: a rank flushes once kFlushBytes are queued, and keeps at most kInFlight flushes in
// flight (past that it receives while it waits for the oldest), so it holds about kFlushBytes
// queued, kInFlight coded flushes and one received batch (decoded), however large the level is.
#pragma once

#include <mpi.h>

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
  static constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
  static constexpr std::size_t kInFlight = 2;

  Exchange(int rank, int ranks, std::size_t state_size);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // Queues `state` (state_size bytes) for rank `dest` != this rank; `hash` is its owner hash.
  // Calls come in non-decreasing link.key per flush (the level's sequential order).
  void send(int dest, const std::uint8_t* state, std::uint64_t hash, const Link& link);
  std::size_t queued_bytes() const { return queued_bytes_; }
  // Bytes held (queues, the de-duplication table, the buffers in flight and received).
  std::uint64_t bytes() const;

  // Records another rank sent this one: valid until the next call into the Exchange.
  struct Batch {
    const std::uint8_t* records = nullptr;  // count records, state_size bytes each
    const Link* links = nullptr;            // per record
    std::size_t count = 0;
  };
  class Sink {
   public:
    virtual void on_batch(const Batch& b) = 0;

   protected:
    ~Sink() = default;
  };

  // Codes every rank's queue and starts sending it. With kInFlight flushes still in flight, it
  // first receives (into `sink`) until the oldest has gone.
  void flush(Sink& sink);
  // Receives every batch that has arrived, without waiting.
  void poll(Sink& sink);
  // The union of the stop bits of the end markers received in this level: another rank stopped.
  std::uint64_t stop_seen() const { return stop_seen_; }
  // This rank has expanded its states of the level, or stopped (`stop` != 0: its queue is
  // dropped): sends every rank its end marker and receives until every rank's marker has come,
  // then waits for its own sends. Returns the union of every rank's stop bits, its own included.
  std::uint64_t finish_level(std::uint64_t stop, Sink& sink);

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
  // A flush on its way: its coded bytes (every rank's, back to back) and their requests.
  struct Flight {
    std::vector<std::uint8_t> bytes;
    std::vector<MPI_Request> requests;
  };
  bool queued(int dest, const std::uint8_t* state, std::uint64_t hash);
  void grow_table();
  void clear_queues();
  // Receives one message if `wait` or one has arrived; false when none came.
  bool receive(Sink& sink, bool wait);
  bool landed(Flight& f);  // its sends are complete
  void wait_oldest(Sink& sink);

  int rank_, ranks_;
  std::size_t size_;
  std::vector<std::vector<std::uint8_t>> out_;  // per destination, records back to back
  std::vector<std::vector<Link>> out_links_;    // per destination, per record
  std::size_t queued_bytes_ = 0, queued_records_ = 0;
  std::vector<Slot> table_;                     // this flush's records, open addressing
  std::vector<Flight> flights_;                 // oldest first
  std::vector<std::vector<std::uint8_t>> spare_;  // landed flights' buffers, for reuse
  std::vector<std::uint8_t> in_, records_;
  std::vector<Link> links_;
  std::uint64_t end_out_ = 0;                   // the end marker's payload (stop bits)
  int ends_ = 0;                                // end markers received in this level
  std::uint64_t stop_seen_ = 0;
  std::uint64_t sent_states_ = 0, sent_bytes_ = 0;
};

}  // namespace pcmc::distributed
