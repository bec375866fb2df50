// Expression lowering, addresses: the expression and address nodes (with constant folding and
// the shared-access test), name lookup, and l-values (fields, indexing, pool dereferences with
// guards). Operators and r-values are model/lower_ops.cpp, calls model/lower_call.cpp.
#include "model/arith.h"
#include "model/lower_types.hpp"

namespace pcmc::model::detail {

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
        if (n.op == EOp::Neg && pcmc_arith_neg(x, &v) != PCMC_ARITH_OK)
          fail(n.loc, "integer overflow in a constant expression: -(" + std::to_string(x) +
                          ") does not fit in 64 bits");
        if (n.op != EOp::Neg) v = n.op == EOp::Not ? (x == 0) : ~x;
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
        // model/arith.h, as at run time; an error is a compile error here.
        auto checked = [&](int e, const char* op) {
          if (e == PCMC_ARITH_DIVZERO) fail(n.loc, "division by zero in a constant expression");
          if (e == PCMC_ARITH_SHIFT)
            fail(n.loc, "shift count " + std::to_string(y) +
                            " in a constant expression is not in 0..63");
          if (e != PCMC_ARITH_OK && n.op == EOp::Shl && x < 0)
            fail(n.loc, "left shift of a negative value in a constant expression: " +
                            std::to_string(x) + " << " + std::to_string(y) + " (undefined in C)");
          if (e != PCMC_ARITH_OK)
            fail(n.loc, "integer overflow in a constant expression: " + std::to_string(x) + " " +
                            op + " " + std::to_string(y) + " does not fit in 64 bits");
        };
        switch (n.op) {
          case EOp::Add: checked(pcmc_arith_add(x, y, &v), "+"); break;
          case EOp::Sub: checked(pcmc_arith_sub(x, y, &v), "-"); break;
          case EOp::Mul: checked(pcmc_arith_mul(x, y, &v), "*"); break;
          case EOp::Div: checked(pcmc_arith_div(x, y, &v), "/"); break;
          case EOp::Mod: checked(pcmc_arith_mod(x, y, &v), "%"); break;
          case EOp::Shl: checked(pcmc_arith_shl(x, y, &v), "<<"); break;
          case EOp::Shr: checked(pcmc_arith_shr(x, y, &v), ">>"); break;
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

}  // namespace pcmc::model::detail
