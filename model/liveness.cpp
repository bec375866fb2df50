// Dead locals (liveness.hpp): each instruction's reads, kills and writes of its thread's area,
// then a backward fixpoint (live) and a forward one (maybe set) over each thread's control-flow
// graph, as model/footprint.cpp walks it.
#include "model/liveness.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace pcmc::model {

namespace {

using Bits = std::vector<std::uint64_t>;

void set_range(std::uint64_t* b, std::uint32_t from, std::uint32_t to) {
  for (std::uint32_t i = from; i < to; ++i) b[i / 64] |= std::uint64_t{1} << (i % 64);
}

// One instruction's effect on its thread's area: gen (read before any write of the
// instruction), kill (surely overwritten), write (possibly written), clear (zeroed by Clear).
class Effects {
 public:
  Effects(const Program& p, std::uint32_t area) : p_(p), area_(area) {}

  void of(const Instr& ins, std::uint64_t* gen, std::uint64_t* kill, std::uint64_t* write,
          std::uint64_t* clear) {
    gen_ = gen;
    switch (ins.op) {
      case IOp::Assign:
        expr(ins.b);
        address(ins.a);
        store(ins.a, ins.scalar.width, kill, write);
        return;
      case IOp::JumpIfNot:
      case IOp::Await: expr(ins.b); return;
      case IOp::Choose:
        address(ins.a);
        store(ins.a, ins.scalar.width, kill, write);
        return;
      case IOp::Assert:
        // Read even when a Debug-class assertion is compiled out at run time (conservative).
        expr(ins.b);
        if (ins.a >= 0) {
          address(ins.a);
          store(ins.a, ins.scalar.width ? ins.scalar.width : 1, kill, write);
        }
        return;
      case IOp::Clear:
        if (ins.offset + ins.len > area_) throw std::logic_error("liveness: Clear past the area");
        set_range(kill, ins.offset, ins.offset + ins.len);
        set_range(clear, ins.offset, ins.offset + ins.len);
        return;
      case IOp::Jump:
      case IOp::AtomicBegin:
      case IOp::Fence:  // a barrier reads and writes no local (the store buffer is not the area)
      case IOp::Nop:
      case IOp::Halt: return;
    }
  }

 private:
  void expr(ExprId e) {
    if (e < 0) return;
    const ENode& n = p_.exprs.at(static_cast<std::size_t>(e));
    switch (n.op) {
      case EOp::Const:
      case EOp::Current:
      case EOp::Self: return;
      case EOp::Load: {
        address(n.a);
        std::uint32_t lo = 0, hi = 0;
        if (span(n.a, lo, hi)) set_range(gen_, lo, end(hi, n.scalar.width));
        return;
      }
      default:
        expr(n.a);
        expr(n.b);
        expr(n.c);
    }
  }

  // The reads of computing address `a` (indexes, pointers, guards).
  void address(AddrId a) {
    const ANode& n = p_.addrs.at(static_cast<std::size_t>(a));
    switch (n.op) {
      case AOp::Global:
      case AOp::Local: return;
      case AOp::Index:
        address(n.base);
        expr(n.index);
        return;
      case AOp::Deref:
        expr(n.index);
        expr(n.guard);
        return;
    }
  }

  void store(AddrId a, std::uint8_t width, std::uint64_t* kill, std::uint64_t* write) {
    std::uint32_t lo = 0, hi = 0;
    if (!span(a, lo, hi)) return;
    set_range(write, lo, end(hi, width));
    if (lo == hi) set_range(kill, lo, end(lo, width));
  }

  std::uint32_t end(std::uint32_t start, std::uint8_t width) const {
    const std::uint32_t e = start + width;
    if (e > area_) throw std::logic_error("liveness: a local access past the thread area");
    return e;
  }

  // The first and last start offset (area-relative) address `a` may name; false for an address
  // outside the thread area. A computed index spans the whole array.
  bool span(AddrId a, std::uint32_t& lo, std::uint32_t& hi) const {
    const ANode& n = p_.addrs.at(static_cast<std::size_t>(a));
    if (!n.local) return false;
    switch (n.op) {
      case AOp::Local: lo = hi = n.offset; return true;
      case AOp::Index: {
        if (!span(n.base, lo, hi) || n.count == 0)
          throw std::logic_error("liveness: a local index without a local array");
        const ENode& k = p_.exprs.at(static_cast<std::size_t>(n.index));
        if (k.op == EOp::Const && k.value >= 0 && k.value < static_cast<std::int64_t>(n.count)) {
          lo += n.offset + static_cast<std::uint32_t>(k.value) * n.stride;
          hi += n.offset + static_cast<std::uint32_t>(k.value) * n.stride;
        } else {
          lo += n.offset;
          hi += n.offset + (n.count - 1) * n.stride;
        }
        return true;
      }
      case AOp::Global:
      case AOp::Deref: break;
    }
    throw std::logic_error("liveness: a thread-local address of a global kind");
  }

  const Program& p_;
  std::uint32_t area_;
  std::uint64_t* gen_ = nullptr;
};

int successors(const Instr& ins, std::size_t pc, std::uint32_t (&succ)[2]) {
  switch (ins.op) {
    case IOp::Halt: return 0;
    case IOp::Jump: succ[0] = ins.target; return 1;
    case IOp::JumpIfNot:
      succ[0] = static_cast<std::uint32_t>(pc + 1);
      succ[1] = ins.target;
      return 2;
    default: succ[0] = static_cast<std::uint32_t>(pc + 1); return 1;
  }
}

}  // namespace

DeadLocals::DeadLocals(const Program& program) {
  for (const Thread& th : program.threads) {
    const std::size_t n = th.code.size();
    const std::size_t words = std::max<std::size_t>(1, (th.area_size + 63) / 64);
    Bits gen(n * words, 0), kill(n * words, 0), write(n * words, 0), clear(n * words, 0);
    Effects fx(program, th.area_size);
    for (std::size_t pc = 0; pc < n; ++pc)
      fx.of(th.code[pc], &gen[pc * words], &kill[pc * words], &write[pc * words],
            &clear[pc * words]);
    for (std::size_t pc = 0; pc < n; ++pc) {
      std::uint32_t succ[2];
      const int c = successors(th.code[pc], pc, succ);
      for (int k = 0; k < c; ++k)
        if (succ[k] >= n) throw std::logic_error("liveness: jump out of " + th.name + "'s code");
    }
    // live(pc) = gen(pc) | (∪ live(succ) & ~kill(pc)): backward, from the end.
    Bits live = gen;
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t pc = n; pc-- > 0;) {
        std::uint32_t succ[2];
        const int c = successors(th.code[pc], pc, succ);
        for (std::size_t w = 0; w < words; ++w) {
          std::uint64_t out = 0;
          for (int k = 0; k < c; ++k) out |= live[succ[k] * words + w];
          const std::uint64_t v = live[pc * words + w] | (out & ~kill[pc * words + w]);
          changed |= v != live[pc * words + w];
          live[pc * words + w] = v;
        }
      }
    }
    // set_in(succ) ⊇ (set_in(pc) | write(pc)) & ~clear(pc): forward, from pc 0 (all zero).
    Bits set_in(n * words, 0);
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t pc = 0; pc < n; ++pc) {
        std::uint32_t succ[2];
        const int c = successors(th.code[pc], pc, succ);
        for (std::size_t w = 0; w < words; ++w) {
          const std::uint64_t out =
              (set_in[pc * words + w] | write[pc * words + w]) & ~clear[pc * words + w];
          for (int k = 0; k < c; ++k) {
            std::uint64_t& in = set_in[succ[k] * words + w];
            changed |= (in | out) != in;
            in |= out;
          }
        }
      }
    }
    Table t;
    t.first.assign(n + 1, 0);
    for (std::size_t pc = 0; pc < n; ++pc) {
      t.first[pc] = static_cast<std::uint32_t>(t.ranges.size());
      if (!th.code[pc].yields) continue;  // a step stops only before a yielding instruction
      auto dead = [&](std::uint32_t b) {
        return b >= kPcBytes &&
               (set_in[pc * words + b / 64] & ~live[pc * words + b / 64]) >> (b % 64) & 1;
      };
      for (std::uint32_t b = kPcBytes; b < th.area_size;) {
        if (!dead(b)) {
          ++b;
          continue;
        }
        std::uint32_t e = b;
        while (e < th.area_size && dead(e)) ++e;
        t.ranges.push_back({b, e - b});
        total_ += e - b;
        b = e;
      }
    }
    t.first[n] = static_cast<std::uint32_t>(t.ranges.size());
    threads_.push_back(std::move(t));
  }
}

std::vector<DeadLocalStat> dead_local_stats(const Program& program, const DeadLocals& dead) {
  std::vector<DeadLocalStat> out;
  for (std::size_t i = 0; i < program.symbols.size(); ++i) {
    const Symbol& s = program.symbols[i];
    if (s.thread < 0 || s.is_pc) continue;
    const Thread& th = program.threads.at(static_cast<std::size_t>(s.thread));
    const std::uint32_t off = s.offset - th.area_offset;
    DeadLocalStat st;
    st.symbol = static_cast<std::int32_t>(i);
    for (std::uint32_t pc = 0; pc < th.code.size(); ++pc) {
      const Instr& ins = th.code[pc];
      if (!ins.yields) continue;
      // Its frame is active at pc when pc's frame is it or one of its callees.
      bool active = false;
      for (std::int32_t f = ins.frame; f >= 0 && !active;
           f = program.frames.at(static_cast<std::size_t>(f)).parent)
        active = f == s.frame;
      if (!active) continue;
      ++st.stops;
      bool cleared = false;
      for (const DeadLocals::Range& r : dead.at(static_cast<unsigned>(s.thread), pc))
        cleared |= off < r.offset + r.len && r.offset < off + s.scalar.width;
      if (!cleared) continue;
      ++st.dead;
      if (st.where.size() < 3) st.where.push_back(ins.loc);
    }
    if (st.stops > 0) out.push_back(std::move(st));
  }
  return out;
}

}  // namespace pcmc::model
