#include "checker/distributed/exchange.hpp"

#include <mpi.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <thread>
#include <cstring>
#include <stdexcept>
#include <string>

#include "checker/store/hash.hpp"

namespace pcmc::distributed {

namespace {

constexpr int kData = 1;  // tags: a flush's coded records for one rank; a level's end marker
constexpr int kEnd = 2;
// Waiting for a message: this many empty probes, then a probe per kBackoff (a waiting rank
// gives its core away instead of spinning; the level's end is the only wait).
constexpr int kSpins = 256;
constexpr std::chrono::microseconds kBackoff{20};

std::size_t get_long_varint(const std::uint8_t*& p, const std::uint8_t* end) {
  std::size_t v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (p == end) throw std::runtime_error("distributed search: truncated exchange record");
    const std::uint8_t b = *p++;
    v |= static_cast<std::size_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  throw std::runtime_error("distributed search: malformed exchange record");
}

// Most varints of a record are one byte (run lengths under 128, a sibling's key step): inline.
inline std::size_t get_varint(const std::uint8_t*& p, const std::uint8_t* end) {
  if (p != end && *p < 0x80) return *p++;
  return get_long_varint(p, end);
}

// The bytes where a and b differ, as a bitmap (bit i % 64 of word i / 64: byte i), built 8
// bytes at a time without a branch: each nonzero byte of a ^ b gets its high bit (exact: no
// carry crosses a byte), and a multiply gathers the 8 high bits into one byte. A record's runs
// are then a few ctz each; scanning the bytes for them, with a mispredicted branch at each
// run's end, was 5 % of a rank's time.
void differing_bytes(const std::uint8_t* a, const std::uint8_t* b, std::size_t size,
                     std::vector<std::uint64_t>& bits) {
  using checker::hash_detail::load64;
  constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  constexpr std::uint64_t kGather = 0x0102040810204080ULL;  // byte k's bit 0 -> bit 56 + k
  bits.assign((size + 63) / 64, 0);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    const std::uint64_t x = load64(a + i) ^ load64(b + i);
    const std::uint64_t high = (((x & kLow7) + kLow7) | x) & ~kLow7;
    bits[i / 64] |= (((high >> 7) * kGather) >> 56) << (i % 64);
  }
  for (; i < size; ++i)
    if (a[i] != b[i]) bits[i / 64] |= std::uint64_t{1} << (i % 64);
}

// The first index at or after `pos` whose bit is `set` (`size` if none; the bits past `size`
// are clear).
[[gnu::always_inline]] inline std::size_t next_bit(const std::vector<std::uint64_t>& bits,
                                                  std::size_t pos, std::size_t size, bool set) {
  if (pos >= size) return size;
  std::size_t w = pos / 64;
  std::uint64_t m = (set ? bits[w] : ~bits[w]) & (~std::uint64_t{0} << (pos % 64));
  while (m == 0) {
    if (++w == bits.size()) return size;
    m = set ? bits[w] : ~bits[w];
  }
  return std::min(size, w * 64 + static_cast<std::size_t>(std::countr_zero(m)));
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

// Every flight has landed at the end of each level (finish_level); one left here means the
// search was abandoned by an exception, and MPI is about to be aborted or finalised.
Exchange::~Exchange() {
  for (Flight& f : flights_)
    for (MPI_Request& r : f.requests)
      if (r != MPI_REQUEST_NULL) MPI_Request_free(&r);
}

std::uint64_t Exchange::bytes() const {
  std::uint64_t b = table_.capacity() * sizeof(Slot) + in_.capacity() + records_.capacity();
  for (const Flight& f : flights_) b += f.bytes.capacity();
  for (const auto& v : spare_) b += v.capacity();
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

// True when an equal record is already queued for `dest` in this flush; otherwise enters it.
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
  // (not for n of them at once: a flush's coded records are ~6x smaller than that bound, and
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
  std::vector<std::uint64_t> bits;
  const std::uint8_t* prev = zero.data();
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<std::size_t>(out.data() + out.size() - w) < worst) {
      const std::size_t used = static_cast<std::size_t>(w - out.data());
      out.resize(std::max(out.size() * 2, used + worst));
      w = out.data() + used;
    }
    const std::uint8_t* cur = records + i * size;
    differing_bytes(cur, prev, size, bits);
    std::size_t pos = 0;
    while (pos < size) {
      const std::size_t end = next_bit(bits, pos, size, true);    // pos .. end: equal
      const std::size_t diff = next_bit(bits, end, size, false);  // end .. diff: changed
      varint(end - pos);
      varint(diff - end);
      if (diff + 8 <= size) {  // the changed bytes, 8 at a time (w has room for worst case)
        for (std::size_t k = end; k < diff; k += 8) std::memcpy(w + (k - end), cur + k, 8);
      } else {
        std::memcpy(w, cur + end, diff - end);
      }
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

void Exchange::clear_queues() {
  for (auto& o : out_) o.clear();
  for (auto& o : out_links_) o.clear();
  queued_bytes_ = queued_records_ = 0;
  std::fill(table_.begin(), table_.end(), Slot{0, 0, 0});
}

bool Exchange::landed(Flight& f) {
  int done = 0;
  check(MPI_Testall(static_cast<int>(f.requests.size()), f.requests.data(), &done,
                    MPI_STATUSES_IGNORE),
        "MPI_Testall");
  return done != 0;
}

// The oldest flight, once landed, gives its buffer to spare_; until then this rank receives (the
// receiver of a large message may be waiting in its own flush for ours to land: both receive).
void Exchange::wait_oldest(Sink& sink) {
  for (int idle = 0; !landed(flights_.front());)
    if (receive(sink, false)) idle = 0;
    else if (++idle > kSpins) std::this_thread::sleep_for(kBackoff);
  spare_.push_back(std::move(flights_.front().bytes));
  flights_.erase(flights_.begin());
}

void Exchange::flush(Sink& sink) {
  if (queued_records_ == 0) return;
  while (flights_.size() >= kInFlight) wait_oldest(sink);
  Flight f;
  if (!spare_.empty()) {
    f.bytes = std::move(spare_.back());
    spare_.pop_back();
  }
  f.bytes.clear();
  const std::size_t n = static_cast<std::size_t>(ranks_);
  std::vector<std::size_t> coded(n + 1, 0);
  for (std::size_t r = 0; r < n; ++r) {
    encode(out_[r].data(), out_links_[r].data(), out_links_[r].size(), size_, f.bytes);
    coded[r + 1] = f.bytes.size();
    sent_states_ += out_links_[r].size();
  }
  if (f.bytes.size() > 0x7fffffffULL)
    throw std::length_error("distributed search: one flush exceeds 2 GiB");
  sent_bytes_ += f.bytes.size();
  clear_queues();
  for (std::size_t r = 0; r < n; ++r) {
    if (coded[r + 1] == coded[r]) continue;
    f.requests.push_back(MPI_REQUEST_NULL);
    check(MPI_Isend(f.bytes.data() + coded[r], static_cast<int>(coded[r + 1] - coded[r]), MPI_BYTE,
                    static_cast<int>(r), kData, MPI_COMM_WORLD, &f.requests.back()),
          "MPI_Isend");
  }
  flights_.push_back(std::move(f));
}

bool Exchange::receive(Sink& sink, bool wait) {
  MPI_Status st;
  int flag = 0;
  if (wait) {
    for (int idle = 0;; ++idle) {
      check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st), "MPI_Iprobe");
      if (flag != 0) break;
      if (idle > kSpins) std::this_thread::sleep_for(kBackoff);
    }
  } else {
    check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st), "MPI_Iprobe");
    if (flag == 0) return false;
  }
  int count = 0;
  check(MPI_Get_count(&st, MPI_BYTE, &count), "MPI_Get_count");
  in_.resize(static_cast<std::size_t>(count));
  check(MPI_Recv(in_.data(), count, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE),
        "MPI_Recv");
  if (st.MPI_TAG == kEnd) {
    if (count != sizeof(std::uint64_t))
      throw std::runtime_error("distributed search: malformed end marker");
    std::uint64_t stop = 0;
    std::memcpy(&stop, in_.data(), sizeof stop);
    stop_seen_ |= stop;
    ++ends_;
    return true;
  }
  if (st.MPI_TAG != kData) throw std::runtime_error("distributed search: unexpected message");
  records_.clear();
  links_.clear();
  decode(in_.data(), in_.size(), size_, static_cast<std::uint32_t>(st.MPI_SOURCE), records_,
         links_);
  sink.on_batch(Batch{records_.data(), links_.data(), links_.size()});
  return true;
}

void Exchange::poll(Sink& sink) {
  while (receive(sink, false)) {
  }
}

std::uint64_t Exchange::finish_level(std::uint64_t stop, Sink& sink) {
  if (stop != 0) clear_queues();  // nobody stores more: a stop bit is on its way
  else flush(sink);
  end_out_ = stop;
  Flight ends;
  for (int r = 0; r < ranks_; ++r) {
    if (r == rank_) continue;
    ends.requests.push_back(MPI_REQUEST_NULL);
    check(MPI_Isend(&end_out_, sizeof end_out_, MPI_BYTE, r, kEnd, MPI_COMM_WORLD,
                    &ends.requests.back()),
          "MPI_Isend");
  }
  flights_.push_back(std::move(ends));
  while (ends_ < ranks_ - 1) receive(sink, true);
  // Every rank has received our batches before our marker, or will: its own finish_level
  // receives until our marker has come.
  for (Flight& f : flights_) {
    check(MPI_Waitall(static_cast<int>(f.requests.size()), f.requests.data(), MPI_STATUSES_IGNORE),
          "MPI_Waitall");
    if (f.bytes.capacity() != 0) spare_.push_back(std::move(f.bytes));
  }
  flights_.clear();
  while (spare_.size() > kInFlight) spare_.pop_back();
  const std::uint64_t all = stop_seen_ | stop;
  ends_ = 0;
  stop_seen_ = 0;
  return all;
}

}  // namespace pcmc::distributed
