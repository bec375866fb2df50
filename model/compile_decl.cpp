// The compiler's declarations: globals, pools, threads, switches and the symbol table they
// fill (the driver is model/compile.cpp; types and layout model/compile_types.cpp).
#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "model/compiler.hpp"
#include "model/lower_types.hpp"
#include "model/parser.hpp"

namespace pcmc::model::detail {
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

}  // namespace pcmc::model::detail
