// The compiler driver: recursion and guard checks, and the pass order (declarations and the
// symbol table: model/compile_decl.cpp; constants, types and layout: model/compile_types.cpp).
// Expression and statement lowering live in model/lower_*.cpp (expr: addresses, ops: values,
// call: calls and assertions, stmt: statements, thread: emission and threads; see
// model/compile.hpp for the lowering rules the rest of pcmc relies on).
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
