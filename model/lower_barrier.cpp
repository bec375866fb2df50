// The kernel's ordering vocabulary (Documentation/memory-barriers.txt,
// tools/memory-model/linux-kernel.def) and the store-buffer bound. What each word does under
// sc, tso and pso is docs/memory-models.md; in short:
//   READ_ONCE(x), WRITE_ONCE(x, v)      a plain load / store (every access is "once" here)
//   smp_load_acquire(&x)                a plain load: no mode reorders loads
//   smp_store_release(&x, v)            pso: smp_wmb() then the store; otherwise a plain store
//   smp_wmb()                           pso: a Fence Store; otherwise nothing
//   smp_rmb()                           nothing: no mode reorders loads
//   smp_mb(), smp_mb__before_atomic(),  tso/pso: a Fence Full (drains the buffer); sc: nothing.
//   smp_mb__after_atomic(),             The __atomic pair is a full barrier here because the
//   smp_mb__after_spinlock()            atomics it sits next to are (atomic blocks drain too);
//                                       after_spinlock is a full barrier in the kernel too
// Under sc nothing is emitted, so states and counts are those of a model without them. Inside
// an atomic block the barriers are no-ops (the block is fully ordered).
#include "model/lower_types.hpp"

namespace pcmc::model::detail {

void Compiler::fence(FenceKind kind) {
  if (atomic_depth_ > 0 || opts_.memory_model == MemoryModel::Sc) return;
  if (kind == FenceKind::Store && opts_.memory_model != MemoryModel::Pso) return;
  Instr f;
  f.op = IOp::Fence;
  f.lo = static_cast<std::int64_t>(kind);
  emit(f);
}

Typed Compiler::barrier(const ast::Expr& e, bool want_value) {
  const std::string& n = e.name;
  const auto args = [&](std::size_t k, const char* form) {
    if (e.kids.size() != k) fail(e.loc, n + " takes " + form);
  };
  // The object of smp_load_acquire(&x) / smp_store_release(&x, v) (the kernel passes a pointer;
  // `x` itself and an out-parameter `p` are accepted too), or of READ_ONCE(x) / WRITE_ONCE(x, v).
  const auto object = [&](const ast::Expr& a) -> LValue {
    if (a.kind == ast::ExprKind::AddrOf) return lvalue(*a.kids[0]);
    if (a.kind == ast::ExprKind::Name)
      if (const Binding* b = lookup(a.name); b != nullptr && b->type->kind == Type::Alias)
        return LValue{b->addr, b->type->elem};
    return lvalue(a);
  };
  if (n == "READ_ONCE" || n == "smp_load_acquire") {
    args(1, n == "READ_ONCE" ? "one variable, READ_ONCE(x)" : "a pointer, smp_load_acquire(&x)");
    LValue lv = object(*e.kids[0]);
    if (!lv.type->is_scalar()) fail(e.loc, n + " reads a scalar, not a whole " + type_name(lv.type));
    return Typed{load(lv.a, lv.type), lv.type};
  }
  if (want_value) fail(e.loc, n + " has no value");
  if (pure_) fail(e.loc, n + " cannot be used here");
  if (n == "WRITE_ONCE" || n == "smp_store_release") {
    args(2, n == "WRITE_ONCE" ? "a variable and a value, WRITE_ONCE(x, v)"
                              : "a pointer and a value, smp_store_release(&x, v)");
    LValue lv = object(*e.kids[0]);
    if (!lv.type->is_scalar()) fail(e.loc, "cannot assign a whole " + type_name(lv.type));
    Typed v = rvalue(*e.kids[1]);
    check_assignable(lv.type, v, e.kids[1]->loc);
    if (n == "smp_store_release") fence(FenceKind::Store);
    emit_assign(lv.a, truth_if_bool(lv.type, v, e.loc), lv.type, e.loc);
    return Typed{-1, mk(Type{Type::Void})};
  }
  args(0, "no arguments");
  if (n == "smp_wmb") fence(FenceKind::Store);
  else if (n == "smp_mb" || n == "smp_mb__before_atomic" || n == "smp_mb__after_atomic" ||
           n == "smp_mb__after_spinlock")
    fence(FenceKind::Full);
  else if (n != "smp_rmb")
    fail(e.loc, "unknown function '" + n + "'");
  return Typed{-1, mk(Type{Type::Void})};
}

namespace {
// A default bound for threads whose stores cannot be counted (their code loops): a buffer that
// fills up makes the run `incomplete` (docs/memory-models.md, "Bounds").
constexpr std::uint32_t kDefaultStoreBuffer = 8;
constexpr std::uint32_t kMaxStoreBuffer = 64;
}  // namespace

// After all code is lowered: the buffers follow every other byte of the state. A thread whose
// code has no backward jump executes each store instruction at most once, so its count of
// store instructions bounds its buffered stores; that makes the bound exact.
void Compiler::compute_store_buffers() {
  if (opts_.memory_model == MemoryModel::Sc) return;
  p_.memory_model = opts_.memory_model;
  std::uint32_t need = 1;
  bool exact = true;
  for (const Thread& th : p_.threads) {
    std::uint32_t stores = 0;
    bool loops = false;
    for (std::size_t i = 0; i < th.code.size(); ++i) {
      const Instr& ins = th.code[i];
      if ((ins.op == IOp::Jump || ins.op == IOp::JumpIfNot) && ins.target <= i) loops = true;
      // the stores a thread buffers: yielding ones and those of `atomic release` blocks
      if ((ins.op == IOp::Assign || ins.op == IOp::Choose || ins.op == IOp::Assert) &&
          (ins.yields || ins.order == AtomicOrder::Release) && ins.a >= 0 && addr_shared(ins.a))
        ++stores;
    }
    if (loops || stores > kMaxStoreBuffer) exact = false;
    need = std::max(need, loops ? kDefaultStoreBuffer : std::min(stores, kMaxStoreBuffer));
  }
  std::uint32_t k = need;
  if (opts_.store_buffer != 0) {
    k = std::min<std::uint32_t>(opts_.store_buffer, 255);
    if (k < need) exact = false;
  }
  p_.sb_entries = k;
  p_.sb_exact = exact;
  p_.sb_stride = 1 + 8 * k;
  p_.sb_offset = p_.state_size;
  p_.state_size += p_.sb_stride * static_cast<std::uint32_t>(p_.threads.size());
}

}  // namespace pcmc::model::detail
