// Static footprints (footprint.hpp): each instruction's own accesses, then a backward fixpoint
// over each thread's control-flow graph, future(pc) = own(pc) ∪ future(every successor of pc).
#include "model/footprint.hpp"

#include "model/footprint_walk.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace pcmc::model {

namespace {

using walk::Bits;
using walk::or_into;
using walk::own;
using walk::propagate;

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
      std::vector<walk::LockConjunct> conjs;
      walk::lock_conjuncts(program, ins.b, conjs);
      for (const walk::LockConjunct& c : conjs) {
        b.conjuncts.emplace_back();
        for (const auto& [offset, width] : c.places) b.conjuncts.back().push_back({offset, width});
      }
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
  walk::Collector c(program, invariant_reads_, unused);
  for (const NamedCond& inv : program.invariants) c.expr(inv.cond, false);
}

}  // namespace pcmc::model
