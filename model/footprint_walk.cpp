// The shared walk of the static footprints (footprint_walk.hpp).
#include "model/footprint_walk.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace pcmc::model::walk {

bool narrowable(const Program& p, AddrId a, NarrowAccess& out) {
  if (a < 0) return false;
  const ANode& n = p.addrs.at(static_cast<std::size_t>(a));
  if (n.op != AOp::Deref || n.local || n.count <= 1 || n.index < 0) return false;
  const ENode& ref = p.exprs.at(static_cast<std::size_t>(n.index));
  if (ref.op != EOp::Load || ref.a < 0) return false;
  const ANode& l = p.addrs.at(static_cast<std::size_t>(ref.a));
  if (l.op != AOp::Local) return false;
  out.origin = l.offset;
  out.origin_width = ref.scalar.width;
  out.offset = n.offset;
  out.stride = n.stride;
  out.count = n.count;
  return true;
}

bool Collector::narrowed(AddrId a, std::uint8_t width, bool write) {
  if (narrow_ == nullptr) return false;
  NarrowAccess acc;
  if (!narrowable(p_, a, acc)) return false;
  acc.width = width;
  acc.write = write;
  narrow_->push_back(acc);
  return true;
}

void Collector::expr(ExprId e, bool assertion) {
  if (e < 0) return;
  const ENode& n = p_.exprs.at(static_cast<std::size_t>(e));
  switch (n.op) {
    case EOp::Const:
    case EOp::Current:
    case EOp::Self: return;
    case EOp::Load:
      address(n.a, assertion);
      if (!narrowed(n.a, n.scalar.width, false)) cells(n.a, n.scalar.width, reads_, preads_);
      return;
    default:
      expr(n.a, assertion);
      expr(n.b, assertion);
      expr(n.c, assertion);
  }
}

void Collector::address(AddrId a, bool assertion) {
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

void Collector::cells(AddrId a, std::uint8_t width, Bits& out, Bits* precise) {
  starts_.clear();
  bool widened = false;
  starts(a, starts_, widened);
  for (const std::uint32_t s : starts_)
    for (std::uint32_t b = s; b < s + width && b < p_.globals_size; ++b) {
      out[b / 64] |= std::uint64_t{1} << (b % 64);
      if (precise != nullptr && !widened) (*precise)[b / 64] |= std::uint64_t{1} << (b % 64);
    }
}

void Collector::write(AddrId a, std::uint8_t width) {
  if (!narrowed(a, width, true)) cells(a, width, writes_, pwrites_);
}

void Collector::places(AddrId a, std::vector<std::uint32_t>& out) {
  bool widened = false;
  starts(a, out, widened);
}

// Possible start offsets of address `a` (none for thread-local addresses); `widened` is set
// when an index or a pointer stands for more than one place.
void Collector::starts(AddrId a, std::vector<std::uint32_t>& out, bool& widened) {
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

void own(const Program& p, const Instr& ins, bool debug_vm, Bits& reads, Bits& writes,
         Bits& precise_reads, Bits& precise_writes, std::vector<NarrowAccess>* narrow) {
  Collector c(p, reads, writes, &precise_reads, &precise_writes, narrow);
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

int successors(const Thread& th, std::size_t pc, std::uint32_t out[2]) {
  const Instr& ins = th.code[pc];
  int count = 0;
  switch (ins.op) {
    case IOp::Halt: break;
    case IOp::Jump: out[count++] = ins.target; break;
    case IOp::JumpIfNot:
      out[count++] = static_cast<std::uint32_t>(pc + 1);
      out[count++] = ins.target;
      break;
    default: out[count++] = static_cast<std::uint32_t>(pc + 1);
  }
  return count;
}

// Iterating from the end converges in one pass for straight-line code; loops (backward jumps)
// need a few more.
void propagate(const Thread& th, std::size_t words, const std::vector<Bits*>& sets,
               const std::vector<bool>* stop) {
  const std::size_t n = th.code.size();
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t pc = n; pc-- > 0;) {
      if (stop != nullptr && (*stop)[pc]) continue;
      std::uint32_t succ[2];
      const int count = successors(th, pc, succ);
      for (int k = 0; k < count; ++k) {
        if (succ[k] >= n) throw std::logic_error("footprint: jump out of " + th.name + "'s code");
        for (Bits* b : sets)
          changed |= or_into(&(*b)[pc * words], &(*b)[std::size_t{succ[k]} * words], words);
      }
    }
  }
}

void lock_conjuncts(const Program& p, ExprId e, std::vector<LockConjunct>& out) {
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
  LockConjunct conj;
  conj.load = x->a;
  for (const std::uint32_t s : starts) {
    if (std::uint64_t{s} + x->scalar.width > p.globals_size) return;
    conj.places.push_back({s, x->scalar.width});
  }
  out.push_back(std::move(conj));
}

}  // namespace pcmc::model::walk
