// The compiler's constants and types: constant folding of declarations, type resolution,
// struct layout, sizes and default values (the driver is model/compile.cpp).
#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "model/compiler.hpp"
#include "model/lower_types.hpp"
#include "model/parser.hpp"

namespace pcmc::model::detail {

namespace {
// The narrowest storage of a range type's values (1, 2 or 4 bytes).
std::uint8_t width_for(std::int64_t lo, std::int64_t hi) {
  if (lo >= -128 && hi <= 127) return 1;
  if (lo >= -32768 && hi <= 32767) return 2;
  return 4;
}
}  // namespace
// ---------------------------------------------------------------------------- constants
std::int64_t Compiler::const_int(const ast::Expr& e, const char* what) {
  bool saved = pure_;
  pure_ = true;
  Typed v = rvalue(e);
  pure_ = saved;
  const ENode& n = p_.exprs.at(static_cast<std::size_t>(v.e));
  if (n.op != EOp::Const) fail(e.loc, std::string(what) + " must be a constant expression");
  return n.value;
}

Binding Compiler::constant(const std::string& name, SrcLoc use) {
  auto it = t_.constants.find(name);
  if (it != t_.constants.end()) return it->second;
  auto d = t_.const_decls.find(name);
  if (d == t_.const_decls.end()) return Binding{};
  if (t_.const_state[name] == 1) fail(use, "constant '" + name + "' is defined in terms of itself");
  t_.const_state[name] = 1;
  bool saved = pure_;
  pure_ = true;
  Typed v = rvalue(*d->second->value);
  pure_ = saved;
  const ENode& n = p_.exprs.at(static_cast<std::size_t>(v.e));
  if (n.op != EOp::Const) fail(d->second->value->loc, "the value of '" + name + "' must be constant");
  t_.const_state[name] = 2;
  Binding b;
  if (v.type->kind == Type::Int) b.type = mk(Type{Type::Int, n.value, n.value});
  else b.type = v.type;
  b.value = v.e;
  t_.constants[name] = b;
  return b;
}

// ---------------------------------------------------------------------------- types
TypeP Compiler::resolve_type(const ast::TypeExpr& t, bool param) {
  switch (t.kind) {
    case ast::TypeKind::Void: return mk(Type{Type::Void});
    case ast::TypeKind::Bool: return mk(Type{Type::Bool, 0, 1});
    case ast::TypeKind::ThreadT:
      return mk(Type{Type::Thread, 0, static_cast<std::int64_t>(t_.nthreads)});
    case ast::TypeKind::IntRange: {
      Type r{Type::Int};
      r.lo = const_int(*t.lo, "an int range bound");
      r.hi = const_int(*t.hi, "an int range bound");
      if (r.lo > r.hi)
        fail(t.loc, "empty range int[" + std::to_string(r.lo) + ".." + std::to_string(r.hi) + "]");
      if (r.lo < INT32_MIN || r.hi > INT32_MAX) fail(t.loc, "range does not fit in 32 bits");
      return mk(r);
    }
    case ast::TypeKind::Named: {
      auto it = t_.typedef_types.find(t.name);
      if (it != t_.typedef_types.end()) return it->second;
      auto d = t_.typedefs.find(t.name);
      if (d == t_.typedefs.end()) fail(t.loc, "unknown type '" + t.name + "'");
      TypeP r = resolve_type(*d->second->type, false);
      t_.typedef_types[t.name] = r;
      return r;
    }
    case ast::TypeKind::Struct: {
      auto it = t_.struct_ids.find(t.name);
      if (it == t_.struct_ids.end()) fail(t.loc, "unknown struct '" + t.name + "'");
      Type r{Type::Struct};
      r.struct_id = it->second;
      return mk(r);
    }
    case ast::TypeKind::Enum: {
      auto it = t_.enum_ids.find(t.name);
      if (it == t_.enum_ids.end()) fail(t.loc, "unknown enum '" + t.name + "'");
      Type r{Type::Enum, 0, static_cast<std::int64_t>(p_.enums[static_cast<std::size_t>(it->second)].items.size()) - 1};
      r.enum_id = it->second;
      return mk(r);
    }
    case ast::TypeKind::Pointer: {
      TypeP inner = resolve_type(*t.pointee, false);
      if (inner->kind == Type::Struct &&
          t_.structs[static_cast<std::size_t>(inner->struct_id)].pool >= 0) {
        Type r{Type::Ref};
        r.struct_id = inner->struct_id;
        r.pool = t_.structs[static_cast<std::size_t>(inner->struct_id)].pool;
        r.lo = 0;
        r.hi = p_.pools[static_cast<std::size_t>(r.pool)].count;
        return mk(r);
      }
      if (!param)
        fail(t.loc, "a pointer to " + type_name(inner) +
                        " can only be a parameter (declare a pool to store references)");
      Type r{Type::Alias};
      r.elem = inner;
      return mk(r);
    }
  }
  fail(t.loc, "bad type");
}

TypeP Compiler::array_of(TypeP elem, const std::vector<ast::ExprPtr>& dims) {
  for (auto it = dims.rbegin(); it != dims.rend(); ++it) {
    std::int64_t n = const_int(**it, "an array dimension");
    if (n <= 0) fail((*it)->loc, "array dimension must be positive, not " + std::to_string(n));
    if (n > 65535) fail((*it)->loc, "array dimension too large");
    Type r{Type::Array};
    r.elem = elem;
    r.count = static_cast<std::uint32_t>(n);
    elem = mk(r);
  }
  return elem;
}

void Compiler::layout_struct(int id, SrcLoc use) {
  StructRec& s = t_.structs[static_cast<std::size_t>(id)];
  if (s.laid_out) return;
  if (s.laying_out) fail(use, "struct " + s.name + " contains itself");
  s.laying_out = true;
  std::uint32_t off = 0;
  std::set<std::string> seen;
  for (const ast::FieldDecl& f : s.decl->fields) {
    if (!seen.insert(f.name).second) fail(f.loc, "duplicate field '" + f.name + "' in struct " + s.name);
    TypeP ft = array_of(resolve_type(*f.type, false), f.dims);
    if (ft->kind == Type::Void) fail(f.loc, "a field cannot be void");
    TypeP inner = ft;
    while (inner->kind == Type::Array) inner = inner->elem;
    if (inner->kind == Type::Struct) layout_struct(inner->struct_id, f.type->loc);
    FieldRec r;
    r.name = f.name;
    r.type = ft;
    r.offset = off;
    r.guard = f.guard.get();
    t_.structs[static_cast<std::size_t>(id)].fields.push_back(r);
    off += size_of(ft);
  }
  StructRec& s2 = t_.structs[static_cast<std::size_t>(id)];
  s2.size = off;
  s2.laid_out = true;
  s2.laying_out = false;
}

std::uint32_t Compiler::size_of(const TypeP& t) {
  switch (t->kind) {
    case Type::Struct: {
      layout_struct(t->struct_id, {});
      return t_.structs[static_cast<std::size_t>(t->struct_id)].size;
    }
    case Type::Array: return size_of(t->elem) * t->count;
    case Type::Void:
    case Type::Null:
    case Type::Alias: return 0;
    default: return scalar_of(t).width;
  }
}

Scalar Compiler::scalar_of(const TypeP& t) const {
  Scalar s;
  switch (t->kind) {
    case Type::Bool: s.kind = ScalarKind::Bool; s.lo = 0; s.hi = 1; break;
    case Type::Int: s.kind = ScalarKind::Int; s.lo = t->lo; s.hi = t->hi; break;
    case Type::Enum: s.kind = ScalarKind::Enum; s.lo = 0; s.hi = t->hi; s.enum_id = t->enum_id; break;
    case Type::Thread: s.kind = ScalarKind::Thread; s.lo = 0; s.hi = t->hi; break;
    case Type::Ref: s.kind = ScalarKind::Ref; s.lo = 0; s.hi = t->hi; s.pool = t->pool; break;
    default: throw std::logic_error("scalar_of a non-scalar type");
  }
  s.width = width_for(s.lo, s.hi);
  return s;
}

std::int64_t Compiler::default_value(const TypeP& t) const {
  if (t->kind == Type::Int && (t->lo > 0 || t->hi < 0)) return t->lo;
  return 0;
}

}  // namespace pcmc::model::detail
