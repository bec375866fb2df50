// Static footprints (footprint.hpp): each instruction's own accesses, then a backward fixpoint
// over each thread's control-flow graph, future(pc) = own(pc) ∪ future(every successor of pc).
#include "model/footprint.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace pcmc::model {

namespace {

using Bits = std::vector<std::uint64_t>;

class Collector {
 public:
  // `precise_reads` / `precise_writes` (may be null): also mark there the bytes of accesses
  // that name one place (footprint.hpp).
  Collector(const Program& p, Bits& reads, Bits& writes, Bits* precise_reads = nullptr,
            Bits* precise_writes = nullptr)
      : p_(p), reads_(reads), writes_(writes), preads_(precise_reads), pwrites_(precise_writes) {}

  // Everything evaluating expression `e` may read. `assertion`: guarded fields' guards too.
  void expr(ExprId e, bool assertion) {
    if (e < 0) return;
    const ENode& n = p_.exprs.at(static_cast<std::size_t>(e));
    switch (n.op) {
      case EOp::Const:
      case EOp::Current:
      case EOp::Self: return;
      case EOp::Load:
        address(n.a, assertion);
        cells(n.a, n.scalar.width, reads_, preads_);
        return;
      default:
        expr(n.a, assertion);
        expr(n.b, assertion);
        expr(n.c, assertion);
    }
  }

  // What computing address `a` may read (index and pointer expressions, guards).
  void address(AddrId a, bool assertion) {
    const ANode& n = p_.addrs.at(static_cast<std::size_t>(a));
    switch (n.op) {
      case AOp::Global:
      case AOp::Local: return;
      case AOp::Index:
        address(n.base, assertion);
        expr(n.index, assertion);
        return;
      case AOp::Deref:
        expr(n.index, assertion);
        if (assertion && n.guard >= 0) expr(n.guard, false);
        return;
    }
  }

  // Marks every globals byte the scalar at address `a` (width bytes) may occupy.
  // `precise` (may be null): the same bytes, when the address names one place.
  void cells(AddrId a, std::uint8_t width, Bits& out, Bits* precise) {
    starts_.clear();
    bool widened = false;
    starts(a, starts_, widened);
    for (const std::uint32_t s : starts_)
      for (std::uint32_t b = s; b < s + width && b < p_.globals_size; ++b) {
        out[b / 64] |= std::uint64_t{1} << (b % 64);
        if (precise != nullptr && !widened) (*precise)[b / 64] |= std::uint64_t{1} << (b % 64);
      }
  }

  void write(AddrId a, std::uint8_t width) { cells(a, width, writes_, pwrites_); }

  // Every start offset address `a` may name (none for a thread-local address).
  void places(AddrId a, std::vector<std::uint32_t>& out) {
    bool widened = false;
    starts(a, out, widened);
  }

 private:
  // Possible start offsets of address `a` (none for thread-local addresses); `widened` is set
  // when an index or a pointer stands for more than one place.
  void starts(AddrId a, std::vector<std::uint32_t>& out, bool& widened) {
    const ANode& n = p_.addrs.at(static_cast<std::size_t>(a));
    if (n.local) return;
    switch (n.op) {
      case AOp::Global: out.push_back(n.offset); return;
      case AOp::Local: return;
      case AOp::Index: {
        std::vector<std::uint32_t> base;
        starts(n.base, base, widened);
        widened |= n.count > 1;
        for (const std::uint32_t b : base)
          for (std::uint32_t k = 0; k < n.count; ++k) out.push_back(b + n.offset + k * n.stride);
        return;
      }
      case AOp::Deref:
        widened |= n.count > 1;
        for (std::uint32_t k = 0; k < n.count; ++k) out.push_back(n.offset + k * n.stride);
        return;
    }
  }

  const Program& p_;
  Bits& reads_;
  Bits& writes_;
  Bits* preads_;
  Bits* pwrites_;
  std::vector<std::uint32_t> starts_;
};

// The accesses of one instruction, as the executor performs them (exec.cpp, Stepper::run).
void own(const Program& p, const Instr& ins, bool debug_vm, Bits& reads, Bits& writes,
         Bits& precise_reads, Bits& precise_writes) {
  Collector c(p, reads, writes, &precise_reads, &precise_writes);
  switch (ins.op) {
    case IOp::Assign:
      c.expr(ins.b, false);
      c.address(ins.a, false);
      c.write(ins.a, ins.scalar.width);
      return;
    case IOp::JumpIfNot:
    case IOp::Await: c.expr(ins.b, false); return;
    case IOp::Choose:
      c.address(ins.a, false);
      c.write(ins.a, ins.scalar.width);
      return;
    case IOp::Assert: {
      const bool evaluated =
          p.asserts.at(ins.site).cls != AssertClass::Debug || debug_vm;
      if (evaluated) c.expr(ins.b, true);
      if (ins.a >= 0) {
        c.address(ins.a, false);
        c.write(ins.a, ins.scalar.width ? ins.scalar.width : 1);
      }
      return;
    }
    case IOp::Jump:
    case IOp::AtomicBegin:
    case IOp::Fence:
    case IOp::Nop:
    case IOp::Clear:
    case IOp::Halt: return;
  }
}

bool or_into(std::uint64_t* dst, const std::uint64_t* src, std::size_t words) {
  bool changed = false;
  for (std::size_t w = 0; w < words; ++w) {
    const std::uint64_t v = dst[w] | src[w];
    changed |= v != dst[w];
    dst[w] = v;
  }
  return changed;
}

// Backward fixpoint over `th`'s control-flow graph: a pc's future includes its successors'
// futures. Iterating from the end converges in one pass for straight-line code; loops (backward
// jumps) need a few more.
// `stop` (may be null): pcs that do not take their successors' futures (lock barriers).
void propagate(const Thread& th, std::size_t words, const std::vector<Bits*>& sets,
               const std::vector<bool>* stop) {
  const std::size_t n = th.code.size();
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t pc = n; pc-- > 0;) {
      if (stop != nullptr && (*stop)[pc]) continue;
      const Instr& ins = th.code[pc];
      std::uint32_t succ[2];
      int count = 0;
      switch (ins.op) {
        case IOp::Halt: break;
        case IOp::Jump: succ[count++] = ins.target; break;
        case IOp::JumpIfNot:
          succ[count++] = static_cast<std::uint32_t>(pc + 1);
          succ[count++] = ins.target;
          break;
        default: succ[count++] = static_cast<std::uint32_t>(pc + 1);
      }
      for (int k = 0; k < count; ++k) {
        if (succ[k] >= n) throw std::logic_error("footprint: jump out of " + th.name + "'s code");
        for (Bits* b : sets)
          changed |= or_into(&(*b)[pc * words], &(*b)[std::size_t{succ[k]} * words], words);
      }
    }
  }
}

// The pcs of `th` that lie on a cycle of its control-flow graph: the members of strongly
// connected components with more than one pc or a jump to themselves (iterative Tarjan).
std::vector<bool> cyclic_pcs(const Thread& th) {
  const std::size_t n = th.code.size();
  const auto succ = [&](std::size_t pc, std::uint32_t out[2]) {
    const Instr& ins = th.code[pc];
    int count = 0;
    if (ins.op == IOp::Jump) out[count++] = ins.target;
    else if (ins.op != IOp::Halt) out[count++] = static_cast<std::uint32_t>(pc + 1);
    if (ins.op == IOp::JumpIfNot) out[count++] = ins.target;
    int kept = 0;
    for (int k = 0; k < count; ++k)
      if (out[k] < n) out[kept++] = out[k];
    return kept;
  };
  std::vector<bool> cyclic(n, false), on_stack(n, false);
  std::vector<std::uint32_t> index(n, 0), low(n, 0), stack;
  std::vector<std::pair<std::uint32_t, int>> frames;  // pc, next successor to visit
  std::uint32_t counter = 0;
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] != 0) continue;
    frames.push_back({static_cast<std::uint32_t>(root), 0});
    index[root] = low[root] = ++counter;
    stack.push_back(static_cast<std::uint32_t>(root));
    on_stack[root] = true;
    while (!frames.empty()) {
      auto& [v, next] = frames.back();
      std::uint32_t out[2];
      const int count = succ(v, out);
      if (next < count) {
        const std::uint32_t w = out[next++];
        if (w == v) cyclic[v] = true;
        if (index[w] == 0) {
          index[w] = low[w] = ++counter;
          stack.push_back(w);
          on_stack[w] = true;
          frames.push_back({w, 0});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      const std::uint32_t done = v;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().first] = std::min(low[frames.back().first], low[done]);
      if (low[done] != index[done]) continue;
      std::size_t pos = stack.size();
      while (stack[--pos] != done) {
      }
      const bool big = stack.size() - pos > 1;
      for (std::size_t i = pos; i < stack.size(); ++i) {
        on_stack[stack[i]] = false;
        if (big) cyclic[stack[i]] = true;
      }
      stack.resize(pos);
    }
  }
  return cyclic;
}

void propagate(const Thread& th, std::size_t words, Bits& reads, Bits& writes) {
  propagate(th, words, {&reads, &writes}, nullptr);
}

// The lock conjuncts of an await condition `e` (footprint.hpp): conjuncts of && that compare a
// thread_t load of the globals block with NO_THREAD (the constant 0), either operand order.
void lock_conjuncts(const Program& p, ExprId e,
                    std::vector<std::vector<StaticFootprints::LockWord>>& out) {
  if (e < 0) return;
  const ENode& n = p.exprs.at(static_cast<std::size_t>(e));
  if (n.op == EOp::LAnd) {
    lock_conjuncts(p, n.a, out);
    lock_conjuncts(p, n.b, out);
    return;
  }
  if (n.op != EOp::Eq || n.a < 0 || n.b < 0) return;
  const ENode* x = &p.exprs.at(static_cast<std::size_t>(n.a));
  const ENode* y = &p.exprs.at(static_cast<std::size_t>(n.b));
  if (x->op == EOp::Const) std::swap(x, y);
  if (x->op != EOp::Load || y->op != EOp::Const || y->value != 0) return;
  if (x->scalar.kind != ScalarKind::Thread) return;
  Bits r, w;
  Collector c(p, r, w);
  std::vector<std::uint32_t> starts;
  c.places(x->a, starts);
  if (starts.empty()) return;  // thread-local: not a lock
  std::vector<StaticFootprints::LockWord> words;
  for (const std::uint32_t s : starts) {
    if (std::uint64_t{s} + x->scalar.width > p.globals_size) return;
    words.push_back({s, x->scalar.width});
  }
  out.push_back(std::move(words));
}

}  // namespace

StaticFootprints::StaticFootprints(const Program& program, bool debug_vm)
    : words_(std::max<std::size_t>(1, (program.globals_size + 63) / 64)) {
  for (const Thread& th : program.threads) {
    const std::size_t n = th.code.size();
    Bits reads(n * words_, 0), writes(n * words_, 0);
    Bits preads(n * words_, 0), pwrites(n * words_, 0);
    for (std::size_t pc = 0; pc < n; ++pc) {
      Bits r(words_, 0), w(words_, 0), pr(words_, 0), pw(words_, 0);
      own(program, th.code[pc], debug_vm, r, w, pr, pw);
      or_into(&reads[pc * words_], r.data(), words_);
      or_into(&writes[pc * words_], w.data(), words_);
      or_into(&preads[pc * words_], pr.data(), words_);
      or_into(&pwrites[pc * words_], pw.data(), words_);
    }
    // One step from a pc: through the first yielding instruction it reaches and the
    // non-yielding ones after that. inner(q) = own(q) plus inner(successors) for a non-yielding
    // q, nothing for a yielding one; step(p) = own(p) plus inner(successors) for a yielding p,
    // own(p) plus step(successors) for a non-yielding one.
    {
      std::vector<bool> yields(n, false);
      Bits ir(n * words_, 0), iw(n * words_, 0), ic(n, 0);  // ic: a Choose in it (one word)
      Bits sc(n, 0);
      for (std::size_t pc = 0; pc < n; ++pc) {
        yields[pc] = th.code[pc].yields;
        sc[pc] = th.code[pc].op == IOp::Choose ? 1 : 0;
        if (yields[pc]) continue;
        ic[pc] = sc[pc];
        or_into(&ir[pc * words_], &reads[pc * words_], words_);
        or_into(&iw[pc * words_], &writes[pc * words_], words_);
      }
      propagate(th, words_, {&ir, &iw}, &yields);
      propagate(th, 1, {&ic}, &yields);
      Bits sr(reads), sw(writes);  // own accesses (before the futures' propagation below)
      for (std::size_t pc = 0; pc < n; ++pc) {
        if (!yields[pc]) continue;
        const Instr& ins = th.code[pc];
        std::uint32_t succ[2];
        int count = 0;
        if (ins.op == IOp::Jump) succ[count++] = ins.target;
        else if (ins.op == IOp::JumpIfNot) {
          succ[count++] = static_cast<std::uint32_t>(pc + 1);
          succ[count++] = ins.target;
        } else if (ins.op != IOp::Halt) succ[count++] = static_cast<std::uint32_t>(pc + 1);
        for (int k = 0; k < count; ++k) {
          if (succ[k] >= n) continue;
          or_into(&sr[pc * words_], &ir[std::size_t{succ[k]} * words_], words_);
          or_into(&sw[pc * words_], &iw[std::size_t{succ[k]} * words_], words_);
          sc[pc] |= ic[succ[k]];
        }
      }
      propagate(th, words_, {&sr, &sw}, &yields);
      propagate(th, 1, {&sc}, &yields);
      step_chooses_.emplace_back(sc.begin(), sc.end());
      step_reads_.push_back(std::move(sr));
      step_writes_.push_back(std::move(sw));
    }
    propagate(th, words_, reads, writes);
    propagate(th, words_, preads, pwrites);
    cyclic_.push_back(cyclic_pcs(th));

    // Lock barriers, stop futures and stop sites.
    std::vector<Barrier> bars;
    std::vector<bool> stop(n, false);
    for (std::size_t pc = 0; pc < n; ++pc) {
      const Instr& ins = th.code[pc];
      if (ins.op != IOp::Await || pc + 1 >= n) continue;
      Barrier b{static_cast<std::uint32_t>(pc), {}};
      lock_conjuncts(program, ins.b, b.conjuncts);
      if (b.conjuncts.empty()) continue;
      stop[pc] = true;
      bars.push_back(std::move(b));
    }
    const std::size_t sw = std::max<std::size_t>(1, (bars.size() + 63) / 64);
    Bits sreads(n * words_, 0), swrites(n * words_, 0), sites(n * sw, 0);
    for (std::size_t pc = 0; pc < n; ++pc) {
      Bits r(words_, 0), w(words_, 0), pr(words_, 0), pw(words_, 0);
      own(program, th.code[pc], debug_vm, r, w, pr, pw);
      or_into(&sreads[pc * words_], r.data(), words_);
      or_into(&swrites[pc * words_], w.data(), words_);
    }
    for (std::size_t i = 0; i < bars.size(); ++i)
      sites[std::size_t{bars[i].pc} * sw + i / 64] |= std::uint64_t{1} << (i % 64);
    propagate(th, words_, {&sreads, &swrites}, &stop);
    propagate(th, sw, {&sites}, &stop);
    barriers_.push_back(std::move(bars));
    stop_reads_.push_back(std::move(sreads));
    stop_writes_.push_back(std::move(swrites));
    site_words_.push_back(sw);
    stop_sites_.push_back(std::move(sites));
    reads_.push_back(std::move(reads));
    writes_.push_back(std::move(writes));
    precise_reads_.push_back(std::move(preads));
    precise_writes_.push_back(std::move(pwrites));
  }
  invariant_reads_.assign(words_, 0);
  Bits unused(words_, 0);
  Collector c(program, invariant_reads_, unused);
  for (const NamedCond& inv : program.invariants) c.expr(inv.cond, false);
}

}  // namespace pcmc::model
