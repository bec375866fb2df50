// Lowering of whole threads: the init thread (global initialisers and defaults, then the init
// blocks), thread bodies, and the type-check of functions no thread calls; code emission, the
// allocation and release of locals, and the patching of a frame's gotos and returns. The
// statements themselves are model/lower_stmt.cpp.
#include "model/lower_types.hpp"

namespace pcmc::model::detail {

// ---------------------------------------------------------------------------- emission
std::uint32_t Compiler::emit(Instr i) {
  if (pure_ || !th_) throw std::logic_error("instruction emitted outside code");
  i.frame = frames_.empty() ? -1 : frames_.back().frame;
  if (i.loc.line == 0) i.loc = stmt_loc_;
  bool in_atomic = atomic_depth_ > 0;
  i.order = in_atomic ? atomic_order_ : AtomicOrder::Full;
  switch (i.op) {
    case IOp::Assign: case IOp::Choose: case IOp::Assert:
      i.shared = addr_shared(i.a) || touches_shared(i.b);
      break;
    case IOp::JumpIfNot: case IOp::Await: i.shared = touches_shared(i.b); break;
    default: i.shared = false;
  }
  i.yields = !in_atomic && (i.shared || i.op == IOp::Await || i.op == IOp::Choose ||
                            i.op == IOp::AtomicBegin ||
                            (i.op == IOp::Fence && i.lo == static_cast<std::int64_t>(FenceKind::Full)));
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

AddrId Compiler::temp(const TypeP& t) { return alloc(size_of(t)); }

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
  release_frame();
  Instr h;
  h.op = IOp::Halt;
  emit(h);
  th.area_size = max_top_;
  frames_.clear();
  th_ = nullptr;
  pure_ = true;
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

void Compiler::note_jump_out() {
  frames_.back().jump_top = std::max(frames_.back().jump_top, top_);
}

// Without this a `return` from inside a block left that block's locals in the state after the
// call (and after the thread finished), so `--no-reduce` counted end states that differ only
// in values nobody can read again (the dead-variable reduction clears them anyway).
void Compiler::release_frame() {
  top_ = std::max(top_, frames_.back().jump_top);
  release_to(frames_.back().base);
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
