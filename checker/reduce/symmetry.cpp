// The canonicaliser (symmetry.hpp): sort each class's threads by a permutation-invariant key of
// their blocks, then try every order of the threads whose keys tie and keep the least image.
//
// Why the result is the orbit's unique representative when every tie is enumerated: for a state
// s and a group element τ, the key of thread τ(t) in τ(s) equals the key of t in s (renaming
// keeps a thread's class membership, and class threads are masked). So the permutations that
// sort τ(s)'s keys are exactly {π∘τ⁻¹ : π sorts s's keys}, their images of τ(s) are the same set
// of states as π(s), and the least of that set is the same state.
#include "checker/reduce/symmetry.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>

namespace pcmc::checker {

namespace {

std::uint32_t read_cell(const std::uint8_t* p, std::uint8_t width) {
  std::uint32_t v = 0;
  for (unsigned i = 0; i < width; ++i) v |= static_cast<std::uint32_t>(p[i]) << (8 * i);
  return v;
}

void write_cell(std::uint8_t* p, std::uint8_t width, std::uint32_t v) {
  for (unsigned i = 0; i < width; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// v = t + 1 becomes rename[v]; 0 (no thread) and out-of-range values stay (a bijection either way).
void rewrite(std::uint8_t* p, std::uint8_t width, const std::vector<unsigned>& rename) {
  const std::uint32_t v = read_cell(p, width);
  if (v != 0 && v < rename.size()) write_cell(p, width, rename[v]);
}

std::vector<std::pair<std::uint32_t, std::uint8_t>> thread_cells(const SymmetrySpec& spec) {
  std::vector<std::pair<std::uint32_t, std::uint8_t>> out;
  for (const auto& c : spec.global_cells) out.push_back({c.offset, c.width});
  return out;
}

// Per thread: in some class (its name is only known up to the thread permutations).
std::vector<bool> class_threads(const SymmetrySpec& spec) {
  std::vector<bool> out(spec.threads(), false);
  for (const auto& cls : spec.classes)
    for (unsigned t : cls)
      if (t < out.size()) out[t] = true;
  return out;
}

std::size_t factorial_capped(std::size_t n, std::size_t cap) {
  std::size_t f = 1;
  for (std::size_t i = 2; i <= n && f <= cap; ++i) f *= i;
  return f;
}

}  // namespace

Canonicaliser::Canonicaliser(SymmetrySpec spec, std::size_t state_size)
    : spec_(std::move(spec)),
      frames_(spec_.frames, spec_.block_offset, thread_cells(spec_), state_size,
              class_threads(spec_)),
      size_(state_size) {
  const unsigned n = spec_.threads();
  auto bad = [](const std::string& what) { throw std::invalid_argument("symmetry spec: " + what); };
  if (spec_.block_sizes.size() != n || spec_.local_cells.size() != n) bad("per-thread sizes");
  auto cell_ok = [](const SymmetrySpec::Cell& c, std::size_t limit) {
    return (c.width == 1 || c.width == 2 || c.width == 4) && c.offset + c.width <= limit;
  };
  for (unsigned t = 0; t < n; ++t) {
    if (spec_.block_offset[t] + std::size_t{spec_.block_sizes[t]} > size_) bad("block outside");
    for (const auto& c : spec_.local_cells[t])
      if (!cell_ok(c, spec_.block_sizes[t])) bad("local cell outside its block");
    for (unsigned u = 0; u < t; ++u) {
      const std::uint32_t a = spec_.block_offset[t], b = spec_.block_offset[u];
      if (a < b + spec_.block_sizes[u] && b < a + spec_.block_sizes[t]) bad("blocks overlap");
    }
  }
  for (const auto& c : spec_.global_cells) {
    if (!cell_ok(c, size_)) bad("global cell outside the state");
    for (unsigned t = 0; t < n; ++t)
      if (c.offset < spec_.block_offset[t] + spec_.block_sizes[t] &&
          spec_.block_offset[t] < c.offset + c.width)
        bad("global cell inside a block");
  }
  in_class_.assign(n, false);
  auto same_cells = [](const std::vector<SymmetrySpec::Cell>& a,
                       const std::vector<SymmetrySpec::Cell>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](auto& x, auto& y) {
             return x.offset == y.offset && x.width == y.width;
           });
  };
  key_at_.assign(n, 0);
  for (const auto& cls : spec_.classes) {
    if (cls.size() < 2) bad("a class of fewer than two threads");
    if (!std::is_sorted(cls.begin(), cls.end())) bad("class not ascending");
    for (unsigned t : cls) {
      if (t >= n || in_class_[t]) bad("thread in no or several classes");
      in_class_[t] = true;
      key_at_[t] = key_bytes_;
      key_bytes_ += spec_.block_sizes[t];
      if (spec_.block_sizes[t] != spec_.block_sizes[cls[0]] ||
          !same_cells(spec_.local_cells[t], spec_.local_cells[cls[0]]))
        bad("threads of a class have different blocks");
    }
  }
}

void Canonicaliser::key(const std::uint8_t* in, unsigned t, std::uint8_t* out) const {
  std::memcpy(out, in + spec_.block_offset[t], spec_.block_sizes[t]);
  for (const auto& c : spec_.local_cells[t]) {
    const std::uint32_t v = read_cell(out + c.offset, c.width);
    if (v != 0 && v - 1 < in_class_.size() && in_class_[v - 1])
      std::memset(out + c.offset, 0xFF, c.width);  // never a thread value: at most 254 threads
  }
}

void Canonicaliser::apply(const std::uint8_t* in, std::uint8_t* out,
                          const std::vector<unsigned>& perm, std::vector<unsigned>& rename) const {
  std::memcpy(out, in, size_);
  const unsigned n = spec_.threads();
  rename.resize(n + 1);
  rename[0] = 0;
  for (unsigned t = 0; t < n; ++t) rename[t + 1] = perm[t] + 1;
  for (unsigned t = 0; t < n; ++t)
    if (perm[t] != t)
      std::memcpy(out + spec_.block_offset[perm[t]], in + spec_.block_offset[t],
                  spec_.block_sizes[t]);
  for (const auto& c : spec_.global_cells) rewrite(out + c.offset, c.width, rename);
  for (unsigned t = 0; t < n; ++t)
    for (const auto& c : spec_.local_cells[t])
      rewrite(out + spec_.block_offset[t] + c.offset, c.width, rename);
}

void Canonicaliser::canonicalise(const std::uint8_t* in, std::uint8_t* out, Scratch& sc,
                                 std::vector<unsigned>* perm_out) const {
  if (spec_.frames.empty())
    canonicalise_threads(in, out, sc, perm_out);
  else
    canonicalise_frames(in, out, sc, perm_out);
}

void Canonicaliser::canonicalise_threads(const std::uint8_t* in, std::uint8_t* out, Scratch& sc,
                                         std::vector<unsigned>* perm_out) const {
  const unsigned n = spec_.threads();
  const std::vector<std::size_t>& key_at = key_at_;
  sc.keys.resize(std::max<std::size_t>(1, key_bytes_));
  for (const auto& cls : spec_.classes)
    for (unsigned t : cls) key(in, t, sc.keys.data() + key_at[t]);

  // Each class sorted by (key, thread id); `order` holds the classes one after another.
  auto& runs = sc.runs;
  runs.clear();
  sc.order.clear();
  std::size_t candidates = 1;
  for (const auto& cls : spec_.classes) {
    const std::size_t base = sc.order.size();
    sc.order.insert(sc.order.end(), cls.begin(), cls.end());
    const std::size_t bs = spec_.block_sizes[cls[0]];
    auto less = [&](unsigned a, unsigned b) {
      const int c = std::memcmp(sc.keys.data() + key_at[a], sc.keys.data() + key_at[b], bs);
      return c != 0 ? c < 0 : a < b;
    };
    std::sort(sc.order.begin() + static_cast<std::ptrdiff_t>(base), sc.order.end(), less);
    for (std::size_t i = base; i < sc.order.size();) {
      std::size_t j = i + 1;
      while (j < sc.order.size() &&
             std::memcmp(sc.keys.data() + key_at[sc.order[i]],
                         sc.keys.data() + key_at[sc.order[j]], bs) == 0)
        ++j;
      if (j - i > 1) {
        runs.push_back({i, j});
        candidates *= factorial_capped(j - i, kMaxCandidates);
        candidates = std::min(candidates, kMaxCandidates + 1);
      }
      i = j;
    }
  }
  // Too many ties: the first candidate only (a heuristic representative, still an image of `in`).
  if (candidates > kMaxCandidates) runs.clear();

  // perm[t] for the current `order`: the j-th sorted thread of a class takes the class's j-th id.
  auto make_perm = [&](std::vector<unsigned>& perm) {
    perm.resize(n);
    std::iota(perm.begin(), perm.end(), 0u);
    std::size_t at = 0;
    for (const auto& cls : spec_.classes)
      for (unsigned slot : cls) perm[sc.order[at++]] = slot;
  };
  make_perm(sc.best_perm);
  apply(in, out, sc.best_perm, sc.rename);
  sc.candidate.resize(size_);
  for (;;) {
    // Next combination of tie orders (odometer over the runs; each wraps to ascending).
    std::size_t r = 0;
    for (; r < runs.size(); ++r)
      if (std::next_permutation(sc.order.begin() + static_cast<std::ptrdiff_t>(runs[r].first),
                                sc.order.begin() + static_cast<std::ptrdiff_t>(runs[r].second)))
        break;
    if (r == runs.size()) break;
    make_perm(sc.perm);
    apply(in, sc.candidate.data(), sc.perm, sc.rename);
    if (std::memcmp(sc.candidate.data(), out, size_) < 0) {
      std::memcpy(out, sc.candidate.data(), size_);
      sc.best_perm = sc.perm;
    }
  }
  if (perm_out != nullptr) *perm_out = sc.best_perm;
}

// Why this is still one representative per orbit of the product group (within the caps): an
// element key does not depend on the names of class threads (their thread cells masked) nor on the names of movable
// elements (frame_symmetry.hpp), so for τ = θ∘φ (threads θ, elements φ; they commute) the
// orders sorting τ(s)'s elements are {ψ∘φ⁻¹ : ψ sorts s}, their images of τ(s) are θ(ψ(s)),
// and the thread-canonical form of θ(ψ(s)) is that of ψ(s): the same candidate set, the same
// least element.
void Canonicaliser::canonicalise_frames(const std::uint8_t* in, std::uint8_t* out, Scratch& sc,
                                        std::vector<unsigned>* perm_out) const {
  const auto& pools = spec_.frames.pools;
  sc.fkeys.clear();
  sc.fkey_at.clear();
  sc.forder.resize(pools.size());
  sc.fruns.clear();
  sc.fperm.resize(pools.size());
  std::size_t candidates = 1;
  for (std::size_t p = 0; p < pools.size(); ++p) {
    const auto& pool = pools[p];
    const std::size_t ks = frames_.key_size(static_cast<unsigned>(p));
    // fkey_at is indexed by the element's position in pool.movable.
    const std::size_t first = sc.fkey_at.size();
    for (unsigned u : pool.movable) {
      sc.fkey_at.push_back(sc.fkeys.size());
      frames_.key(in, static_cast<unsigned>(p), u, sc.fkeys);
    }
    std::vector<unsigned>& order = sc.forder[p];
    order.resize(pool.movable.size());
    std::iota(order.begin(), order.end(), 0u);  // positions in pool.movable
    auto key_of = [&](unsigned pos) { return sc.fkeys.data() + sc.fkey_at[first + pos]; };
    std::sort(order.begin(), order.end(), [&](unsigned a, unsigned b) {
      const int c = std::memcmp(key_of(a), key_of(b), ks);
      return c != 0 ? c < 0 : a < b;
    });
    for (std::size_t i = 0; i < order.size();) {
      std::size_t j = i + 1;
      while (j < order.size() && std::memcmp(key_of(order[i]), key_of(order[j]), ks) == 0) ++j;
      if (j - i > 1) {
        sc.fruns.push_back({p, {i, j}});
        candidates *= factorial_capped(j - i, kMaxCandidates);
        candidates = std::min(candidates, kMaxCandidates + 1);
      }
      i = j;
    }
  }
  // Too many ties: the first order only (a heuristic representative, still an image of `in`).
  if (candidates > kMaxCandidates) sc.fruns.clear();

  // The j-th sorted movable unit of a pool takes the pool's j-th movable place.
  auto make_perm = [&]() {
    for (std::size_t p = 0; p < pools.size(); ++p) {
      auto& perm = sc.fperm[p];
      perm.resize(pools[p].units());
      std::iota(perm.begin(), perm.end(), 0u);
      const auto& mv = pools[p].movable;
      for (std::size_t j = 0; j < mv.size(); ++j) perm[mv[sc.forder[p][j]]] = mv[j];
    }
  };
  sc.framed.resize(size_);
  sc.fcand.resize(size_);
  bool first = true;
  for (;;) {
    make_perm();
    frames_.apply(in, sc.framed.data(), sc.fperm, sc.frename);
    canonicalise_threads(sc.framed.data(), first ? out : sc.fcand.data(), sc, &sc.tperm);
    if (first) {
      if (perm_out != nullptr) *perm_out = sc.tperm;
      first = false;
    } else if (std::memcmp(sc.fcand.data(), out, size_) < 0) {
      std::memcpy(out, sc.fcand.data(), size_);
      if (perm_out != nullptr) *perm_out = sc.tperm;
    }
    // Next combination of tie orders (odometer over the runs; each wraps to ascending).
    std::size_t r = 0;
    for (; r < sc.fruns.size(); ++r) {
      auto& order = sc.forder[sc.fruns[r].first];
      const auto [b, e] = sc.fruns[r].second;
      if (std::next_permutation(order.begin() + static_cast<std::ptrdiff_t>(b),
                                order.begin() + static_cast<std::ptrdiff_t>(e)))
        break;
    }
    if (r == sc.fruns.size()) break;
  }
}

}  // namespace pcmc::checker
