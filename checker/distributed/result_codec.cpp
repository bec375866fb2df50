#include "checker/distributed/result_codec.hpp"

#include <mpi.h>

#include <cstring>
#include <stdexcept>

namespace pcmc::distributed {

namespace {

class Writer {
 public:
  void u64(std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void f64(double v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void str(const std::string& s) {
    u64(s.size());
    out += s;
  }
  std::string out;
};

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}
  std::uint64_t u64() {
    std::uint64_t v;
    take(&v, sizeof v);
    return v;
  }
  double f64() {
    double v;
    take(&v, sizeof v);
    return v;
  }
  std::string str() {
    const std::uint64_t n = u64();
    if (n > s_.size() - at_) throw std::runtime_error("distributed search: short result message");
    std::string v = s_.substr(at_, n);
    at_ += n;
    return v;
  }

 private:
  void take(void* p, std::size_t n) {
    if (n > s_.size() - at_) throw std::runtime_error("distributed search: short result message");
    std::memcpy(p, s_.data() + at_, n);
    at_ += n;
  }
  const std::string& s_;
  std::size_t at_ = 0;
};

}  // namespace

std::string encode_result(const checker::Result& r) {
  Writer w;
  const checker::Stats& st = r.stats;
  w.u64(static_cast<std::uint64_t>(r.status));
  w.str(r.incomplete_reason);
  w.u64(r.exhaustive ? 1 : 0);
  for (std::uint64_t v : {st.states, st.transitions, st.end_states, st.exists_hits, st.max_depth,
                          st.queue, st.store_bytes, st.peak_rss, st.rerun_states,
                          st.path_hops_across})
    w.u64(v);
  w.f64(st.seconds);
  w.str(st.rerun_failed);
  w.u64(st.exists_each.size());
  for (std::uint64_t v : st.exists_each) w.u64(v);
  w.u64(r.violations.size());
  for (const checker::Counterexample& c : r.violations) {
    w.u64(c.property);
    w.u64(c.thread);
    w.u64(c.pc);
    w.u64(static_cast<std::uint64_t>(c.loop_start));
    w.u64(c.steps.size());
    for (const checker::Step& s : c.steps) w.u64(std::uint64_t{s.thread} << 16 | s.index);
  }
  return w.out;
}

checker::Result decode_result(const std::string& bytes) {
  Reader rd(bytes);
  checker::Result r;
  checker::Stats& st = r.stats;
  r.status = static_cast<checker::Status>(rd.u64());
  r.incomplete_reason = rd.str();
  r.exhaustive = rd.u64() != 0;
  for (std::uint64_t* v : {&st.states, &st.transitions, &st.end_states, &st.exists_hits,
                           &st.max_depth, &st.queue, &st.store_bytes, &st.peak_rss,
                           &st.rerun_states, &st.path_hops_across})
    *v = rd.u64();
  st.seconds = rd.f64();
  st.rerun_failed = rd.str();
  st.exists_each.resize(rd.u64());
  for (std::uint64_t& v : st.exists_each) v = rd.u64();
  r.violations.resize(rd.u64());
  for (checker::Counterexample& c : r.violations) {
    c.property = static_cast<checker::PropertyId>(rd.u64());
    c.thread = static_cast<std::uint16_t>(rd.u64());
    c.pc = static_cast<std::uint32_t>(rd.u64());
    c.loop_start = static_cast<std::int64_t>(rd.u64());
    c.steps.resize(rd.u64());
    for (checker::Step& s : c.steps) {
      const std::uint64_t v = rd.u64();
      s.thread = static_cast<std::uint16_t>(v >> 16);
      s.index = static_cast<std::uint16_t>(v & 0xFFFF);
    }
  }
  return r;
}

std::string broadcast_from_root(const std::string& bytes) {
  std::uint64_t n = bytes.size();
  if (MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Bcast failed");
  std::string out = bytes;
  out.resize(n);
  if (n > 0x7fffffffULL) throw std::length_error("distributed search: result over 2 GiB");
  if (n != 0 && MPI_Bcast(out.data(), static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Bcast failed");
  return out;
}

}  // namespace pcmc::distributed
