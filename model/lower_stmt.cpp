// Statement lowering: blocks, control flow with gotos, labels and loops, returns, atomic
// blocks, awaits, assignments and local declarations. Threads, emission and frames are
// model/lower_thread.cpp, calls and assertions model/lower_call.cpp (see model/compile.hpp for
// the rules).
#include "model/lower_types.hpp"

namespace pcmc::model::detail {

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
      note_jump_out();
      Instr j;
      j.op = IOp::Jump;
      std::uint32_t at = emit(j);
      (s.kind == ast::StmtKind::Break ? loops_.back().breaks : loops_.back().continues).push_back(at);
      return;
    }
    case ast::StmtKind::Return: {
      // Copies, not a reference into frames_: the returned value may inline calls, which push
      // frames (and may move the vector; the fuzzer found a mutant of shmem.pcm that did).
      const bool in_function = frames_.back().func != nullptr;
      const TypeP ret_type = frames_.back().ret_type;
      const std::string name = frames_.back().name;
      if (!in_function) {
        if (s.expr) fail(s.loc, "a thread body returns no value");
      } else if (ret_type->kind == Type::Void) {
        if (s.expr) fail(s.loc, "'" + name + "' is void and cannot return a value");
      } else {
        if (!s.expr) fail(s.loc, "'" + name + "' must return a value");
        Typed v = rvalue(*s.expr);
        check_assignable(ret_type, v, s.expr->loc);
        if (frames_.back().ret_addr >= 0)
          emit_assign(frames_.back().ret_addr, truth_if_bool(ret_type, v, s.loc), ret_type,
                      s.loc);
      }
      note_jump_out();
      Instr j;
      j.op = IOp::Jump;
      frames_.back().return_patches.push_back(emit(j));
      break;
    }
    case ast::StmtKind::Goto: {
      note_jump_out();
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
        // The ordering word counts on the outermost block only: a block nested in a fully
        // ordered one is part of it.
        const AtomicOrder order = s.op == "unordered" ? AtomicOrder::Unordered
                                  : s.op == "acquire" ? AtomicOrder::Acquire
                                  : s.op == "release" ? AtomicOrder::Release
                                                      : AtomicOrder::Full;
        Instr b;
        b.op = IOp::AtomicBegin;
        b.lo = static_cast<std::int64_t>(order);
        emit(b);
        atomic_region_ = ++next_region_;
        atomic_order_ = order;
      }
      ++atomic_depth_;
      stmt(*s.body[0]);
      --atomic_depth_;
      if (outer) {
        atomic_order_ = AtomicOrder::Full;
        Instr n;
        n.op = IOp::Nop;
        emit(n);
        atomic_region_ = 0;
      }
      break;
    }
    case ast::StmtKind::Select: select(s); return;
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

// select { when (g0) s0 ... when (gN) sN }: one atomic step (like `atomic { }`), lowered to
//   AtomicBegin; tmp = choose(0, N); if (tmp == 0) { await(g0); tmp = 0; s0 } else if ... ; Nop
// The choose forks one path per alternative and the await drops the paths whose guard is false
// (an await inside an atomic block makes the whole step all-or-nothing), so the successors are
// exactly the enabled alternatives, in source order, and the step does not exist while no guard
// holds. Being plain IR, both engines, the footprints and the reductions handle it unchanged.
// tmp is zeroed before the alternative runs, so the choice leaves no trace in the state.
void Compiler::select(const ast::Stmt& s) {
  if (thread_id_ < 0 && !frames_.empty() && frames_.front().name == "init")
    fail(s.loc, "select cannot be used in init (it runs once, before any thread)");
  if (s.body.size() > 256) fail(s.loc, "select has at most 256 alternatives");
  std::uint32_t mark = top_;
  bool outer = atomic_depth_ == 0;
  if (outer) {
    Instr b;
    b.op = IOp::AtomicBegin;
    b.loc = s.loc;
    emit(b);
    atomic_region_ = ++next_region_;
  }
  ++atomic_depth_;
  const auto n = static_cast<std::int64_t>(s.body.size());
  TypeP t = mk(Type{Type::Int, 0, n - 1});
  AddrId tmp = temp(t);
  Instr ch;
  ch.op = IOp::Choose;
  ch.a = tmp;
  ch.lo = 0;
  ch.hi = n - 1;
  ch.scalar = scalar_of(t);
  ch.loc = s.loc;
  emit(ch);
  std::vector<std::uint32_t> ends;
  for (std::int64_t i = 0; i < n; ++i) {
    const ast::Stmt& alt = *s.body[static_cast<std::size_t>(i)];
    stmt_loc_ = alt.loc;
    ENode eq;
    eq.op = EOp::Eq;
    eq.a = load(tmp, t);
    eq.b = konst(i);
    eq.loc = alt.loc;
    Instr j;
    j.op = IOp::JumpIfNot;
    j.b = node(eq);
    j.loc = alt.loc;
    std::uint32_t jf = emit(j);
    Typed g = cond(*alt.expr);
    Instr a;
    a.op = IOp::Await;
    a.b = g.e;
    a.loc = alt.loc;
    emit(a);
    emit_assign(tmp, konst(0), t, alt.loc);
    stmt(*alt.then_branch);
    Instr jmp;
    jmp.op = IOp::Jump;
    jmp.loc = alt.loc;
    ends.push_back(emit(jmp));
    th_->code[jf].target = static_cast<std::uint32_t>(th_->code.size());
  }
  for (auto at : ends) th_->code[at].target = static_cast<std::uint32_t>(th_->code.size());
  --atomic_depth_;
  release_to(mark);
  if (outer) {
    Instr e;
    e.op = IOp::Nop;
    e.loc = s.loc;
    emit(e);
    atomic_region_ = 0;
  }
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
      n.ref_pool = n.scalar.pool;
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

}  // namespace pcmc::model::detail
