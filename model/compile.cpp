// The compiler driver: declarations, types, layout and the symbol table. Expression and
// statement lowering live in model/lower_*.cpp (expr: addresses, ops: values, call: calls and
// assertions, stmt: statements, thread: emission and threads; see model/compile.hpp for the
// lowering rules the rest of pcmc relies on).
#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "model/compiler.hpp"
#include "model/lower_types.hpp"
#include "model/parser.hpp"

namespace pcmc::model {

namespace detail {

void fail(SrcLoc loc, const std::string& msg) { throw CompileError(loc, msg); }

namespace {
std::uint8_t width_for(std::int64_t lo, std::int64_t hi) {
  if (lo >= -128 && hi <= 127) return 1;
  if (lo >= -32768 && hi <= 32767) return 2;
  return 4;
}
}  // namespace

Compiler::Compiler(const ast::Model& m, const SourceManager& sm, const CompileOptions& o,
                   Program& p)
    : m_(m), sm_(sm), opts_(o), p_(p) {
  t_.model = &m;
  t_.sm = &sm;
  t_.opts = o;
  t_.prog = &p;
}

std::string Compiler::source_text(const ast::Expr& e) const {
  // The condition as written: from its start to the matching end of the call argument.
  std::string line = sm_.line_text(e.loc.file, e.loc.line);
  if (e.loc.col == 0 || e.loc.col > line.size()) return "";
  std::string s = line.substr(e.loc.col - 1);
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') {
      if (depth == 0) return s.substr(0, i);
      --depth;
    }
    if ((c == ',' || c == ';') && depth == 0) return s.substr(0, i);
  }
  return s;
}

std::string Compiler::type_name(const TypeP& t) const {
  switch (t->kind) {
    case Type::Void: return "void";
    case Type::Bool: return "bool";
    case Type::Int: return "int[" + std::to_string(t->lo) + ".." + std::to_string(t->hi) + "]";
    case Type::Enum: return "enum " + p_.enums.at(static_cast<std::size_t>(t->enum_id)).name;
    case Type::Thread: return "thread_t";
    case Type::Ref: return "struct " + t_.structs.at(static_cast<std::size_t>(t->struct_id)).name + " *";
    case Type::Null: return "NULL";
    case Type::Struct: return "struct " + t_.structs.at(static_cast<std::size_t>(t->struct_id)).name;
    case Type::Array: return type_name(t->elem) + "[" + std::to_string(t->count) + "]";
    case Type::Alias: return type_name(t->elem) + " *";
  }
  return "?";
}

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

// ---------------------------------------------------------------------------- declarations
void Compiler::declare() {
  t_.nthreads = static_cast<unsigned>(m_.threads.size());
  if (t_.nthreads > 254) fail(m_.threads[254].loc, "too many threads (at most 254)");
  std::map<std::string, SrcLoc> names;
  auto unique = [&](const std::string& n, SrcLoc loc, const char* what) {
    auto [it, ok] = names.emplace(n, loc);
    if (!ok) fail(loc, std::string("duplicate ") + what + " '" + n + "' (first declared at " + sm_.where(it->second) + ")");
  };
  for (const auto& s : m_.switches) {
    unique(s.name, s.loc, "declaration of");
    t_.switches.insert(s.name);
    p_.switches.push_back(s.name);
  }
  for (const auto& d : opts_.defines)
    if (!t_.switches.count(d)) {
      std::string declared;
      for (const auto& s : p_.switches) declared += (declared.empty() ? "" : ", ") + s;
      fail(SrcLoc{0, 1, 1}, "unknown switch '" + d + "' given with -D (declared switches: " +
                                (declared.empty() ? "none" : declared) + ")");
    }
  p_.defined = opts_.defines;
  std::sort(p_.defined.begin(), p_.defined.end());
  p_.defined.erase(std::unique(p_.defined.begin(), p_.defined.end()), p_.defined.end());
  for (const auto& s : m_.switches) {
    Binding b;
    b.type = mk(Type{Type::Bool, 0, 1});
    b.value = konst(std::count(p_.defined.begin(), p_.defined.end(), s.name) ? 1 : 0);
    t_.constants[s.name] = b;
  }
  std::set<std::string> defined_consts;  // a #default yields to a const/#define of its name
  for (const auto& c : m_.consts)
    if (!c.is_default) defined_consts.insert(c.name);
  for (const auto& c : m_.consts) {
    if (c.is_default && defined_consts.count(c.name)) continue;
    unique(c.name, c.loc, "declaration of");
    t_.const_decls[c.name] = &c;
  }
  for (const auto& e : m_.enums) {
    if (t_.enum_ids.count(e.name)) fail(e.loc, "duplicate enum '" + e.name + "'");
    int id = static_cast<int>(p_.enums.size());
    t_.enum_ids[e.name] = id;
    EnumInfo info{e.name, {}};
    for (const auto& [item, loc] : e.items) {
      unique(item, loc, "declaration of");
      info.items.push_back(item);
    }
    p_.enums.push_back(info);
    Type et{Type::Enum, 0, static_cast<std::int64_t>(e.items.size()) - 1};
    et.enum_id = id;
    TypeP etp = mk(et);
    for (std::size_t i = 0; i < e.items.size(); ++i)
      t_.constants[e.items[i].first] = Binding{etp, -1, konst(static_cast<std::int64_t>(i))};
  }
  for (const auto& td : m_.typedefs) {
    if (t_.typedefs.count(td.name)) fail(td.loc, "duplicate typedef '" + td.name + "'");
    t_.typedefs[td.name] = &td;
  }
  for (const auto& s : m_.structs) {
    if (t_.struct_ids.count(s.name)) fail(s.loc, "duplicate struct '" + s.name + "'");
    t_.struct_ids[s.name] = static_cast<int>(t_.structs.size());
    StructRec r;
    r.name = s.name;
    r.loc = s.loc;
    r.decl = &s;
    t_.structs.push_back(r);
  }
  // Pools first (references need their sizes), then layout.
  for (const auto& g : m_.globals) {
    if (!g.is_pool) continue;
    if (g.type->kind != ast::TypeKind::Struct) fail(g.loc, "a pool must hold a struct type");
    auto it = t_.struct_ids.find(g.type->name);
    if (it == t_.struct_ids.end()) fail(g.type->loc, "unknown struct '" + g.type->name + "'");
    StructRec& s = t_.structs[static_cast<std::size_t>(it->second)];
    if (s.pool >= 0) fail(g.loc, "struct " + s.name + " already has a pool");
    if (g.dims.size() != 1) fail(g.loc, "a pool has exactly one dimension");
    std::int64_t n = const_int(*g.dims[0], "a pool size");
    if (n <= 0 || n > 65535) fail(g.dims[0]->loc, "pool size must be between 1 and 65535");
    s.pool = static_cast<int>(p_.pools.size());
    Pool pool;
    pool.name = g.name;
    pool.struct_name = s.name;
    pool.count = static_cast<std::uint32_t>(n);
    if (g.elem_names.size() > pool.count)
      fail(g.elem_names[pool.count].second, "more element names than pool elements (" +
                                                 std::to_string(pool.count) + ")");
    for (const auto& [en, eloc] : g.elem_names) pool.elem_names.push_back(en);
    if (g.block) {
      const std::int64_t b = const_int(*g.block, "a pool's block size");
      // Three separate refusals: n % b means nothing for b < 1, and "a multiple" misleads for
      // b > n. Past these, b <= n <= 65535 fits the uint32_t below.
      const std::string what = "blocks(" + std::to_string(b) + "): ";
      if (b < 1) fail(g.block->loc, what + "the block size must be at least 1");
      if (b > n)
        fail(g.block->loc, what + "the block size must not exceed the pool size " +
                               std::to_string(n));
      if (n % b != 0)
        fail(g.block->loc, what + "the pool size " + std::to_string(n) +
                               " must be a multiple of the block size");
      pool.block = static_cast<std::uint32_t>(b);
    }
    p_.pools.push_back(pool);
    t_.pools.push_back(PoolRec{it->second, g.name});
  }
  std::uint32_t off = 0;
  for (const auto& g : m_.globals) {
    unique(g.name, g.loc, "declaration of");
    if (g.is_pool) {
      int sid = t_.struct_ids[g.type->name];
      layout_struct(sid, g.loc);
      StructRec& s = t_.structs[static_cast<std::size_t>(sid)];
      Pool& pool = p_.pools[static_cast<std::size_t>(s.pool)];
      pool.base = off;
      pool.elem_size = s.size;
      off += s.size * pool.count;
      Type rt{Type::Ref, 0, pool.count};
      rt.pool = s.pool;
      rt.struct_id = sid;
      TypeP rtp = mk(rt);
      for (std::size_t i = 0; i < g.elem_names.size(); ++i) {
        unique(g.elem_names[i].first, g.elem_names[i].second, "declaration of");
        t_.constants[g.elem_names[i].first] =
            Binding{rtp, -1, konst(static_cast<std::int64_t>(i) + 1)};
      }
      continue;
    }
    TypeP t = array_of(resolve_type(*g.type, false), g.dims);
    if (t->kind == Type::Void) fail(g.loc, "a variable cannot be void");
    Binding b;
    b.type = t;
    ANode a;
    a.op = AOp::Global;
    a.offset = off;
    a.loc = g.loc;
    b.addr = addr_node(a);
    t_.globals[g.name] = b;
    off += size_of(t);
  }
  p_.globals_size = off;
  for (const auto& f : m_.funcs) {
    unique(f.name, f.loc, "declaration of");
    t_.funcs[f.name] = &f;
  }
  std::set<std::string> thread_names;
  for (const auto& th : m_.threads)
    if (!thread_names.insert(th.name).second) fail(th.loc, "duplicate thread '" + th.name + "'");
  // Constants and typedefs are resolved on use; force each once so that errors surface.
  for (const auto& c : m_.consts) constant(c.name, c.loc);
  for (const auto& td : m_.typedefs) {
    ast::TypeExpr named;
    named.kind = ast::TypeKind::Named;
    named.name = td.name;
    named.loc = td.loc;
    resolve_type(named, false);
  }
  for (std::size_t i = 0; i < t_.structs.size(); ++i) layout_struct(static_cast<int>(i), t_.structs[i].loc);
}

// ---------------------------------------------------------------------------- symbols
void Compiler::add_symbols(const std::string& name, const TypeP& t, std::uint32_t offset,
                           int thread, int frame) {
  switch (t->kind) {
    case Type::Struct: {
      const StructRec& s = t_.structs[static_cast<std::size_t>(t->struct_id)];
      for (const FieldRec& f : s.fields) add_symbols(name + "." + f.name, f.type, offset + f.offset, thread, frame);
      return;
    }
    case Type::Array: {
      std::uint32_t es = size_of(t->elem);
      for (std::uint32_t i = 0; i < t->count; ++i)
        add_symbols(name + "[" + std::to_string(i) + "]", t->elem, offset + i * es, thread, frame);
      return;
    }
    case Type::Void:
    case Type::Null:
    case Type::Alias: return;
    default: {
      Symbol s;
      s.name = name;
      s.scalar = scalar_of(t);
      s.offset = offset;
      s.thread = thread;
      s.frame = frame;
      p_.symbols.push_back(s);
    }
  }
}

// ---------------------------------------------------------------------------- recursion
void Compiler::check_recursion() {
  // Call graph from the syntax tree; a cycle is reported at the call that closes it.
  std::map<std::string, std::vector<std::pair<std::string, SrcLoc>>> calls;
  std::function<void(const ast::Expr*, const std::string&)> ex = [&](const ast::Expr* e, const std::string& f) {
    if (!e) return;
    if (e->kind == ast::ExprKind::Call && t_.funcs.count(e->name)) calls[f].emplace_back(e->name, e->loc);
    for (const auto& k : e->kids) ex(k.get(), f);
  };
  std::function<void(const ast::Stmt*, const std::string&)> st = [&](const ast::Stmt* s, const std::string& f) {
    if (!s) return;
    ex(s->expr.get(), f);
    ex(s->lhs.get(), f);
    if (s->decl) ex(s->decl->init.get(), f);
    for (const auto& b : s->body) st(b.get(), f);
    st(s->then_branch.get(), f);
    st(s->else_branch.get(), f);
    st(s->init.get(), f);
    st(s->step.get(), f);
  };
  for (const auto& f : m_.funcs) st(f.body.get(), f.name);
  std::map<std::string, int> state;
  std::vector<std::string> path;
  std::function<void(const std::string&)> dfs = [&](const std::string& f) {
    state[f] = 1;
    path.push_back(f);
    for (const auto& [g, loc] : calls[f]) {
      if (state[g] == 1) {
        std::string cyc;
        auto it = std::find(path.begin(), path.end(), g);
        for (; it != path.end(); ++it) cyc += *it + " -> ";
        fail(loc, "recursion is not supported: " + cyc + g);
      }
      if (state[g] == 0) dfs(g);
    }
    path.pop_back();
    state[f] = 2;
  };
  for (const auto& f : m_.funcs)
    if (state[f.name] == 0) dfs(f.name);
}

// ---------------------------------------------------------------------------- guards
void Compiler::lower_guards() {
  for (std::size_t sid = 0; sid < t_.structs.size(); ++sid) {
    StructRec& s = t_.structs[sid];
    for (FieldRec& f : s.fields) {
      if (!f.guard) continue;
      if (s.pool < 0) fail(f.guard->loc, "guarded_by is only supported on fields of pooled structs");
      Type rt{Type::Ref, 0, p_.pools[static_cast<std::size_t>(s.pool)].count};
      rt.pool = s.pool;
      rt.struct_id = static_cast<int>(sid);
      ENode n;
      n.op = EOp::Self;
      self_ = node(n);
      self_type_ = mk(rt);
      bool saved = pure_;
      pure_ = true;
      Typed g = cond(*f.guard);
      pure_ = saved;
      self_ = -1;
      self_type_.reset();
      f.guard_expr = g.e;
      f.field_info = static_cast<int>(p_.fields.size());
      p_.fields.push_back(FieldInfo{s.name, f.name, source_text(*f.guard)});
    }
  }
}

// ---------------------------------------------------------------------------- driver
void Compiler::run() {
  const SourceFile& main = sm_.file(0);
  p_.main_file = main.path;
  p_.debug_vm = opts_.debug_vm;
  if (!m_.scenarios.empty()) {
    p_.scenario = m_.scenarios[0].name;
    p_.doc = m_.scenarios[0].doc;
    if (m_.scenarios.size() > 1) fail(m_.scenarios[1].loc, "more than one scenario declaration");
  } else {
    p_.scenario = std::filesystem::path(main.path).stem().string();
  }
  declare();
  check_recursion();
  lower_guards();
  // Globals as symbols, pools by element name.
  for (const auto& g : m_.globals) {
    if (g.is_pool) continue;
    const Binding& b = t_.globals[g.name];
    add_symbols(g.name, b.type, p_.addrs[static_cast<std::size_t>(b.addr)].offset, -1, -1);
  }
  for (std::size_t pi = 0; pi < p_.pools.size(); ++pi) {
    const Pool& pool = p_.pools[pi];
    Type st{Type::Struct};
    st.struct_id = t_.pools[pi].struct_id;
    TypeP stp = mk(st);
    for (std::uint32_t i = 0; i < pool.count; ++i) {
      std::string n = i < pool.elem_names.size() ? pool.elem_names[i] : pool.name + "[" + std::to_string(i) + "]";
      add_symbols(n, stp, pool.base + i * pool.elem_size, -1, -1);
    }
  }
  // Threads: areas follow the globals.
  std::uint32_t off = p_.globals_size;
  p_.threads.resize(m_.threads.size());
  for (std::size_t i = 0; i < m_.threads.size(); ++i) {
    Thread& th = p_.threads[i];
    th.name = m_.threads[i].name;
    th.loc = m_.threads[i].loc;
    th.area_offset = off;
    thread_id_ = static_cast<int>(i);
    lower_thread(th, *m_.threads[i].body, th.name, false);
    off += th.area_size;
    Symbol pc;
    pc.name = th.name + ".pc";
    pc.offset = th.area_offset;
    pc.thread = static_cast<int>(i);
    pc.is_pc = true;
    p_.symbols.push_back(pc);
  }
  p_.state_size = off;
  // Init: global defaults and initialisers, then the init blocks. Its locals use the thread
  // areas as scratch (after the first pc) and are cleared at its end, so all pcs and locals are
  // zero in the initial state.
  p_.init.name = "init";
  p_.init.area_offset = p_.globals_size;
  thread_id_ = -1;
  {
    ast::Stmt body;
    body.kind = ast::StmtKind::Block;
    lower_thread(p_.init, body, "init", true);
  }
  p_.state_size = std::max(p_.state_size, p_.globals_size + p_.init.area_size);
  compute_store_buffers();  // tso/pso: the store buffers follow everything else
  if (p_.state_size > (1u << 20)) fail(SrcLoc{0, 1, 1}, "the state is larger than 1 MiB");
  // Functions no thread calls are still checked (they are library code someone will call).
  register_sites_ = false;
  for (const auto& f : m_.funcs)
    if (!lowered_funcs_.count(&f) && !is_expr_function(f)) check_function(f);
  register_sites_ = true;
  // State conditions.
  auto conds = [&](const std::vector<ast::CondDecl>& in, std::vector<NamedCond>& out) {
    std::set<std::string> seen;
    for (const auto& c : in) {
      if (!seen.insert(c.name).second) fail(c.loc, "duplicate condition name '" + c.name + "'");
      pure_ = true;
      Typed v = cond(*c.cond);
      out.push_back(NamedCond{c.name, v.e, c.loc, source_text(*c.cond)});
    }
  };
  conds(m_.invariants, p_.invariants);
  conds(m_.finals, p_.finals);
  // Exists clauses: at most one unnamed (its name is "exists"), named ones unique; at most
  // kMaxExists, because an end state records which hold as a bit mask (checker/system.hpp).
  {
    std::set<std::string> seen;
    for (const auto& e : m_.exists) {
      if (e.name == "never" || e.name == "sometimes" || e.name == "always")
        fail(e.loc, "an exists clause cannot be named '" + e.name + "'");
      if (!seen.insert(e.name).second)
        fail(e.loc, e.name.empty() ? std::string("at most one unnamed exists clause (name them: "
                                                 "exists NAME: cond;)")
                                   : "duplicate exists clause '" + e.name + "'");
      if (p_.exists.size() == kMaxExists)
        fail(e.loc, "at most " + std::to_string(kMaxExists) + " exists clauses");
      pure_ = true;
      Typed v = cond(*e.cond);
      p_.exists.push_back(
          NamedCond{e.name.empty() ? "exists" : e.name, v.e, e.loc, source_text(*e.cond)});
    }
  }
  // Nothing to explore: a library file, an empty file, or a scenario whose threads are missing
  // would otherwise "hold" with one state. The whole file is the location.
  if (p_.threads.empty())
    fail(SrcLoc{0, 0, 0}, "the model declares no thread, so there is nothing to explore (a "
                          "library file? check a scenario that includes it)");
  p_.expects = m_.expects;
  for (const auto& e : m_.expects)
    for (std::size_t i = 0; i < e.variants.size(); ++i)
      for (const auto& sw : e.variants[i])
        if (!t_.switches.count(sw))
          fail(e.variant_locs[i], "unknown switch '" + sw + "' in expect block");
}

}  // namespace detail

Program compile(const ast::Model& model, const SourceManager& sm, const CompileOptions& opts) {
  Program p;
  detail::Compiler c(model, sm, opts, p);
  c.run();
  return p;
}

Program load_program(SourceManager& sm, const std::string& path, const ParseOptions& popts,
                     const CompileOptions& copts) {
  ast::Model m = parse_file(sm, path, popts);
  return compile(m, sm, copts);
}

}  // namespace pcmc::model
