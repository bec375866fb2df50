// How a permutation of pool elements acts on a state, and the element keys the canonicaliser
// sorts by (frame_symmetry.hpp). Used by checker/reduce/symmetry.cpp.
#include "checker/reduce/frame_symmetry.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace pcmc::checker {

namespace {

std::uint32_t read_le(const std::uint8_t* p, unsigned width) {
  std::uint32_t v = 0;
  for (unsigned i = 0; i < width; ++i) v |= static_cast<std::uint32_t>(p[i]) << (8 * i);
  return v;
}

void write_le(std::uint8_t* p, unsigned width, std::uint32_t v) {
  for (unsigned i = 0; i < width; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// v = e + 1 becomes rename[v]; NULL and values outside the pool stay (a bijection either way).
void rewrite(std::uint8_t* p, unsigned width, const std::vector<unsigned>& rename) {
  const std::uint32_t v = read_le(p, width);
  if (v != 0 && v < rename.size()) write_le(p, width, rename[v]);
}

}  // namespace

FrameAction::FrameAction(FrameSpec spec, std::vector<std::uint32_t> block_offset,
                         std::vector<std::pair<std::uint32_t, std::uint8_t>> thread_cells,
                         std::size_t state_size, std::vector<bool> permuted)
    : spec_(std::move(spec)),
      block_offset_(std::move(block_offset)),
      size_(state_size),
      permuted_(std::move(permuted)) {
  auto bad = [](const std::string& what) { throw std::invalid_argument("frame spec: " + what); };
  const auto width_ok = [](unsigned w) { return w == 1 || w == 2 || w == 4; };
  if (spec_.empty()) return;
  if (spec_.threads.size() != block_offset_.size()) bad("per-thread cells");
  for (const auto& list : spec_.lists)
    for (const auto& c : list)
      if (!width_ok(c.width) || c.pool >= spec_.pools.size()) bad("bad local cell");
  for (const auto& t : spec_.threads) {
    if (t.finished >= spec_.lists.size()) bad("cell list out of range");
    for (std::uint32_t l : t.at_pc)
      if (l >= spec_.lists.size()) bad("cell list out of range");
  }
  for (const auto& c : spec_.global_cells)
    if (!width_ok(c.width) || c.pool >= spec_.pools.size() || c.offset + c.width > size_)
      bad("bad global cell");

  const std::size_t np = spec_.pools.size();
  movable_.resize(np);
  in_elem_.resize(np);
  thread_in_elem_.resize(np);
  key_size_.resize(np);
  for (std::size_t p = 0; p < np; ++p) {
    const FrameSpec::Pool& pool = spec_.pools[p];
    const std::size_t end = pool.base + std::size_t{pool.elem_size} * pool.count;
    if (pool.elem_size == 0 || end > size_) bad("pool outside the state");
    if (pool.block == 0 || pool.count % pool.block != 0) bad("count not a multiple of block");
    if (pool.movable.size() < 2) bad("fewer than two movable units");
    movable_[p].assign(pool.units(), false);
    for (unsigned u : pool.movable) {
      if (u >= pool.units() || movable_[p][u]) bad("movable unit out of range or repeated");
      movable_[p][u] = true;
    }
    // Cells inside elements: the same relative layout in every element.
    std::vector<std::vector<FrameSpec::Cell>> per(pool.count);
    for (const auto& c : spec_.global_cells)
      if (c.offset >= pool.base && c.offset < end) {
        const std::uint32_t e = (c.offset - pool.base) / pool.elem_size;
        FrameSpec::Cell r = c;
        r.offset = c.offset - pool.base - e * pool.elem_size;
        if (r.offset + r.width > pool.elem_size) bad("cell straddles elements");
        per[e].push_back(r);
      }
    std::vector<std::vector<std::pair<std::uint32_t, std::uint8_t>>> tper(pool.count);
    for (const auto& [off, w] : thread_cells)
      if (off >= pool.base && off < end) {
        const std::uint32_t e = (off - pool.base) / pool.elem_size;
        tper[e].push_back({off - pool.base - e * pool.elem_size, w});
      }
    for (std::uint32_t e = 1; e < pool.count; ++e) {
      if (per[e].size() != per[0].size() || tper[e] != tper[0]) bad("elements differ in layout");
      for (std::size_t i = 0; i < per[e].size(); ++i)
        if (per[e][i].offset != per[0][i].offset || per[e][i].width != per[0][i].width ||
            per[e][i].pool != per[0][i].pool)
          bad("elements differ in layout");
    }
    in_elem_[p] = per.empty() ? std::vector<FrameSpec::Cell>{} : per[0];
    thread_in_elem_[p] = tper.empty() ? decltype(tper)::value_type{} : tper[0];
    key_size_[p] = std::size_t{pool.block} * (pool.elem_size + 4 * in_elem_[p].size());
  }
}

void FrameAction::apply(const std::uint8_t* in, std::uint8_t* out, const Perm& perm,
                        std::vector<std::vector<unsigned>>& rename) const {
  std::memcpy(out, in, size_);
  rename.resize(spec_.pools.size());
  for (std::size_t p = 0; p < spec_.pools.size(); ++p) {
    const FrameSpec::Pool& pool = spec_.pools[p];
    const std::vector<unsigned>& to = perm.at(p);
    std::vector<unsigned>& rn = rename[p];
    const std::uint32_t b = pool.block;
    const std::size_t unit_bytes = std::size_t{b} * pool.elem_size;
    rn.resize(pool.count + 1);
    rn[0] = 0;
    for (unsigned e = 0; e < pool.count; ++e) rn[e + 1] = to[e / b] * b + e % b + 1;
    for (unsigned u = 0; u < pool.units(); ++u)
      if (to[u] != u)
        std::memcpy(out + pool.base + std::size_t{to[u]} * unit_bytes,
                    in + pool.base + std::size_t{u} * unit_bytes, unit_bytes);
  }
  for (const auto& c : spec_.global_cells) rewrite(out + c.offset, c.width, rename[c.pool]);
  for (std::size_t t = 0; t < spec_.threads.size(); ++t) {
    std::uint8_t* block = out + block_offset_[t];
    const std::uint32_t pc = read_le(block, 2);
    const FrameSpec::ThreadCells& tc = spec_.threads[t];
    if (pc != 0xFFFF && pc >= tc.at_pc.size())
      throw std::logic_error("frame symmetry: thread " + std::to_string(t) + " at pc " +
                             std::to_string(pc) + " outside its code");
    const FrameSpec::CellList& list = spec_.lists[pc == 0xFFFF ? tc.finished : tc.at_pc[pc]];
    for (const auto& c : list) rewrite(block + c.offset, c.width, rename[c.pool]);
  }
}

void FrameAction::key(const std::uint8_t* in, unsigned p, unsigned u,
                      std::vector<std::uint8_t>& out) const {
  const FrameSpec::Pool& pool = spec_.pools.at(p);
  for (unsigned j = 0; j < pool.block; ++j) {
    const std::size_t at = out.size();
    const unsigned e = u * pool.block + j;
    const std::uint8_t* elem = in + pool.base + std::size_t{e} * pool.elem_size;
    out.insert(out.end(), elem, elem + pool.elem_size);
    for (const auto& [off, w] : thread_in_elem_[p]) {
      const std::uint32_t v = read_le(elem + off, w);
      if (v != 0 && (permuted_.empty() || (v - 1 < permuted_.size() && permuted_[v - 1])))
        std::memset(out.data() + at + off, 0xFF, w);  // never a thread value (<= 254 threads)
    }
    for (const auto& c : in_elem_[p]) {
      const std::uint32_t v = read_le(elem + c.offset, c.width);
      std::memset(out.data() + at + c.offset, 0, c.width);
      // Tags, kind << 24 | detail: 0 NULL; 1 own unit, offset k; 2 another movable unit,
      // offset k; 3 a fixed element, by number; 4 out of range (never stored: range-checked).
      std::uint32_t tag = 0;
      const FrameSpec::Pool& target = spec_.pools[c.pool];
      if (v != 0 && v <= target.count) {
        const unsigned f = v - 1, fu = f / target.block, k = f % target.block;
        if (!movable_[c.pool][fu]) tag = 3u << 24 | f;
        else if (c.pool == p && fu == u) tag = 1u << 24 | k;
        else tag = 2u << 24 | k;
      } else if (v != 0) {
        tag = 4u << 24;
      }
      for (unsigned i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(tag >> (24 - 8 * i)));
    }
  }
}

}  // namespace pcmc::checker
