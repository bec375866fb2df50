#include "checker/distributed/exchange.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "checker/store/hash.hpp"

namespace pcmc::distributed {

namespace {

constexpr int kHeaderWords = 4;  // bytes for the receiver, flags, stop bits, stored states
constexpr std::uint64_t kDone = 1;

std::size_t get_varint(const std::uint8_t*& p, const std::uint8_t* end) {
  std::size_t v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (p == end) throw std::runtime_error("distributed search: truncated exchange record");
    const std::uint8_t b = *p++;
    v |= static_cast<std::size_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  throw std::runtime_error("distributed search: malformed exchange record");
}

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string(what) + " failed");
}

}  // namespace

Exchange::Exchange(int rank, int ranks, std::size_t state_size)
    : rank_(rank),
      ranks_(ranks),
      size_(state_size),
      out_(static_cast<std::size_t>(ranks)),
      out_links_(static_cast<std::size_t>(ranks)) {
  table_.resize(1024);
}

std::uint64_t Exchange::bytes() const {
  std::uint64_t b = table_.capacity() * sizeof(Slot) + in_.capacity() + send_.capacity() +
                    records_.capacity();
  for (const auto& o : out_) b += o.capacity();
  for (const auto& o : out_links_) b += o.capacity() * sizeof(Link);
  return b + links_.capacity() * sizeof(Link);
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

void Exchange::send(int dest, const std::uint8_t* state, std::uint64_t hash, const Link& link) {
  if (queued(dest, state, hash)) return;  // queued before with a smaller or equal key
  auto& box = out_[static_cast<std::size_t>(dest)];
  box.insert(box.end(), state, state + size_);
  out_links_[static_cast<std::size_t>(dest)].push_back(link);
  queued_bytes_ += size_;
  ++queued_records_;
}

void Exchange::encode(const std::uint8_t* records, const Link* links, std::size_t n,
                      std::size_t size, std::vector<std::uint8_t>& out) {
  // Worst case per record: every other byte changed, 2 varint bytes per run of one byte; the
  // link: 3 varints of at most 10 bytes. Room for one worst case is made before each record
  // (not for n of them at once: a round's coded records are ~6x smaller than that bound, and
  // the bound's pages, once written, would stay in the peak RSS).
  const std::size_t worst = 2 * size + 48;
  out.resize(out.size() + worst);
  std::uint8_t* w = out.data() + out.size() - worst;
  const auto varint = [&w](std::size_t v) {
    while (v >= 0x80) {
      *w++ = static_cast<std::uint8_t>(v | 0x80);
      v >>= 7;
    }
    *w++ = static_cast<std::uint8_t>(v);
  };
  std::vector<std::uint8_t> zero(size, 0);
  const std::uint8_t* prev = zero.data();
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<std::size_t>(out.data() + out.size() - w) < worst) {
      const std::size_t used = static_cast<std::size_t>(w - out.data());
      out.resize(std::max(out.size() * 2, used + worst));
      w = out.data() + used;
    }
    const std::uint8_t* cur = records + i * size;
    std::size_t pos = 0;
    while (pos < size) {
      std::size_t end = pos;  // equal bytes: 8 at a time, then one by one
      while (end + 8 <= size && checker::hash_detail::load64(cur + end) == checker::hash_detail::load64(prev + end)) end += 8;
      while (end < size && cur[end] == prev[end]) ++end;
      std::size_t diff = end;
      while (diff < size && cur[diff] != prev[diff]) ++diff;
      varint(end - pos);
      varint(diff - end);
      std::memcpy(w, cur + end, diff - end);
      w += diff - end;
      pos = diff;
    }
    // The link: the key's increase over the previous record's, the parent id's change (zigzag).
    const std::uint64_t key_before = i == 0 ? 0 : links[i - 1].key;
    const std::uint32_t parent_before = i == 0 ? 0 : links[i - 1].parent;
    if (links[i].key < key_before)
      throw std::logic_error("distributed search: records queued out of the level's order");
    varint(links[i].key - key_before);
    const std::int64_t d = std::int64_t{links[i].parent} - std::int64_t{parent_before};
    varint(static_cast<std::uint64_t>(d < 0 ? -2 * d - 1 : 2 * d));
    prev = cur;
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
}

void Exchange::decode(const std::uint8_t* chunk, std::size_t bytes, std::size_t size,
                      std::uint32_t from, std::vector<std::uint8_t>& records,
                      std::vector<Link>& links) {
  Link last{0, 0, from};
  const std::uint8_t* p = chunk;
  const std::uint8_t* const end = chunk + bytes;
  std::size_t prev = records.size();  // the record this one is coded against (none yet)
  while (p != end) {
    const std::size_t at = records.size();
    if (prev == at) records.resize(at + size, 0);  // the chunk's first record: against zeros
    else records.insert(records.end(), records.begin() + static_cast<long>(prev),
                        records.begin() + static_cast<long>(prev + size));
    std::size_t pos = 0;
    while (pos < size) {
      const std::size_t same = get_varint(p, end);
      const std::size_t diff = get_varint(p, end);
      if (same > size - pos || diff > size - pos - same || diff > static_cast<std::size_t>(end - p))
        throw std::runtime_error("distributed search: malformed exchange record");
      std::memcpy(records.data() + at + pos + same, p, diff);
      p += diff;
      pos += same + diff;
    }
    last.key += get_varint(p, end);
    const std::uint64_t z = get_varint(p, end);
    const std::int64_t d = (z & 1) != 0 ? -static_cast<std::int64_t>(z >> 1) - 1
                                        : static_cast<std::int64_t>(z >> 1);
    last.parent = static_cast<std::uint32_t>(std::int64_t{last.parent} + d);
    links.push_back(last);
    prev = at;
  }
}

Exchange::Round Exchange::round(bool done, std::uint64_t stop, std::uint64_t states) {
  const std::size_t n = static_cast<std::size_t>(ranks_);
  // The records for each rank, coded (encode()), back to back in send_.
  std::vector<std::size_t> coded(n + 1, 0);
  send_.clear();
  for (std::size_t r = 0; r < n; ++r) {
    encode(out_[r].data(), out_links_[r].data(), out_links_[r].size(), size_, send_);
    coded[r + 1] = send_.size();
  }
  std::vector<std::uint64_t> head_out(n * kHeaderWords), head_in(n * kHeaderWords);
  for (std::size_t r = 0; r < n; ++r) {
    head_out[r * kHeaderWords + 0] = coded[r + 1] - coded[r];
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
    sdispl[r] = static_cast<int>(coded[r]);
    scount[r] = static_cast<int>(coded[r + 1] - coded[r]);
    stotal += coded[r + 1] - coded[r];
    rdispl[r] = static_cast<int>(rtotal);
    rcount[r] = static_cast<int>(h[0]);
    rtotal += h[0];
  }
  if (stotal > 0x7fffffffULL || rtotal > 0x7fffffffULL)
    throw std::length_error("distributed search: one exchange round exceeds 2 GiB");
  in_.resize(rtotal);
  check(MPI_Alltoallv(send_.data(), scount.data(), sdispl.data(), MPI_BYTE, in_.data(),
                      rcount.data(), rdispl.data(), MPI_BYTE, MPI_COMM_WORLD),
        "MPI_Alltoallv");
  sent_bytes_ += stotal;
  for (auto& o : out_links_) sent_states_ += o.size();
  for (auto& o : out_) o.clear();
  for (auto& o : out_links_) o.clear();
  queued_bytes_ = queued_records_ = 0;
  std::fill(table_.begin(), table_.end(), Slot{0, 0, 0});
  records_.clear();
  links_.clear();
  for (std::size_t r = 0; r < n; ++r)
    decode(in_.data() + rdispl[r], static_cast<std::size_t>(rcount[r]), size_,
           static_cast<std::uint32_t>(r), records_, links_);
  rd.records = records_.data();
  rd.links = links_.data();
  rd.count = links_.size();
  return rd;
}

}  // namespace pcmc::distributed
