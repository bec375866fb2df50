#include "checker/distributed/exchange.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pcmc::distributed {

namespace {

constexpr int kHeaderWords = 4;  // bytes for the receiver, flags, stop bits, stored states
constexpr std::uint64_t kDone = 1;

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string(what) + " failed");
}

}  // namespace

Exchange::Exchange(int rank, int ranks, std::size_t state_size)
    : rank_(rank), ranks_(ranks), size_(state_size), out_(static_cast<std::size_t>(ranks)) {
  table_.resize(1024);
}

std::uint64_t Exchange::bytes() const {
  std::uint64_t b = table_.capacity() * sizeof(Slot) + in_.capacity() + send_.capacity();
  for (const auto& o : out_) b += o.capacity();
  return b;
}

void Exchange::grow_table() {
  std::vector<Slot> old(table_.size() * 2, Slot{0, 0, 0});
  old.swap(table_);
  const std::size_t mask = table_.size() - 1;
  for (const Slot& s : old) {
    if (s.index == 0) continue;
    std::size_t i = static_cast<std::size_t>(s.hash) & mask;
    while (table_[i].index != 0) i = (i + 1) & mask;
    table_[i] = s;
  }
}

// True when an equal record is already queued for `dest` in this round; otherwise enters it.
bool Exchange::queued(int dest, const std::uint8_t* state, std::uint64_t hash) {
  if (2 * (queued_records_ + 1) > table_.size()) grow_table();
  const std::size_t mask = table_.size() - 1;
  const auto& box = out_[static_cast<std::size_t>(dest)];
  std::size_t i = static_cast<std::size_t>(hash) & mask;
  for (; table_[i].index != 0; i = (i + 1) & mask) {
    const Slot& s = table_[i];
    if (s.hash == hash && s.dest == static_cast<std::uint32_t>(dest) &&
        std::memcmp(box.data() + (s.index - 1) * size_, state, size_) == 0)
      return true;
  }
  table_[i] = Slot{hash, static_cast<std::uint32_t>(dest),
                   static_cast<std::uint32_t>(box.size() / size_ + 1)};
  return false;
}

void Exchange::send(int dest, const std::uint8_t* state, std::uint64_t hash) {
  if (queued(dest, state, hash)) return;
  auto& box = out_[static_cast<std::size_t>(dest)];
  box.insert(box.end(), state, state + size_);
  queued_bytes_ += size_;
  ++queued_records_;
}

Exchange::Round Exchange::round(bool done, std::uint64_t stop, std::uint64_t states) {
  const std::size_t n = static_cast<std::size_t>(ranks_);
  std::vector<std::uint64_t> head_out(n * kHeaderWords), head_in(n * kHeaderWords);
  for (std::size_t r = 0; r < n; ++r) {
    head_out[r * kHeaderWords + 0] = out_[r].size();
    head_out[r * kHeaderWords + 1] = done ? kDone : 0;
    head_out[r * kHeaderWords + 2] = stop;
    head_out[r * kHeaderWords + 3] = states;
  }
  check(MPI_Alltoall(head_out.data(), kHeaderWords, MPI_UINT64_T, head_in.data(), kHeaderWords,
                     MPI_UINT64_T, MPI_COMM_WORLD),
        "MPI_Alltoall");
  Round rd;
  std::vector<int> scount(n), sdispl(n), rcount(n), rdispl(n);
  std::uint64_t stotal = 0, rtotal = 0;
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint64_t* h = &head_in[r * kHeaderWords];
    rd.all_done = rd.all_done && (h[1] & kDone) != 0;
    rd.stop |= h[2];
    rd.states += h[3];
    sdispl[r] = static_cast<int>(stotal);
    scount[r] = static_cast<int>(out_[r].size());
    stotal += out_[r].size();
    rdispl[r] = static_cast<int>(rtotal);
    rcount[r] = static_cast<int>(h[0]);
    rtotal += h[0];
  }
  if (stotal > 0x7fffffffULL || rtotal > 0x7fffffffULL)
    throw std::length_error("distributed search: one exchange round exceeds 2 GiB");
  send_.resize(stotal);
  for (std::size_t r = 0; r < n; ++r)
    if (!out_[r].empty()) std::memcpy(send_.data() + sdispl[r], out_[r].data(), out_[r].size());
  in_.resize(rtotal);
  check(MPI_Alltoallv(send_.data(), scount.data(), sdispl.data(), MPI_BYTE, in_.data(),
                      rcount.data(), rdispl.data(), MPI_BYTE, MPI_COMM_WORLD),
        "MPI_Alltoallv");
  sent_bytes_ += stotal;
  sent_states_ += size_ != 0 ? stotal / size_ : 0;
  for (auto& o : out_) o.clear();
  queued_bytes_ = queued_records_ = 0;
  std::fill(table_.begin(), table_.end(), Slot{0, 0, 0});
  rd.records = in_.data();
  rd.count = size_ != 0 ? rtotal / size_ : 0;
  return rd;
}

}  // namespace pcmc::distributed
