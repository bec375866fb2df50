// Expression lowering: names, l-values (fields, indexing, pool dereferences with guards),
// operators with type checking and constant folding, calls (expression functions inline as
// expressions; other calls are hoisted by lower_stmt.cpp's inline_call), and the builtins.
#include <limits>

#include "model/compiler.hpp"

namespace pcmc::model::detail {

namespace {
TypeP mk(Type t) { return std::make_shared<const Type>(std::move(t)); }
TypeP int_type() {
  return mk(Type{Type::Int, std::numeric_limits<std::int32_t>::min(),
                 std::numeric_limits<std::int32_t>::max()});
}
TypeP bool_type() { return mk(Type{Type::Bool, 0, 1}); }
bool numeric(const TypeP& t) { return t->kind == Type::Int || t->kind == Type::Bool; }

const std::set<std::string>& builtin_names() {
  static const std::set<std::string> n{"VM_BUG_ON", "VM_BUG_ON_PAGE", "WARN_ON", "WARN_ON_ONCE",
                                       "BUG_ON",    "HARM_ON",        "choose",  "nondet"};
  return n;
}
}  // namespace

// ---------------------------------------------------------------------------- nodes
ExprId Compiler::node(ENode n) {
  auto is_const = [&](ExprId id) {
    return id >= 0 && p_.exprs[static_cast<std::size_t>(id)].op == EOp::Const;
  };
  auto val = [&](ExprId id) { return p_.exprs[static_cast<std::size_t>(id)].value; };
  bool fold = false;
  std::int64_t v = 0;
  switch (n.op) {
    case EOp::Not: case EOp::Neg: case EOp::BitNot:
      if (is_const(n.a)) {
        fold = true;
        std::int64_t x = val(n.a);
        v = n.op == EOp::Not ? (x == 0) : n.op == EOp::Neg ? -x : ~x;
      }
      break;
    case EOp::LAnd:
      if (is_const(n.a) && val(n.a) == 0) fold = true, v = 0;
      else if (is_const(n.a) && is_const(n.b)) fold = true, v = val(n.b) != 0;
      break;
    case EOp::LOr:
      if (is_const(n.a) && val(n.a) != 0) fold = true, v = 1;
      else if (is_const(n.a) && is_const(n.b)) fold = true, v = val(n.b) != 0;
      break;
    case EOp::Cond:
      if (is_const(n.a)) return val(n.a) ? n.b : n.c;
      break;
    case EOp::Add: case EOp::Sub: case EOp::Mul: case EOp::Div: case EOp::Mod: case EOp::Shl:
    case EOp::Shr: case EOp::Lt: case EOp::Le: case EOp::Gt: case EOp::Ge: case EOp::Eq:
    case EOp::Ne: case EOp::BitAnd: case EOp::BitXor: case EOp::BitOr:
      if (is_const(n.a) && is_const(n.b)) {
        std::int64_t x = val(n.a), y = val(n.b);
        fold = true;
        switch (n.op) {
          case EOp::Add: v = x + y; break;
          case EOp::Sub: v = x - y; break;
          case EOp::Mul: v = x * y; break;
          case EOp::Div:
          case EOp::Mod:
            if (y == 0) fail(n.loc, "division by zero in a constant expression");
            v = n.op == EOp::Div ? x / y : x % y;
            break;
          case EOp::Shl: v = (y < 0 || y > 62) ? 0 : x << y; break;
          case EOp::Shr: v = (y < 0 || y > 62) ? 0 : x >> y; break;
          case EOp::Lt: v = x < y; break;
          case EOp::Le: v = x <= y; break;
          case EOp::Gt: v = x > y; break;
          case EOp::Ge: v = x >= y; break;
          case EOp::Eq: v = x == y; break;
          case EOp::Ne: v = x != y; break;
          case EOp::BitAnd: v = x & y; break;
          case EOp::BitXor: v = x ^ y; break;
          case EOp::BitOr: v = x | y; break;
          default: break;
        }
      }
      break;
    default: break;
  }
  if (fold) {
    ENode c;
    c.op = EOp::Const;
    c.value = v;
    c.loc = n.loc;
    n = c;
  }
  p_.exprs.push_back(n);
  return static_cast<ExprId>(p_.exprs.size() - 1);
}

ExprId Compiler::konst(std::int64_t v) {
  ENode n;
  n.op = EOp::Const;
  n.value = v;
  return node(n);
}

ExprId Compiler::load(AddrId a, const TypeP& t) {
  ENode n;
  n.op = EOp::Load;
  n.a = a;
  n.scalar = scalar_of(t);
  n.loc = p_.addrs[static_cast<std::size_t>(a)].loc;
  return node(n);
}

AddrId Compiler::addr_node(ANode n) {
  p_.addrs.push_back(n);
  return static_cast<AddrId>(p_.addrs.size() - 1);
}

AddrId Compiler::member(AddrId base, std::uint32_t off) {
  ANode n = p_.addrs[static_cast<std::size_t>(base)];
  n.offset += off;
  return addr_node(n);
}

bool Compiler::addr_shared(AddrId a) {
  if (a < 0) return false;
  if (shared_cache_a_.size() <= static_cast<std::size_t>(a)) shared_cache_a_.resize(p_.addrs.size() + 64, -1);
  signed char& c = shared_cache_a_[static_cast<std::size_t>(a)];
  if (c >= 0) return c != 0;
  const ANode n = p_.addrs[static_cast<std::size_t>(a)];
  bool r = n.op == AOp::Global || n.op == AOp::Deref ||
           (n.op == AOp::Index && (addr_shared(n.base) || touches_shared(n.index)));
  if (n.op == AOp::Deref && touches_shared(n.index)) r = true;
  shared_cache_a_[static_cast<std::size_t>(a)] = r;
  return r;
}

bool Compiler::touches_shared(ExprId e) {
  if (e < 0) return false;
  if (shared_cache_e_.size() <= static_cast<std::size_t>(e)) shared_cache_e_.resize(p_.exprs.size() + 64, -1);
  signed char& c = shared_cache_e_[static_cast<std::size_t>(e)];
  if (c >= 0) return c != 0;
  const ENode n = p_.exprs[static_cast<std::size_t>(e)];
  bool r = n.op == EOp::Load ? addr_shared(n.a)
                             : touches_shared(n.a) || touches_shared(n.b) || touches_shared(n.c);
  shared_cache_e_[static_cast<std::size_t>(e)] = r;
  return r;
}

// ---------------------------------------------------------------------------- names
const Binding* Compiler::lookup(const std::string& name) {
  if (!frames_.empty()) {
    auto& scopes = frames_.back().scopes;
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
      auto f = it->find(name);
      if (f != it->end()) return &f->second;
    }
  }
  auto g = t_.globals.find(name);
  if (g != t_.globals.end()) return &g->second;
  if (t_.constants.count(name) || t_.const_decls.count(name)) {
    constant(name, {});
    return &t_.constants[name];
  }
  return nullptr;
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

// ---------------------------------------------------------------------------- l-values
LValue Compiler::lvalue(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::Name: {
      const Binding* b = lookup(e.name);
      if (!b) fail(e.loc, "unknown variable '" + e.name + "'");
      if (b->addr < 0) fail(e.loc, "'" + e.name + "' is a constant, not a variable");
      return LValue{b->addr, b->type};
    }
    case ast::ExprKind::Member:
    case ast::ExprKind::Arrow: {
      LValue base;
      const ast::Expr& k = *e.kids[0];
      if (e.kind == ast::ExprKind::Arrow) {
        Typed r = expr(k);
        if (r.type->kind == Type::Alias) {
          LValue a = lvalue(k);
          base = LValue{a.a, a.type->elem};
        } else if (r.type->kind == Type::Ref) {
          const StructRec& s = t_.structs[static_cast<std::size_t>(r.type->struct_id)];
          const Pool& pool = p_.pools[static_cast<std::size_t>(r.type->pool)];
          const FieldRec* f = nullptr;
          for (const auto& fr : s.fields)
            if (fr.name == e.name) f = &fr;
          if (!f) fail(e.loc, "struct " + s.name + " has no field '" + e.name + "'");
          ANode n;
          n.op = AOp::Deref;
          n.index = r.e;
          n.offset = pool.base + f->offset;
          n.stride = pool.elem_size;
          n.count = pool.count;
          n.guard = f->guard_expr;
          n.field = f->field_info;
          n.loc = e.loc;
          return LValue{addr_node(n), f->type};
        } else {
          fail(e.loc, "'->' needs a pointer, but this is " + type_name(r.type));
        }
      } else {
        base = lvalue(k);
        if (base.type->kind == Type::Alias || base.type->kind == Type::Ref)
          fail(e.loc, "use '->' on a pointer");
      }
      if (base.type->kind != Type::Struct)
        fail(e.loc, "'" + e.name + "': " + type_name(base.type) + " is not a struct");
      const StructRec& s = t_.structs[static_cast<std::size_t>(base.type->struct_id)];
      for (const auto& f : s.fields)
        if (f.name == e.name) return LValue{member(base.a, f.offset), f.type};
      fail(e.loc, "struct " + s.name + " has no field '" + e.name + "'");
    }
    case ast::ExprKind::Index: {
      LValue base = lvalue(*e.kids[0]);
      if (base.type->kind != Type::Array) fail(e.loc, "indexing something that is not an array");
      Typed i = rvalue(*e.kids[1]);
      if (!numeric(i.type)) fail(e.kids[1]->loc, "an array index must be an integer");
      const ENode& in = p_.exprs[static_cast<std::size_t>(i.e)];
      if (in.op == EOp::Const && (in.value < 0 || in.value >= base.type->count))
        fail(e.kids[1]->loc, "index " + std::to_string(in.value) + " out of bounds [0.." +
                                 std::to_string(base.type->count - 1) + "]");
      ANode n;
      n.op = AOp::Index;
      n.base = base.a;
      n.index = i.e;
      n.stride = size_of(base.type->elem);
      n.count = base.type->count;
      n.local = p_.addrs[static_cast<std::size_t>(base.a)].local;
      n.loc = e.loc;
      return LValue{addr_node(n), base.type->elem};
    }
    case ast::ExprKind::Deref: {
      const ast::Expr& k = *e.kids[0];
      Typed r = expr(k);
      if (r.type->kind == Type::Alias) {
        LValue a = lvalue(k);
        return LValue{a.a, a.type->elem};
      }
      if (r.type->kind == Type::Ref) {
        const Pool& pool = p_.pools[static_cast<std::size_t>(r.type->pool)];
        ANode n;
        n.op = AOp::Deref;
        n.index = r.e;
        n.offset = pool.base;
        n.stride = pool.elem_size;
        n.count = pool.count;
        n.loc = e.loc;
        Type st{Type::Struct};
        st.struct_id = r.type->struct_id;
        return LValue{addr_node(n), mk(st)};
      }
      fail(e.loc, "'*' needs a pointer");
    }
    default: fail(e.loc, "this expression cannot be assigned to");
  }
}

// ---------------------------------------------------------------------------- r-values
Typed Compiler::rvalue(const ast::Expr& e) {
  Typed t = expr(e);
  if (t.e < 0) {
    if (t.type->kind == Type::Void) fail(e.loc, "a void function has no value");
    fail(e.loc, "a value of type " + type_name(t.type) + " cannot be used here");
  }
  return t;
}

Typed Compiler::cond(const ast::Expr& e) {
  Typed t = rvalue(e);
  if (numeric(t.type)) return t;
  if (t.type->kind == Type::Ref || t.type->kind == Type::Thread || t.type->kind == Type::Null) {
    ENode n;
    n.op = EOp::Ne;
    n.a = t.e;
    n.b = konst(0);
    n.loc = e.loc;
    return Typed{node(n), bool_type()};
  }
  fail(e.loc, "a condition must be a bool, an integer or a pointer, not " + type_name(t.type));
}

Typed Compiler::expr(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::IntLit: return Typed{konst(e.ival), mk(Type{Type::Int, e.ival, e.ival})};
    case ast::ExprKind::BoolLit: return Typed{konst(e.ival), bool_type()};
    case ast::ExprKind::Null: return Typed{konst(0), mk(Type{Type::Null})};
    case ast::ExprKind::NoThread:
      return Typed{konst(0), mk(Type{Type::Thread, 0, static_cast<std::int64_t>(t_.nthreads)})};
    case ast::ExprKind::Current: {
      if (thread_id_ < 0 && self_ < 0)
        fail(e.loc, "'current' is only meaningful in thread code or a guard");
      ENode n;
      n.op = EOp::Current;
      n.loc = e.loc;
      return Typed{node(n), mk(Type{Type::Thread, 0, static_cast<std::int64_t>(t_.nthreads)})};
    }
    case ast::ExprKind::Self:
      if (self_ < 0) fail(e.loc, "'self' is only allowed inside guarded_by(...)");
      return Typed{self_, self_type_};
    case ast::ExprKind::StrLit: fail(e.loc, "a string is only allowed as the name in HARM_ON");
    case ast::ExprKind::Name: {
      const Binding* b = lookup(e.name);
      if (!b) {
        if (t_.funcs.count(e.name)) fail(e.loc, "'" + e.name + "' is a function; call it");
        fail(e.loc, "unknown variable '" + e.name + "'");
      }
      if (b->value >= 0) return Typed{b->value, b->type};
      if (!b->type->is_scalar()) return Typed{-1, b->type};
      return Typed{load(b->addr, b->type), b->type};
    }
    case ast::ExprKind::Member:
    case ast::ExprKind::Arrow:
    case ast::ExprKind::Index:
    case ast::ExprKind::Deref: {
      LValue lv = lvalue(e);
      if (!lv.type->is_scalar()) return Typed{-1, lv.type};
      return Typed{load(lv.a, lv.type), lv.type};
    }
    case ast::ExprKind::Unary: {
      ENode n;
      n.loc = e.loc;
      if (e.op == "!") {
        n.op = EOp::Not;
        n.a = cond(*e.kids[0]).e;
        return Typed{node(n), bool_type()};
      }
      Typed a = rvalue(*e.kids[0]);
      if (!numeric(a.type)) fail(e.loc, "operator " + e.op + " needs an integer");
      if (e.op == "+") return a;
      n.op = e.op == "-" ? EOp::Neg : EOp::BitNot;
      n.a = a.e;
      return Typed{node(n), int_type()};
    }
    case ast::ExprKind::Binary: return binary(e);
    case ast::ExprKind::Ternary: {
      if (!pure_ && (has_calls(e.kids[1].get()) || has_calls(e.kids[2].get())))
        fail(e.loc, "a call that takes steps inside ?: is not supported; use if/else");
      Typed c = cond(*e.kids[0]);
      Typed a = rvalue(*e.kids[1]);
      Typed b = rvalue(*e.kids[2]);
      TypeP t = a.type;
      if (numeric(a.type) && numeric(b.type)) {
        t = (a.type->kind == Type::Bool && b.type->kind == Type::Bool)
                ? bool_type()
                : mk(Type{Type::Int, std::min(a.type->lo, b.type->lo), std::max(a.type->hi, b.type->hi)});
      } else if (a.type->kind == Type::Null) {
        t = b.type;
      } else if (b.type->kind != Type::Null && (a.type->kind != b.type->kind || a.type->pool != b.type->pool ||
                                                a.type->enum_id != b.type->enum_id)) {
        fail(e.loc, "the branches of ?: have different types: " + type_name(a.type) + " and " + type_name(b.type));
      }
      ENode n;
      n.op = EOp::Cond;
      n.a = c.e;
      n.b = a.e;
      n.c = b.e;
      n.loc = e.loc;
      return Typed{node(n), t};
    }
    case ast::ExprKind::Call: return call_expr(e, true);
    case ast::ExprKind::AddrOf:
      fail(e.loc, "'&' is only allowed on a call argument (to pass an out-parameter)");
  }
  fail(e.loc, "bad expression");
}

Typed Compiler::binary(const ast::Expr& e) {
  const std::string& op = e.op;
  ENode n;
  n.loc = e.loc;
  if ((op == "&&" || op == "||") && !pure_ && has_calls(e.kids[1].get())) {
    // The right operand takes steps: evaluate it only when C would (short-circuit).
    AddrId t = temp(bool_type());
    Typed l = cond(*e.kids[0]);
    emit_assign(t, truth(l, e.loc), bool_type(), e.loc);
    Instr j;
    j.op = IOp::JumpIfNot;
    ExprId tv = load(t, bool_type());
    if (op == "||") {
      ENode nt;
      nt.op = EOp::Not;
      nt.a = tv;
      tv = node(nt);
    }
    j.b = tv;
    std::uint32_t at = emit(j);
    Typed r = cond(*e.kids[1]);
    emit_assign(t, truth(r, e.loc), bool_type(), e.loc);
    th_->code[at].target = static_cast<std::uint32_t>(th_->code.size());
    return Typed{load(t, bool_type()), bool_type()};
  }
  if (op == "&&" || op == "||") {
    n.op = op == "&&" ? EOp::LAnd : EOp::LOr;
    n.a = cond(*e.kids[0]).e;
    n.b = cond(*e.kids[1]).e;
    return Typed{node(n), bool_type()};
  }
  Typed a = rvalue(*e.kids[0]);
  Typed b = rvalue(*e.kids[1]);
  auto ref_like = [](const TypeP& t) { return t->kind == Type::Ref || t->kind == Type::Null; };
  if (op == "==" || op == "!=") {
    bool ok = (numeric(a.type) && numeric(b.type)) ||
              (a.type->kind == Type::Enum && b.type->kind == Type::Enum && a.type->enum_id == b.type->enum_id) ||
              (a.type->kind == Type::Thread && b.type->kind == Type::Thread) ||
              (ref_like(a.type) && ref_like(b.type) &&
               (a.type->kind == Type::Null || b.type->kind == Type::Null || a.type->pool == b.type->pool));
    if (!ok) fail(e.loc, "cannot compare " + type_name(a.type) + " with " + type_name(b.type));
    n.op = op == "==" ? EOp::Eq : EOp::Ne;
    n.a = a.e;
    n.b = b.e;
    return Typed{node(n), bool_type()};
  }
  if (op == "+" || op == "-") {
    if (a.type->kind == Type::Ref && numeric(b.type)) {
      n.op = EOp::RefAdd;
      n.a = a.e;
      if (op == "-") {
        ENode neg;
        neg.op = EOp::Neg;
        neg.a = b.e;
        neg.loc = e.loc;
        n.b = node(neg);
      } else {
        n.b = b.e;
      }
      n.scalar = scalar_of(a.type);
      return Typed{node(n), a.type};
    }
    if (op == "+" && numeric(a.type) && b.type->kind == Type::Ref) {
      n.op = EOp::RefAdd;
      n.a = b.e;
      n.b = a.e;
      n.scalar = scalar_of(b.type);
      return Typed{node(n), b.type};
    }
    if (op == "-" && a.type->kind == Type::Ref && b.type->kind == Type::Ref) {
      if (a.type->pool != b.type->pool) fail(e.loc, "subtracting pointers into different pools");
      n.op = EOp::RefDiff;
      n.a = a.e;
      n.b = b.e;
      return Typed{node(n), int_type()};
    }
  }
  bool rel = op == "<" || op == "<=" || op == ">" || op == ">=";
  if (!(numeric(a.type) && numeric(b.type)) &&
      !(rel && a.type->kind == Type::Ref && b.type->kind == Type::Ref && a.type->pool == b.type->pool))
    fail(e.loc, "operator " + op + " cannot combine " + type_name(a.type) + " and " + type_name(b.type));
  static const std::pair<const char*, EOp> ops[] = {
      {"*", EOp::Mul}, {"/", EOp::Div},    {"%", EOp::Mod},    {"+", EOp::Add},  {"-", EOp::Sub},
      {"<<", EOp::Shl}, {">>", EOp::Shr},  {"<", EOp::Lt},     {"<=", EOp::Le},  {">", EOp::Gt},
      {">=", EOp::Ge}, {"&", EOp::BitAnd}, {"^", EOp::BitXor}, {"|", EOp::BitOr}};
  for (const auto& [s, o] : ops)
    if (op == s) n.op = o;
  n.a = a.e;
  n.b = b.e;
  return Typed{node(n), rel ? bool_type() : int_type()};
}

void Compiler::check_assignable(const TypeP& dst, const Typed& src, SrcLoc loc) {
  const TypeP& s = src.type;
  bool ok = false;
  switch (dst->kind) {
    case Type::Int:
    case Type::Bool: ok = numeric(s); break;
    case Type::Enum: ok = s->kind == Type::Enum && s->enum_id == dst->enum_id; break;
    case Type::Thread: ok = s->kind == Type::Thread; break;
    case Type::Ref: ok = s->kind == Type::Null || (s->kind == Type::Ref && s->pool == dst->pool); break;
    default:
      fail(loc, "cannot assign a whole " + type_name(dst) + " (assign its fields)");
  }
  if (!ok) fail(loc, "cannot assign " + type_name(s) + " to " + type_name(dst));
  const ENode& n = p_.exprs[static_cast<std::size_t>(src.e)];
  if (n.op == EOp::Const && dst->kind == Type::Int && (n.value < dst->lo || n.value > dst->hi))
    fail(loc, "value " + std::to_string(n.value) + " is out of range " + type_name(dst));
}

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

AddrId Compiler::temp(const TypeP& t) { return alloc(size_of(t)); }

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

ExprId Compiler::truth(const Typed& t, SrcLoc loc) {
  if (t.type->kind == Type::Bool) return t.e;
  ENode n;
  n.op = EOp::Ne;
  n.a = t.e;
  n.b = konst(0);
  n.loc = loc;
  return node(n);
}

}  // namespace pcmc::model::detail
