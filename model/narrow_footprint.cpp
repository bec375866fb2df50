// Narrowed futures (narrow_footprint.hpp): each instruction's own accesses with the narrowable
// ones as keys, the transfer T_pc of each instruction on keys, then the backward fixpoint
// NF(pc) = own_keys(pc) ∪ T_pc(∪ NF(successors)) per region, killed keys widened into the
// region's static part at the pc that kills them.
#include "model/narrow_footprint.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

#include "model/footprint_walk.hpp"

namespace pcmc::model {

namespace {

using walk::Bits;
using Key = NarrowFootprints::Key;
using Kind = NarrowFootprints::Kind;

// What instruction pc does to the thread area (the keys' origins).
struct Transfer {
  bool copy = false;                  // Assign of local [dst, dst + width) from local src
  bool constant = false;              // Assign of local [dst, dst + width) from a constant
  std::int64_t value = 0;             // that constant
  std::uint32_t dst = 0, src = 0;
  std::uint8_t width = 0;
  bool all = false;                   // may write anywhere in the area (unknown local address)
  std::uint32_t lo = 0, hi = 0;       // the bytes it may write, [lo, hi) (lo == hi: none)
};

// The least and greatest start offset of a thread-local address (relative to the area);
// false when it cannot say.
bool local_starts(const Program& p, AddrId a, std::uint32_t& lo, std::uint32_t& hi) {
  const ANode& n = p.addrs.at(static_cast<std::size_t>(a));
  if (n.op == AOp::Local) {
    lo = hi = n.offset;
    return true;
  }
  if (n.op != AOp::Index || !local_starts(p, n.base, lo, hi)) return false;
  lo += n.offset;
  hi += n.offset + (n.count > 0 ? (n.count - 1) * n.stride : 0);
  return true;
}

// The thread-area bytes an instruction's store to address `a` (width bytes) may write.
void local_write(const Program& p, AddrId a, std::uint8_t width, Transfer& t) {
  if (a < 0 || !p.addrs.at(static_cast<std::size_t>(a)).local) return;
  std::uint32_t lo = 0, hi = 0;
  if (!local_starts(p, a, lo, hi)) {
    t.all = true;
    return;
  }
  t.lo = lo;
  t.hi = hi + width;
}

Transfer transfer_of(const Program& p, const Instr& ins) {
  Transfer t;
  switch (ins.op) {
    case IOp::Assign: {
      local_write(p, ins.a, ins.scalar.width, t);
      const ANode& dst = p.addrs.at(static_cast<std::size_t>(ins.a));
      if (dst.op != AOp::Local || ins.b < 0) break;
      const ENode& e = p.exprs.at(static_cast<std::size_t>(ins.b));
      if (e.op == EOp::Const) {
        t.constant = true;
        t.value = e.value;
        t.dst = dst.offset;
        t.width = ins.scalar.width;
        break;
      }
      if (e.op != EOp::Load || e.a < 0 || e.scalar.width != ins.scalar.width) break;
      const ANode& src = p.addrs.at(static_cast<std::size_t>(e.a));
      if (src.op != AOp::Local) break;
      t.copy = true;
      t.dst = dst.offset;
      t.src = src.offset;
      t.width = ins.scalar.width;
      break;
    }
    case IOp::Choose: local_write(p, ins.a, ins.scalar.width, t); break;
    case IOp::Assert:
      if (ins.a >= 0) local_write(p, ins.a, ins.scalar.width ? ins.scalar.width : 1, t);
      break;
    case IOp::Clear:
      t.lo = ins.offset;
      t.hi = ins.offset + ins.len;
      break;
    default: break;
  }
  return t;
}

class Builder {
 public:
  Builder(const Program& p, const Thread& th, std::size_t words, NarrowFootprints::PerThread& out)
      : p_(p), th_(th), n_(th.code.size()), words_(words), out_(out) {
    for (std::size_t pc = 0; pc < n_; ++pc) transfers_.push_back(transfer_of(p, th.code[pc]));
  }

  std::uint32_t intern(const Key& k) {
    const auto t = std::make_tuple(k.origin, k.origin_width, k.width, static_cast<int>(k.kind),
                                   k.offset, k.stride, k.count, k.tag);
    const auto [it, added] = ids_.emplace(t, static_cast<std::uint32_t>(out_.keys.size()));
    if (added) out_.keys.push_back(k);
    return it->second;
  }

  // A region under construction: per pc, sorted key ids and the static bits.
  struct Work {
    std::vector<std::vector<std::uint32_t>> keys;
    Bits r, w, tags;
  };
  Work make() const {
    Work wk;
    wk.keys.resize(n_);
    wk.r.assign(n_ * words_, 0);
    wk.w.assign(n_ * words_, 0);
    wk.tags.assign(n_ * out_.tag_words, 0);
    return wk;
  }

  // T_pc applied to key `id`, the result added to pc's set (or, killed, widened into pc's
  // static part). Whether anything changed.
  bool pull(Work& wk, std::size_t pc, std::uint32_t id) {
    Key k = out_.keys[id];
    const Transfer& t = transfers_[pc];
    const std::uint32_t lo = k.origin, hi = k.origin + k.origin_width;
    bool kill = t.all || (t.lo < hi && lo < t.hi);
    if (t.copy && k.origin == t.dst && k.origin_width == t.width) {
      k.origin = t.src;
      kill = false;
      id = intern(k);
    }
    if (!kill) return insert(wk.keys[pc], id);
    // A constant stored into the origin (`bump(E0)`'s parameter): the access names that element.
    const bool known = t.constant && k.origin == t.dst && k.origin_width == t.width &&
                       t.value >= 1 && t.value <= static_cast<std::int64_t>(k.count);
    if (k.kind == Kind::Lock) {
      std::uint64_t& word = wk.tags[pc * out_.tag_words + k.tag / 64];
      const std::uint64_t bit = std::uint64_t{1} << (k.tag % 64);
      const bool changed = (word & bit) == 0;
      word |= bit;
      return changed;
    }
    Bits& bits = k.kind == Kind::Read ? wk.r : wk.w;
    bool changed = false;
    const std::uint32_t from = known ? static_cast<std::uint32_t>(t.value - 1) : 0;
    const std::uint32_t to = known ? from + 1 : k.count;
    for (std::uint32_t e = from; e < to; ++e)
      for (std::uint32_t b = k.offset + e * k.stride; b < k.offset + e * k.stride + k.width; ++b) {
        std::uint64_t& word = bits[pc * words_ + b / 64];
        const std::uint64_t bit = std::uint64_t{1} << (b % 64);
        changed |= (word & bit) == 0;
        word |= bit;
      }
    return changed;
  }

  // Everything of successor `s` into pc (the static part as is, keys through T_pc).
  bool pull_all(Work& wk, std::size_t pc, std::size_t s) {
    bool changed = walk::or_into(&wk.r[pc * words_], &wk.r[s * words_], words_);
    changed |= walk::or_into(&wk.w[pc * words_], &wk.w[s * words_], words_);
    changed |= walk::or_into(&wk.tags[pc * out_.tag_words], &wk.tags[s * out_.tag_words],
                             out_.tag_words);
    // Copy: pull() may insert into wk.keys[pc], which is wk.keys[s] on a self-loop.
    scratch_ = wk.keys[s];
    for (const std::uint32_t id : scratch_) changed |= pull(wk, pc, id);
    return changed;
  }

  // The backward fixpoint; `stop` pcs keep their seeds.
  void flow(Work& wk, const std::vector<bool>* stop) {
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t pc = n_; pc-- > 0;) {
        if (stop != nullptr && (*stop)[pc]) continue;
        std::uint32_t succ[2];
        const int count = walk::successors(th_, pc, succ);
        for (int i = 0; i < count; ++i) {
          if (succ[i] >= n_)
            throw std::logic_error("footprint: jump out of " + th_.name + "'s code");
          changed |= pull_all(wk, pc, succ[i]);
        }
      }
    }
  }

  void finish(Work& wk, NarrowFootprints::Region& out) const {
    out.r = std::move(wk.r);
    out.w = std::move(wk.w);
    out.tags = std::move(wk.tags);
    out.first.assign(1, 0);
    for (const auto& ks : wk.keys) {
      out.ids.insert(out.ids.end(), ks.begin(), ks.end());
      out.first.push_back(static_cast<std::uint32_t>(out.ids.size()));
    }
  }

  static bool insert(std::vector<std::uint32_t>& set, std::uint32_t id) {
    const auto it = std::lower_bound(set.begin(), set.end(), id);
    if (it != set.end() && *it == id) return false;
    set.insert(it, id);
    return true;
  }

  std::size_t size() const { return n_; }

 private:
  const Program& p_;
  const Thread& th_;
  std::size_t n_, words_;
  NarrowFootprints::PerThread& out_;
  std::vector<Transfer> transfers_;
  std::map<std::tuple<std::uint32_t, std::uint8_t, std::uint8_t, int, std::uint32_t,
                      std::uint32_t, std::uint32_t, std::uint32_t>,
           std::uint32_t>
      ids_;
  std::vector<std::uint32_t> scratch_;
};

}  // namespace

NarrowFootprints::NarrowFootprints(const Program& program, const StaticFootprints& wide,
                                   bool debug_vm)
    : words_(wide.words()) {
  threads_.resize(program.threads.size());
  for (unsigned t = 0; t < program.threads.size(); ++t) {
    const Thread& th = program.threads[t];
    PerThread& pt = threads_[t];
    // Lock tags: the narrowable conjuncts of the barriers (StaticFootprints' order).
    const auto& bars = wide.barriers(t);
    std::vector<std::vector<walk::LockConjunct>> conjs(bars.size());
    for (std::size_t b = 0; b < bars.size(); ++b) {
      walk::lock_conjuncts(program, th.code.at(bars[b].pc).b, conjs[b]);
      if (conjs[b].size() != bars[b].conjuncts.size())
        throw std::logic_error("narrow footprint: barrier conjuncts disagree");
      pt.tag_of.emplace_back(conjs[b].size(), -1);
      for (std::size_t j = 0; j < conjs[b].size(); ++j) {
        walk::NarrowAccess acc;
        if (!walk::narrowable(program, conjs[b][j].load, acc)) continue;
        pt.tag_of[b][j] = static_cast<std::int32_t>(pt.tags.size());
        pt.tags.push_back({static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(j)});
      }
    }
    pt.tag_words = std::max<std::size_t>(1, (pt.tags.size() + 63) / 64);
    Builder bld(program, th, words_, pt);
    const std::size_t n = bld.size();
    // Own accesses.
    Builder::Work own = bld.make();
    std::vector<walk::NarrowAccess> acc;
    Bits pr(words_, 0), pw(words_, 0);
    for (std::size_t pc = 0; pc < n; ++pc) {
      acc.clear();
      Bits r(words_, 0), w(words_, 0);
      walk::own(program, th.code[pc], debug_vm, r, w, pr, pw, &acc);
      walk::or_into(&own.r[pc * words_], r.data(), words_);
      walk::or_into(&own.w[pc * words_], w.data(), words_);
      for (const walk::NarrowAccess& a : acc) {
        Key k;
        k.origin = a.origin;
        k.origin_width = a.origin_width;
        k.width = a.width;
        k.kind = a.write ? Kind::Write : Kind::Read;
        k.offset = a.offset;
        k.stride = a.stride;
        k.count = a.count;
        Builder::insert(own.keys[pc], bld.intern(k));
      }
    }
    // Futures.
    Builder::Work fut = own;
    bld.flow(fut, nullptr);
    bld.finish(fut, pt.regions[0]);
    // Stop futures: barriers keep their own accesses and their lock keys.
    std::vector<bool> stop(n, false);
    Builder::Work st = own;
    for (std::size_t b = 0; b < bars.size(); ++b) {
      stop[bars[b].pc] = true;
      for (std::size_t j = 0; j < conjs[b].size(); ++j) {
        if (pt.tag_of[b][j] < 0) continue;
        walk::NarrowAccess a;
        walk::narrowable(program, conjs[b][j].load, a);
        Key k;
        k.origin = a.origin;
        k.origin_width = a.origin_width;
        k.width = conjs[b][j].places.front().second;
        k.kind = Kind::Lock;
        k.offset = a.offset;
        k.stride = a.stride;
        k.count = a.count;
        k.tag = static_cast<std::uint32_t>(pt.tag_of[b][j]);
        Builder::insert(st.keys[bars[b].pc], bld.intern(k));
      }
    }
    bld.flow(st, &stop);
    bld.finish(st, pt.regions[1]);
    // One step (footprint.cpp's step_reads): inner(q) = own(q) ∪ T_q(inner(successors)) for a
    // non-yielding q, nothing for a yielding one; step(p) = own(p) ∪ T_p(inner(successors)) for
    // a yielding p, own(p) ∪ T_p(step(successors)) for a non-yielding one.
    std::vector<bool> yields(n, false);
    Builder::Work inner = own;
    for (std::size_t pc = 0; pc < n; ++pc) {
      yields[pc] = th.code[pc].yields;
      if (!yields[pc]) continue;
      inner.keys[pc].clear();
      std::fill_n(&inner.r[pc * words_], words_, 0);
      std::fill_n(&inner.w[pc * words_], words_, 0);
    }
    bld.flow(inner, &yields);
    Builder::Work step = own;
    for (std::size_t pc = 0; pc < n; ++pc) {
      if (!yields[pc]) continue;
      std::uint32_t succ[2];
      const int count = walk::successors(th, pc, succ);
      for (int i = 0; i < count; ++i) {
        if (succ[i] >= n) continue;
        walk::or_into(&step.r[pc * words_], &inner.r[std::size_t{succ[i]} * words_], words_);
        walk::or_into(&step.w[pc * words_], &inner.w[std::size_t{succ[i]} * words_], words_);
        for (const std::uint32_t id : inner.keys[succ[i]]) bld.pull(step, pc, id);
      }
    }
    bld.flow(step, &yields);
    bld.finish(step, pt.regions[2]);
  }
}

}  // namespace pcmc::model
