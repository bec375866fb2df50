// Call lowering: expression functions inline as expressions; other calls are inlined as code
// with frames, out-parameters and cleared locals (see model/compile.hpp for the rules); the
// builtins (choose, nondet) and the assertions (VM_BUG_ON*, WARN_ON*, BUG_ON, HARM_ON) with
// their property sites. Called from model/lower_ops.cpp (calls in expressions) and
// model/lower_stmt.cpp (call statements).
#include "model/lower_types.hpp"

namespace pcmc::model::detail {

namespace {
const std::set<std::string>& builtin_names() {
  static const std::set<std::string> n{"VM_BUG_ON", "VM_BUG_ON_PAGE", "VM_BUG_ON_FOLIO",
                                       "WARN_ON",   "WARN_ON_ONCE",   "BUG_ON",
                                       "HARM_ON",   "choose",         "nondet",
                                       // the ordering vocabulary (lower_barrier)
                                       "smp_mb", "smp_wmb", "smp_rmb", "smp_mb__before_atomic",
                                       "smp_mb__after_atomic", "smp_mb__after_spinlock",
                                       "READ_ONCE", "WRITE_ONCE",
                                       "smp_load_acquire", "smp_store_release"};
  return n;
}
}  // namespace

// ---------------------------------------------------------------------------- calls
Typed Compiler::call_expr(const ast::Expr& e, bool want_value) {
  if (builtin_names().count(e.name)) {
    bool handled = false;
    Typed t = builtin(e, want_value, handled);
    if (handled) return t;
  }
  auto it = t_.funcs.find(e.name);
  if (it == t_.funcs.end()) fail(e.loc, "unknown function '" + e.name + "'");
  const ast::FuncDecl& f = *it->second;
  if (e.kids.size() != f.params.size())
    fail(e.loc, "'" + f.name + "' takes " + std::to_string(f.params.size()) + " argument(s), " +
                    std::to_string(e.kids.size()) + " given");
  if (!is_expr_function(f)) {
    if (pure_)
      fail(e.loc, "only expression functions (a body of one `return expr;`) can be called here; '" +
                      f.name + "' has statements");
    return inline_call(e, f, want_value);
  }
  // An expression function: its parameters are bound to the argument values.
  FrameCtx fc;
  fc.name = f.name;
  fc.func = &f;
  fc.frame = frames_.empty() ? -1 : frames_.back().frame;
  fc.scopes.emplace_back();
  for (std::size_t i = 0; i < f.params.size(); ++i) {
    TypeP pt = resolve_type(*f.params[i].type, true);
    if (!pt->is_scalar()) fail(f.params[i].loc, "an expression function takes scalar parameters only");
    Typed a = rvalue(*e.kids[i]);
    check_assignable(pt, a, e.kids[i]->loc);
    fc.scopes.back()[f.params[i].name] = Binding{pt, -1, a.e};
  }
  TypeP rt = resolve_type(*f.ret, false);
  frames_.push_back(std::move(fc));
  Typed r = rvalue(*f.body->body[0]->expr);
  frames_.pop_back();
  check_assignable(rt, r, f.body->body[0]->loc);
  if (rt->kind == Type::Bool && r.type->kind != Type::Bool) {
    ENode n;
    n.op = EOp::Ne;
    n.a = r.e;
    n.b = konst(0);
    n.loc = e.loc;
    r.e = node(n);
  }
  return Typed{r.e, rt};
}

Typed Compiler::builtin(const ast::Expr& e, bool want_value, bool& handled) {
  handled = true;
  const std::string& n = e.name;
  if (n.rfind("smp_", 0) == 0 || n == "READ_ONCE" || n == "WRITE_ONCE")
    return barrier(e, want_value);
  if (n == "choose" || n == "nondet") {
    if (pure_) fail(e.loc, n + "() is a step and cannot be used here");
    if (thread_id_ < 0) fail(e.loc, n + "() cannot be used in init (it runs once, deterministically)");
    std::int64_t lo = 0, hi = 1;
    if (n == "choose") {
      if (e.kids.size() != 2) fail(e.loc, "choose(lo, hi) takes two constant arguments");
      lo = const_int(*e.kids[0], "choose()'s bound");
      hi = const_int(*e.kids[1], "choose()'s bound");
      if (lo > hi) fail(e.loc, "choose(lo, hi) needs lo <= hi");
      if (hi - lo > 255) fail(e.loc, "choose() has at most 256 values");
    } else if (!e.kids.empty()) {
      fail(e.loc, "nondet() takes no arguments");
    }
    TypeP t = n == "nondet" ? bool_type() : mk(Type{Type::Int, lo, hi});
    AddrId tmp = temp(t);
    Instr i;
    i.op = IOp::Choose;
    i.a = tmp;
    i.lo = lo;
    i.hi = hi;
    i.scalar = scalar_of(t);
    emit(i);
    return Typed{load(tmp, t), t};
  }
  // Assertions.
  if (pure_) fail(e.loc, n + " cannot be used here");
  if (n == "WARN_ON" || n == "WARN_ON_ONCE") {
    if (!want_value) {
      assertion(e, -1);
      return Typed{-1, mk(Type{Type::Void})};
    }
    AddrId tmp = temp(bool_type());
    assertion(e, tmp);
    return Typed{load(tmp, bool_type()), bool_type()};
  }
  if (want_value) fail(e.loc, n + " has no value");
  assertion(e, -1);
  return Typed{-1, mk(Type{Type::Void})};
}

bool Compiler::has_calls(const ast::Expr* e) const {
  if (!e) return false;
  if (e->kind == ast::ExprKind::Call) {
    if (e->name == "choose" || e->name == "nondet" || e->name == "WARN_ON" || e->name == "WARN_ON_ONCE")
      return true;
    auto it = t_.funcs.find(e->name);
    if (it != t_.funcs.end() && !is_expr_function(*it->second)) return true;
  }
  for (const auto& k : e->kids)
    if (has_calls(k.get())) return true;
  return false;
}

bool Compiler::is_expr_function(const ast::FuncDecl& f) const {
  if (!f.body || f.body->body.size() != 1) return false;
  const ast::Stmt& s = *f.body->body[0];
  if (s.kind != ast::StmtKind::Return || !s.expr) return false;
  if (f.ret->kind == ast::TypeKind::Void) return false;
  for (const auto& p : f.params)
    if (!p.dims.empty()) return false;
  return true;
}

Typed Compiler::inline_call(const ast::Expr& e, const ast::FuncDecl& f, bool want_value) {
  if (register_sites_) lowered_funcs_.insert(&f);
  TypeP rt = resolve_type(*f.ret, false);
  if (want_value && rt->kind == Type::Void) fail(e.loc, "'" + f.name + "' returns no value");
  // Arguments, in the caller's scope and in order.
  struct Arg {
    TypeP type;
    AddrId alias = -1;
    Typed value;
  };
  std::vector<Arg> args;
  for (std::size_t i = 0; i < f.params.size(); ++i) {
    const ast::Param& p = f.params[i];
    const ast::Expr& a = *e.kids[i];
    TypeP pt = array_of(resolve_type(*p.type, true), p.dims);
    Arg arg;
    arg.type = pt;
    if (pt->kind == Type::Array) {
      LValue lv = lvalue(a);
      if (type_name(lv.type) != type_name(pt))
        fail(a.loc, "argument " + std::to_string(i + 1) + " of '" + f.name + "' must be " +
                        type_name(pt) + ", not " + type_name(lv.type));
      arg.alias = lv.a;
    } else if (pt->kind == Type::Alias) {
      LValue lv;
      if (a.kind == ast::ExprKind::AddrOf) {
        lv = lvalue(*a.kids[0]);
      } else if (a.kind == ast::ExprKind::Name && lookup(a.name) &&
                 lookup(a.name)->type->kind == Type::Alias) {
        const Binding* b = lookup(a.name);
        lv = LValue{b->addr, b->type->elem};
      } else {
        fail(a.loc, "parameter '" + p.name + "' of '" + f.name + "' is an out-parameter: pass &variable");
      }
      if (type_name(lv.type) != type_name(pt->elem))
        fail(a.loc, "argument " + std::to_string(i + 1) + " of '" + f.name + "' must point to " +
                        type_name(pt->elem) + ", not " + type_name(lv.type));
      arg.alias = lv.a;
    } else {
      if (pt->kind == Type::Void || !pt->is_scalar())
        fail(p.loc, "parameter '" + p.name + "': structs are passed by pointer");
      arg.value = rvalue(a);
      check_assignable(pt, arg.value, a.loc);
    }
    args.push_back(arg);
  }
  AddrId ret = -1;
  if (rt->kind != Type::Void && want_value) ret = temp(rt);
  p_.frames.push_back(Frame{f.name, frames_.back().frame, e.loc});
  FrameCtx fc;
  fc.func = &f;
  fc.name = f.name;
  fc.frame = static_cast<std::int32_t>(p_.frames.size() - 1);
  fc.scopes.emplace_back();
  fc.ret_addr = ret;
  fc.ret_type = rt;
  fc.base = top_;
  frames_.push_back(std::move(fc));
  auto saved_loops = std::move(loops_);
  loops_.clear();
  int saved_region = atomic_region_;
  stmt_loc_ = e.loc;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const ast::Param& p = f.params[i];
    if (args[i].alias >= 0) {
      TypeP bt = args[i].type;
      frames_.back().scopes.back()[p.name] = Binding{bt, args[i].alias, -1};
    } else {
      AddrId slot = alloc(size_of(args[i].type));
      emit_assign(slot, truth_if_bool(args[i].type, args[i].value, e.loc), args[i].type, e.loc);
      bind_local(p.name, args[i].type, slot, p.loc);
    }
  }
  stmt(*f.body);
  finish_frame();
  release_frame();
  frames_.pop_back();
  loops_ = std::move(saved_loops);
  atomic_region_ = saved_region;
  stmt_loc_ = e.loc;
  if (ret >= 0) return Typed{load(ret, rt), rt};
  return Typed{-1, rt};
}

// ---------------------------------------------------------------------------- assertions
std::uint32_t Compiler::site_for(const ast::Expr& call, AssertClass cls, const std::string& macro,
                                 const std::string& harm_name) {
  if (!register_sites_) return 0;
  std::string key = sm_.where(call.loc);
  auto it = t_.site_by_loc.find(key);
  if (it != t_.site_by_loc.end()) return it->second;
  AssertSite site;
  site.cls = cls;
  site.macro = macro;
  site.loc = call.loc;
  const std::string fn = frames_.back().name;
  site.function = fn;
  site.name = !harm_name.empty()       ? harm_name
              : !pending_label_.empty() ? pending_label_
                                        : fn + ":" + std::to_string(call.loc.line);
  site.text = call.kids.empty() ? "" : source_text(*call.kids[0]);
  if (harm_name.empty() && pending_label_.empty())  // two unlabelled ones on a line: add the column
    for (const AssertSite& other : p_.asserts)
      if (other.name == site.name) site.name += ":" + std::to_string(call.loc.col);
  for (const AssertSite& other : p_.asserts)
    if (other.name == site.name && !(cls == AssertClass::Harm && other.cls == AssertClass::Harm))
      fail(call.loc, "duplicate property name '" + site.name + "' (also at " + sm_.where(other.loc) + ")");
  p_.asserts.push_back(site);
  auto id = static_cast<std::uint32_t>(p_.asserts.size() - 1);
  t_.site_by_loc[key] = id;
  return id;
}

void Compiler::assertion(const ast::Expr& call, AddrId store_to) {
  const std::string& m = call.name;
  AssertClass cls = m.rfind("VM_BUG_ON", 0) == 0 ? AssertClass::Debug
                    : m.rfind("WARN_ON", 0) == 0 ? AssertClass::Warn
                    : m == "BUG_ON"              ? AssertClass::Bug
                                                 : AssertClass::Harm;
  // VM_BUG_ON_FOLIO(c, folio): the folio-era spelling (6.x library); a folio is a head page here
  const bool page_arg = m == "VM_BUG_ON_PAGE" || m == "VM_BUG_ON_FOLIO";
  std::size_t want = (page_arg || m == "HARM_ON") ? 2 : 1;
  if (call.kids.size() != want)
    fail(call.loc, m + " takes " + std::to_string(want) + " argument(s)" +
                       (m == "HARM_ON" ? ": a condition and a \"H_name\"" : ""));
  std::string harm_name;
  if (m == "HARM_ON") {
    if (call.kids[1]->kind != ast::ExprKind::StrLit)
      fail(call.kids[1]->loc, "HARM_ON's second argument is the harm's name, a string such as \"H_uaf\"");
    harm_name = call.kids[1]->text;
  }
  if (page_arg) {
    Typed pg = rvalue(*call.kids[1]);
    if (pg.type->kind != Type::Ref && pg.type->kind != Type::Null)
      fail(call.kids[1]->loc, m + "'s second argument must be a page pointer");
  }
  std::uint32_t site = site_for(call, cls, m, harm_name);
  if (cls == AssertClass::Debug && !opts_.debug_vm) {
    // Compiled out, as without CONFIG_DEBUG_VM; still type-checked when that costs no code.
    if (!has_calls(call.kids[0].get())) cond(*call.kids[0]);
    if (store_to >= 0) emit_assign(store_to, konst(0), bool_type(), call.loc);
    return;
  }
  Typed c = cond(*call.kids[0]);
  Instr i;
  i.op = IOp::Assert;
  i.a = store_to;
  i.b = truth(c, call.loc);
  i.site = site;
  i.scalar = scalar_of(bool_type());
  i.loc = call.loc;
  emit(i);
}

}  // namespace pcmc::model::detail
