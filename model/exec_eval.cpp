// The interpreter's expression evaluator (model/exec_eval.hpp): addresses, guards and
// expressions as a recursive switch over the flat node vectors of a Program. The step path
// (model/exec.cpp) calls it once per instruction operand.
#include "model/exec_eval.hpp"
#include "model/storebuf.h"

#include <stdexcept>

#include "model/arith.h"

namespace pcmc::model::interp {

std::uint32_t Eval::addr(AddrId id) {
  const ANode& a = p.addrs[static_cast<std::size_t>(id)];
  switch (a.op) {
    case AOp::Global: return a.offset;
    case AOp::Local: return area + a.offset;
    case AOp::Index: {
      std::uint32_t base = addr(a.base);
      std::int64_t i = expr(a.index);
      if (error) return 0;
      if (i < 0 || i >= static_cast<std::int64_t>(a.count)) {
        fail(ModelErrorKind::IndexBounds, i);
        return 0;
      }
      return base + a.offset + static_cast<std::uint32_t>(i) * a.stride;
    }
    case AOp::Deref: {
      std::int64_t r = expr(a.index);
      if (error) return 0;
      if (r == 0) {
        fail(ModelErrorKind::NullDeref);
        return 0;
      }
      if (r < 1 || r > static_cast<std::int64_t>(a.count)) {
        fail(ModelErrorKind::PoolBounds, r);
        return 0;
      }
      if (assertion && a.guard >= 0) check_guard(a, id, r);
      return a.offset + static_cast<std::uint32_t>(r - 1) * a.stride;
    }
  }
  throw std::logic_error("unknown address op");
}

void Eval::check_guard(const ANode& a, AddrId id, std::int64_t ref) {
  bool saved_mode = assertion;
  std::int64_t saved_self = self;
  assertion = false;  // the guard's own reads are not the assertion's
  self = ref;
  std::int64_t ok = expr(a.guard);
  assertion = saved_mode;
  self = saved_self;
  if (error || ok) return;
  for (const Event& e : *events)
    if (e.kind == Event::Discipline && e.site == site && e.addr == id) return;
  Event e;
  e.kind = Event::Discipline;
  e.thread = static_cast<std::uint16_t>(thread);
  e.site = site;
  e.pc = pc;
  e.addr = id;
  events->push_back(e);
}

std::int64_t Eval::expr(ExprId id) {
  const ENode& n = p.exprs[static_cast<std::size_t>(id)];
  switch (n.op) {
    case EOp::Const: return n.value;
    case EOp::Load: {
      std::uint32_t off = addr(n.a);
      if (error) return 0;
      if (access != nullptr) mark(access->reads, p.globals_size, off, n.scalar.width);
      if (std::int64_t v = 0; sb != nullptr && off < p.globals_size && pcmc_sb_lookup(sb, off, &v))
        return v;
      return Executor::load(s, off, n.scalar.width);
    }
    case EOp::Current: return static_cast<std::int64_t>(thread) + 1;
    case EOp::Self: return self;
    case EOp::Not: return expr(n.a) == 0;
    case EOp::Neg: {
      std::int64_t r = 0;
      const std::int64_t x = expr(n.a);
      if (error) return 0;
      if (pcmc_arith_neg(x, &r) != PCMC_ARITH_OK) return fail(ModelErrorKind::Overflow), 0;
      return r;
    }
    case EOp::BitNot: return ~expr(n.a);
    case EOp::LAnd: return expr(n.a) != 0 && !error && expr(n.b) != 0;
    case EOp::LOr: return (expr(n.a) != 0 && !error) || expr(n.b) != 0;
    case EOp::Cond: {
      std::int64_t c = expr(n.a);
      if (error) return 0;
      return c ? expr(n.b) : expr(n.c);
    }
    default: break;
  }
  std::int64_t x = expr(n.a);
  std::int64_t y = expr(n.b);
  if (error) return 0;
  std::int64_t r = 0;
  // model/arith.h's checked operations; an error as ModelErrorKind (a shift: the count).
  auto checked = [&](int e) -> std::int64_t {
    switch (e) {
      case PCMC_ARITH_OK: return r;
      case PCMC_ARITH_DIVZERO: fail(ModelErrorKind::DivZero); return 0;
      case PCMC_ARITH_SHIFT: fail(ModelErrorKind::Shift, y); return 0;
      default: fail(ModelErrorKind::Overflow); return 0;
    }
  };
  switch (n.op) {
    case EOp::Add: return checked(pcmc_arith_add(x, y, &r));
    case EOp::Sub: return checked(pcmc_arith_sub(x, y, &r));
    case EOp::Mul: return checked(pcmc_arith_mul(x, y, &r));
    case EOp::Div: return checked(pcmc_arith_div(x, y, &r));
    case EOp::Mod: return checked(pcmc_arith_mod(x, y, &r));
    case EOp::Shl: return checked(pcmc_arith_shl(x, y, &r));
    case EOp::Shr: return checked(pcmc_arith_shr(x, y, &r));
    case EOp::Lt: if (n.ref_pool >= 0) ordered(n.ref_pool, x, y); return x < y;
    case EOp::Le: if (n.ref_pool >= 0) ordered(n.ref_pool, x, y); return x <= y;
    case EOp::Gt: if (n.ref_pool >= 0) ordered(n.ref_pool, x, y); return x > y;
    case EOp::Ge: if (n.ref_pool >= 0) ordered(n.ref_pool, x, y); return x >= y;
    case EOp::Eq: return x == y;
    case EOp::Ne: return x != y;
    case EOp::BitAnd: return x & y;
    case EOp::BitXor: return x ^ y;
    case EOp::BitOr: return x | y;
    case EOp::RefAdd: {
      if (x == 0) return fail(ModelErrorKind::NullDeref), 0;
      if (pcmc_arith_add(x, y, &r) != PCMC_ARITH_OK) {  // far outside the pool
        if (block_of(n.scalar.pool) != 0) *crossed = true;
        return fail(ModelErrorKind::Overflow), 0;
      }
      const Pool& pool = p.pools.at(static_cast<std::size_t>(n.scalar.pool));
      if (r < 1 || r > static_cast<std::int64_t>(pool.count)) {
        if (block_of(n.scalar.pool) != 0) *crossed = true;  // left its block, too
        return fail(ModelErrorKind::PoolBounds, r - 1), 0;
      }
      if (crossed != nullptr) same_block(n.scalar.pool, x, r);
      return r;
    }
    case EOp::RefDiff:
      if (x == 0 || y == 0) return fail(ModelErrorKind::NullDeref), 0;
      if (crossed != nullptr) same_block(n.ref_pool, x, y);
      return x - y;
    default: throw std::logic_error("unknown expression op");
  }
}

}  // namespace pcmc::model::interp
