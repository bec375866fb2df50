// Expression lowering, values: r-values, conditions and truth values, the operators with type
// checking (unary, binary, ?:, comparisons, pointer arithmetic) and assignability. The nodes
// and l-values they build on are model/lower_expr.cpp, calls model/lower_call.cpp.
#include "model/lower_types.hpp"

namespace pcmc::model::detail {

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
      n.ref_pool = n.scalar.pool;
      return Typed{node(n), a.type};
    }
    if (op == "+" && numeric(a.type) && b.type->kind == Type::Ref) {
      n.op = EOp::RefAdd;
      n.a = b.e;
      n.b = a.e;
      n.scalar = scalar_of(b.type);
      n.ref_pool = n.scalar.pool;
      return Typed{node(n), b.type};
    }
    if (op == "-" && a.type->kind == Type::Ref && b.type->kind == Type::Ref) {
      if (a.type->pool != b.type->pool) fail(e.loc, "subtracting pointers into different pools");
      n.op = EOp::RefDiff;
      n.ref_pool = a.type->pool;
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
  if (rel && a.type->kind == Type::Ref) n.ref_pool = a.type->pool;  // ordered references
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

ExprId Compiler::truth(const Typed& t, SrcLoc loc) {
  if (t.type->kind == Type::Bool) return t.e;
  ENode n;
  n.op = EOp::Ne;
  n.a = t.e;
  n.b = konst(0);
  n.loc = loc;
  return node(n);
}

ExprId Compiler::truth_if_bool(const TypeP& dst, const Typed& v, SrcLoc loc) {
  return dst->kind == Type::Bool ? truth(v, loc) : v.e;
}

}  // namespace pcmc::model::detail
