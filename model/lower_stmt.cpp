// Statement lowering: threads and init, control flow with gotos and loops, atomic blocks,
// awaits, assertions, local declarations, and call inlining with frames, out-parameters and
// cleared locals (see model/compile.hpp for the rules).
#include "model/compiler.hpp"

namespace pcmc::model::detail {

namespace {
TypeP mk(Type t) { return std::make_shared<const Type>(std::move(t)); }
TypeP bool_t() { return mk(Type{Type::Bool, 0, 1}); }
}  // namespace

// ---------------------------------------------------------------------------- emission
std::uint32_t Compiler::emit(Instr i) {
  if (pure_ || !th_) throw std::logic_error("instruction emitted outside code");
  i.frame = frames_.empty() ? -1 : frames_.back().frame;
  if (i.loc.line == 0) i.loc = stmt_loc_;
  bool in_atomic = atomic_depth_ > 0;
  switch (i.op) {
    case IOp::Assign: case IOp::Choose: case IOp::Assert:
      i.shared = addr_shared(i.a) || touches_shared(i.b);
      break;
    case IOp::JumpIfNot: case IOp::Await: i.shared = touches_shared(i.b); break;
    default: i.shared = false;
  }
  i.yields = !in_atomic && (i.shared || i.op == IOp::Await || i.op == IOp::Choose ||
                            i.op == IOp::AtomicBegin);
  th_->code.push_back(i);
  if (th_->code.size() > 65000) fail(i.loc, "thread code exceeds 65000 instructions");
  return static_cast<std::uint32_t>(th_->code.size() - 1);
}

void Compiler::emit_assign(AddrId a, ExprId v, const TypeP& t, SrcLoc loc) {
  Instr i;
  i.op = IOp::Assign;
  i.a = a;
  i.b = v;
  i.scalar = scalar_of(t);
  i.loc = loc;
  emit(i);
}

AddrId Compiler::alloc(std::uint32_t bytes) {
  if (!th_) throw std::logic_error("local allocated outside code");
  ANode n;
  n.op = AOp::Local;
  n.offset = top_;
  n.local = true;
  top_ += bytes;
  max_top_ = std::max(max_top_, top_);
  return addr_node(n);
}

void Compiler::release_to(std::uint32_t top) {
  if (top_ > top) {
    Instr c;
    c.op = IOp::Clear;
    c.offset = top;
    c.len = top_ - top;
    emit(c);
    top_ = top;
  }
}

void Compiler::bind_local(const std::string& name, const TypeP& t, AddrId a, SrcLoc loc) {
  auto& scope = frames_.back().scopes.back();
  if (scope.count(name)) fail(loc, "duplicate local '" + name + "'");
  scope[name] = Binding{t, a, -1};
  if (register_sites_ && thread_id_ >= 0 && t->kind != Type::Alias &&
      p_.addrs[static_cast<std::size_t>(a)].op == AOp::Local) {
    std::string prefix = th_->name + "." + (frames_.size() > 1 ? frames_.back().name + "." : "");
    add_symbols(prefix + name, t, th_->area_offset + p_.addrs[static_cast<std::size_t>(a)].offset,
                thread_id_, frames_.back().frame);
  }
}

// ---------------------------------------------------------------------------- threads
void Compiler::lower_thread(Thread& th, const ast::Stmt& body, const std::string& name,
                            bool is_init) {
  th_ = &th;
  pure_ = false;
  frames_.clear();
  loops_.clear();
  top_ = max_top_ = kPcBytes;
  atomic_depth_ = atomic_region_ = 0;
  p_.frames.push_back(Frame{name, -1, th.loc});
  FrameCtx fc;
  fc.name = name;
  fc.frame = static_cast<std::int32_t>(p_.frames.size() - 1);
  fc.scopes.emplace_back();
  fc.base = kPcBytes;
  frames_.push_back(std::move(fc));
  if (is_init) {
    // Global initialisers and non-zero defaults, then the init blocks in order.
    std::function<void(AddrId, const TypeP&)> defaults = [&](AddrId a, const TypeP& t) {
      if (t->kind == Type::Struct) {
        for (const auto& f : t_.structs[static_cast<std::size_t>(t->struct_id)].fields)
          defaults(member(a, f.offset), f.type);
      } else if (t->kind == Type::Array) {
        std::uint32_t es = size_of(t->elem);
        for (std::uint32_t i = 0; i < t->count; ++i) defaults(member(a, i * es), t->elem);
      } else if (t->is_scalar() && default_value(t) != 0) {
        emit_assign(a, konst(default_value(t)), t, {});
      }
    };
    for (const auto& g : m_.globals) {
      if (g.is_pool) {
        const StructRec& s = t_.structs[static_cast<std::size_t>(t_.struct_ids[g.type->name])];
        const Pool& pool = p_.pools[static_cast<std::size_t>(s.pool)];
        Type st{Type::Struct};
        st.struct_id = t_.struct_ids[g.type->name];
        for (std::uint32_t i = 0; i < pool.count; ++i) {
          ANode n;
          n.op = AOp::Global;
          n.offset = pool.base + i * pool.elem_size;
          defaults(addr_node(n), mk(st));
        }
        continue;
      }
      const Binding& b = t_.globals[g.name];
      stmt_loc_ = g.loc;
      if (g.init) {
        if (!b.type->is_scalar()) fail(g.init->loc, "only scalar globals take an initialiser");
        pure_ = true;
        Typed v = rvalue(*g.init);
        pure_ = false;
        if (p_.exprs[static_cast<std::size_t>(v.e)].op != EOp::Const)
          fail(g.init->loc, "a global's initialiser must be constant (use init { } for more)");
        check_assignable(b.type, v, g.init->loc);
        emit_assign(b.addr, truth_if_bool(b.type, v, g.init->loc), b.type, g.loc);
      } else {
        defaults(b.addr, b.type);
      }
    }
    for (const auto& in : m_.inits) stmt(*in.body);
  } else {
    stmt(body);
  }
  finish_frame();
  release_to(kPcBytes);
  Instr h;
  h.op = IOp::Halt;
  emit(h);
  th.area_size = max_top_;
  frames_.clear();
  th_ = nullptr;
  pure_ = true;
}

ExprId Compiler::truth_if_bool(const TypeP& dst, const Typed& v, SrcLoc loc) {
  return dst->kind == Type::Bool ? truth(v, loc) : v.e;
}

// Patches the current frame's gotos and returns; reports undefined labels.
void Compiler::finish_frame() {
  FrameCtx& fc = frames_.back();
  auto here = static_cast<std::uint32_t>(th_->code.size());
  for (std::uint32_t at : fc.return_patches) th_->code[at].target = here;
  for (auto& [name, l] : fc.labels) {
    if (!l.defined) fail(l.goto_locs.front(), "goto to undefined label '" + name + "'");
    for (std::size_t k = 0; k < l.patches.size(); ++k) {
      const auto& [at, region] = l.patches[k];
      if (l.atomic_region != 0 && l.atomic_region != region)
        fail(l.goto_locs[k], "goto '" + name + "' jumps into an atomic block");
      th_->code[at].target = l.target;
    }
  }
}

// ---------------------------------------------------------------------------- statements
void Compiler::stmt(const ast::Stmt& s) {
  stmt_loc_ = s.loc;
  std::uint32_t mark = top_;
  switch (s.kind) {
    case ast::StmtKind::Empty: return;
    case ast::StmtKind::Block:
      frames_.back().scopes.emplace_back();
      for (const auto& c : s.body) stmt(*c);
      frames_.back().scopes.pop_back();
      break;
    case ast::StmtKind::Decl: decl(*s.decl); return;
    case ast::StmtKind::Expr:
      if (s.expr->kind != ast::ExprKind::Call) fail(s.loc, "this expression statement has no effect");
      call_expr(*s.expr, false);
      break;
    case ast::StmtKind::Assign: assign(s); break;
    case ast::StmtKind::If: {
      Typed c = cond(*s.expr);
      const ENode& cn = p_.exprs[static_cast<std::size_t>(c.e)];
      if (cn.op == EOp::Const) {  // switches and constants: only the taken branch exists
        if (cn.value) stmt(*s.then_branch);
        else if (s.else_branch) stmt(*s.else_branch);
        break;
      }
      Instr j;
      j.op = IOp::JumpIfNot;
      j.b = c.e;
      j.loc = s.loc;
      std::uint32_t jf = emit(j);
      stmt(*s.then_branch);
      if (s.else_branch) {
        Instr jmp;
        jmp.op = IOp::Jump;
        jmp.loc = s.loc;
        std::uint32_t je = emit(jmp);
        th_->code[jf].target = static_cast<std::uint32_t>(th_->code.size());
        stmt(*s.else_branch);
        th_->code[je].target = static_cast<std::uint32_t>(th_->code.size());
      } else {
        th_->code[jf].target = static_cast<std::uint32_t>(th_->code.size());
      }
      break;
    }
    case ast::StmtKind::While:
    case ast::StmtKind::For:
    case ast::StmtKind::DoWhile: loop(s); break;
    case ast::StmtKind::Break:
    case ast::StmtKind::Continue: {
      if (loops_.empty())
        fail(s.loc, std::string(s.kind == ast::StmtKind::Break ? "break" : "continue") +
                        " outside a loop");
      Instr j;
      j.op = IOp::Jump;
      std::uint32_t at = emit(j);
      (s.kind == ast::StmtKind::Break ? loops_.back().breaks : loops_.back().continues).push_back(at);
      return;
    }
    case ast::StmtKind::Return: {
      FrameCtx& fc = frames_.back();
      if (!fc.func) {
        if (s.expr) fail(s.loc, "a thread body returns no value");
      } else if (fc.ret_type->kind == Type::Void) {
        if (s.expr) fail(s.loc, "'" + fc.name + "' is void and cannot return a value");
      } else {
        if (!s.expr) fail(s.loc, "'" + fc.name + "' must return a value");
        Typed v = rvalue(*s.expr);
        check_assignable(fc.ret_type, v, s.expr->loc);
        if (frames_.back().ret_addr >= 0)
          emit_assign(frames_.back().ret_addr, truth_if_bool(fc.ret_type, v, s.loc),
                      frames_.back().ret_type, s.loc);
      }
      Instr j;
      j.op = IOp::Jump;
      frames_.back().return_patches.push_back(emit(j));
      break;
    }
    case ast::StmtKind::Goto: {
      Instr j;
      j.op = IOp::Jump;
      std::uint32_t at = emit(j);
      LabelRec& l = frames_.back().labels[s.label];
      l.patches.emplace_back(at, atomic_region_);
      l.goto_locs.push_back(s.loc);
      return;
    }
    case ast::StmtKind::Labeled: {
      LabelRec& l = frames_.back().labels[s.label];
      if (l.defined) fail(s.loc, "duplicate label '" + s.label + "'");
      l.defined = true;
      l.target = static_cast<std::uint32_t>(th_->code.size());
      l.atomic_region = atomic_region_;
      if (l.goto_locs.empty()) l.goto_locs.push_back(s.loc);
      const ast::Stmt& b = *s.body[0];
      bool names_assert = b.kind == ast::StmtKind::Expr && b.expr->kind == ast::ExprKind::Call &&
                          (b.expr->name.rfind("VM_BUG_ON", 0) == 0 || b.expr->name.rfind("WARN_ON", 0) == 0 ||
                           b.expr->name == "BUG_ON" || b.expr->name == "HARM_ON");
      if (names_assert) pending_label_ = s.label;
      stmt(b);
      pending_label_.clear();
      return;
    }
    case ast::StmtKind::Atomic: {
      bool outer = atomic_depth_ == 0;
      if (outer) {
        Instr b;
        b.op = IOp::AtomicBegin;
        emit(b);
        atomic_region_ = ++next_region_;
      }
      ++atomic_depth_;
      stmt(*s.body[0]);
      --atomic_depth_;
      if (outer) {
        Instr n;
        n.op = IOp::Nop;
        emit(n);
        atomic_region_ = 0;
      }
      break;
    }
    case ast::StmtKind::Await: {
      if (thread_id_ < 0 && !frames_.empty() && frames_.front().name == "init")
        fail(s.loc, "await cannot be used in init (it runs once, before any thread)");
      Typed c = cond(*s.expr);
      Instr a;
      a.op = IOp::Await;
      a.b = c.e;
      emit(a);
      break;
    }
  }
  release_to(mark);
}

void Compiler::loop(const ast::Stmt& s) {
  std::uint32_t mark = top_;
  frames_.back().scopes.emplace_back();
  if (s.kind == ast::StmtKind::For && s.init) stmt(*s.init);
  auto here = [&] { return static_cast<std::uint32_t>(th_->code.size()); };
  std::uint32_t head = here();
  loops_.emplace_back();
  std::int64_t jf = -1;
  auto test = [&]() {
    if (!s.expr) return;
    stmt_loc_ = s.loc;
    Typed c = cond(*s.expr);
    const ENode& cn = p_.exprs[static_cast<std::size_t>(c.e)];
    if (cn.op == EOp::Const && cn.value) return;
    Instr j;
    j.op = IOp::JumpIfNot;
    j.b = c.e;
    j.loc = s.loc;
    jf = emit(j);
  };
  std::uint32_t cont = head;
  if (s.kind == ast::StmtKind::DoWhile) {
    stmt(*s.body[0]);
    cont = here();
    test();
    Instr back;
    back.op = IOp::Jump;
    back.target = head;
    back.loc = s.loc;
    emit(back);
  } else {
    test();
    stmt(*s.body[0]);
    cont = here();
    if (s.step) stmt(*s.step);
    Instr back;
    back.op = IOp::Jump;
    back.target = head;
    back.loc = s.loc;
    emit(back);
  }
  std::uint32_t end = here();
  if (jf >= 0) th_->code[static_cast<std::size_t>(jf)].target = end;
  for (auto at : loops_.back().breaks) th_->code[at].target = end;
  for (auto at : loops_.back().continues) th_->code[at].target = cont;
  loops_.pop_back();
  frames_.back().scopes.pop_back();
  release_to(mark);
}

void Compiler::assign(const ast::Stmt& s) {
  LValue lv = lvalue(*s.lhs);
  if (!lv.type->is_scalar()) fail(s.loc, "cannot assign a whole " + type_name(lv.type));
  Typed v;
  if (s.op == "=") {
    v = rvalue(*s.expr);
  } else {
    Typed r = rvalue(*s.expr);
    std::string op = s.op.substr(0, s.op.size() - 1);
    Typed cur{load(lv.a, lv.type), lv.type};
    ENode n;
    n.loc = s.loc;
    n.a = cur.e;
    n.b = r.e;
    if (lv.type->kind == Type::Ref && (op == "+" || op == "-") &&
        (r.type->kind == Type::Int || r.type->kind == Type::Bool)) {
      n.op = EOp::RefAdd;
      if (op == "-") {
        ENode neg;
        neg.op = EOp::Neg;
        neg.a = r.e;
        n.b = node(neg);
      }
      n.scalar = scalar_of(lv.type);
      v = Typed{node(n), lv.type};
    } else {
      if ((lv.type->kind != Type::Int && lv.type->kind != Type::Bool) ||
          (r.type->kind != Type::Int && r.type->kind != Type::Bool))
        fail(s.loc, "operator " + s.op + " needs integers");
      static const std::pair<const char*, EOp> ops[] = {
          {"+", EOp::Add}, {"-", EOp::Sub}, {"*", EOp::Mul}, {"/", EOp::Div}, {"%", EOp::Mod},
          {"&", EOp::BitAnd}, {"|", EOp::BitOr}, {"^", EOp::BitXor}, {"<<", EOp::Shl}, {">>", EOp::Shr}};
      for (const auto& [o, e] : ops)
        if (op == o) n.op = e;
      v = Typed{node(n), mk(Type{Type::Int, INT32_MIN, INT32_MAX})};
    }
  }
  check_assignable(lv.type, v, s.expr->loc);
  emit_assign(lv.a, truth_if_bool(lv.type, v, s.loc), lv.type, s.loc);
}

void Compiler::decl(const ast::VarDecl& d) {
  TypeP t = array_of(resolve_type(*d.type, false), d.dims);
  if (t->kind == Type::Void) fail(d.loc, "a variable cannot be void");
  std::uint32_t size = size_of(t);
  AddrId a = alloc(size);
  std::uint32_t mark = top_;
  stmt_loc_ = d.loc;
  if (t->is_scalar()) {
    if (d.init) {
      Typed v = rvalue(*d.init);
      check_assignable(t, v, d.init->loc);
      emit_assign(a, truth_if_bool(t, v, d.loc), t, d.loc);
    } else {
      emit_assign(a, konst(default_value(t)), t, d.loc);
    }
  } else {
    if (d.init) fail(d.init->loc, "only scalar variables take an initialiser");
    Instr c;
    c.op = IOp::Clear;
    c.offset = p_.addrs[static_cast<std::size_t>(a)].offset;
    c.len = size;
    emit(c);
  }
  release_to(mark);
  bind_local(d.name, t, a, d.loc);
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
  std::size_t want = (m == "VM_BUG_ON_PAGE" || m == "HARM_ON") ? 2 : 1;
  if (call.kids.size() != want)
    fail(call.loc, m + " takes " + std::to_string(want) + " argument(s)" +
                       (m == "HARM_ON" ? ": a condition and a \"H_name\"" : ""));
  std::string harm_name;
  if (m == "HARM_ON") {
    if (call.kids[1]->kind != ast::ExprKind::StrLit)
      fail(call.kids[1]->loc, "HARM_ON's second argument is the harm's name, a string such as \"H_uaf\"");
    harm_name = call.kids[1]->text;
  }
  if (m == "VM_BUG_ON_PAGE") {
    Typed pg = rvalue(*call.kids[1]);
    if (pg.type->kind != Type::Ref && pg.type->kind != Type::Null)
      fail(call.kids[1]->loc, "VM_BUG_ON_PAGE's second argument must be a page pointer");
  }
  std::uint32_t site = site_for(call, cls, m, harm_name);
  if (cls == AssertClass::Debug && !opts_.debug_vm) {
    // Compiled out, as without CONFIG_DEBUG_VM; still type-checked when that costs no code.
    if (!has_calls(call.kids[0].get())) cond(*call.kids[0]);
    if (store_to >= 0) emit_assign(store_to, konst(0), bool_t(), call.loc);
    return;
  }
  Typed c = cond(*call.kids[0]);
  Instr i;
  i.op = IOp::Assert;
  i.a = store_to;
  i.b = truth(c, call.loc);
  i.site = site;
  i.scalar = scalar_of(bool_t());
  i.loc = call.loc;
  emit(i);
}

// ---------------------------------------------------------------------------- calls
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
  release_to(frames_.back().base);
  frames_.pop_back();
  loops_ = std::move(saved_loops);
  atomic_region_ = saved_region;
  stmt_loc_ = e.loc;
  if (ret >= 0) return Typed{load(ret, rt), rt};
  return Typed{-1, rt};
}

// A function no thread calls is still type-checked, by lowering it into throwaway code with
// placeholder arguments.
void Compiler::check_function(const ast::FuncDecl& f) {
  Thread scratch;
  scratch.name = "check";
  th_ = &scratch;
  thread_id_ = 0;
  pure_ = false;
  frames_.clear();
  loops_.clear();
  top_ = max_top_ = kPcBytes;
  atomic_depth_ = atomic_region_ = 0;
  FrameCtx caller;
  caller.name = f.name;
  caller.scopes.emplace_back();
  frames_.push_back(std::move(caller));
  // Placeholder arguments: a local of each parameter's type.
  ast::Expr call;
  call.kind = ast::ExprKind::Call;
  call.name = f.name;
  call.loc = f.loc;
  for (std::size_t i = 0; i < f.params.size(); ++i) {
    const ast::Param& p = f.params[i];
    TypeP pt = array_of(resolve_type(*p.type, true), p.dims);
    TypeP storage = pt->kind == Type::Alias ? pt->elem : pt;
    std::string name = "$arg" + std::to_string(i);
    frames_.back().scopes.back()[name] = Binding{storage, alloc(size_of(storage)), -1};
    auto arg = std::make_unique<ast::Expr>();
    arg->kind = ast::ExprKind::Name;
    arg->name = name;
    arg->loc = p.loc;
    if (pt->kind == Type::Alias) {
      auto addr = std::make_unique<ast::Expr>();
      addr->kind = ast::ExprKind::AddrOf;
      addr->loc = p.loc;
      addr->kids.push_back(std::move(arg));
      arg = std::move(addr);
    }
    call.kids.push_back(std::move(arg));
  }
  TypeP rt = resolve_type(*f.ret, false);
  inline_call(call, f, rt->kind != Type::Void);
  frames_.clear();
  th_ = nullptr;
  thread_id_ = -1;
  pure_ = true;
}

}  // namespace pcmc::model::detail
