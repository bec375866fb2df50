// The executor: runtime semantics of a compiled Program (see model/exec.hpp, model/program.hpp).
//
// Hot path: step() runs without heap allocation once the Scratch buffers have grown; expression
// evaluation (model/exec_eval.{hpp,cpp}) is a recursive switch over the flat node vectors, with
// errors carried in the evaluation context instead of exceptions. Internal invariant failures
// (bad ids, unknown ops) throw std::logic_error and stay on in release builds.
#include "model/exec.hpp"

#include "model/exec_eval.hpp"
#include "model/native.hpp"
#include "model/storebuf.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace pcmc::model {

const char* to_string(ModelErrorKind k) {
  switch (k) {
    case ModelErrorKind::Range: return "range";
    case ModelErrorKind::NullDeref: return "null-deref";
    case ModelErrorKind::PoolBounds: return "pool-bounds";
    case ModelErrorKind::IndexBounds: return "index-bounds";
    case ModelErrorKind::DivZero: return "div-zero";
    case ModelErrorKind::LocalDivergence: return "local-divergence";
    case ModelErrorKind::Unlock: return "unlock";
    case ModelErrorKind::Overflow: return "overflow";
    case ModelErrorKind::Shift: return "shift";
  }
  return "?";
}

std::int64_t Executor::load(const std::uint8_t* state, std::uint32_t offset, std::uint8_t width) {
  switch (width) {
    case 1: {
      std::int8_t v;
      std::memcpy(&v, state + offset, 1);
      return v;
    }
    case 2: {
      std::int16_t v;
      std::memcpy(&v, state + offset, 2);
      return v;
    }
    case 4: {
      std::int32_t v;
      std::memcpy(&v, state + offset, 4);
      return v;
    }
    default: throw std::logic_error("scalar width " + std::to_string(width));
  }
}

namespace {

using interp::Eval;
using interp::mark;

void store(std::uint8_t* state, std::uint32_t offset, std::uint8_t width, std::int64_t v) {
  switch (width) {
    case 1: {
      auto x = static_cast<std::int8_t>(v);
      std::memcpy(state + offset, &x, 1);
      return;
    }
    case 2: {
      auto x = static_cast<std::int16_t>(v);
      std::memcpy(state + offset, &x, 2);
      return;
    }
    case 4: {
      auto x = static_cast<std::int32_t>(v);
      std::memcpy(state + offset, &x, 4);
      return;
    }
    default: throw std::logic_error("scalar width " + std::to_string(width));
  }
}

std::uint16_t read_pc(const std::uint8_t* s, std::uint32_t off) {
  std::uint16_t pc;
  std::memcpy(&pc, s + off, 2);
  return pc;
}

void write_pc(std::uint8_t* s, std::uint32_t off, std::uint16_t pc) { std::memcpy(s + off, &pc, 2); }

bool in_range(const Scalar& sc, std::int64_t v) { return v >= sc.lo && v <= sc.hi; }

// Runs one step of one thread, forking at Choose. Recursion depth = number of nested forks.
class Stepper {
 public:
  Stepper(const Executor& ex, const Thread& th, unsigned thread, Scratch& scratch, Sink& sink,
          std::uint32_t budget)
      : ex_(ex), p_(ex.program()), th_(th), thread_(thread), scratch_(scratch), sink_(sink),
        budget_(budget), dead_(ex.dead_locals()) {}

  // Runs from `pc` in buffer `depth` (already holding the state); emits successors.
  void run(std::size_t depth, std::uint32_t pc, bool visible, std::size_t nevents,
           std::size_t nexec, std::uint32_t main_pc, std::uint32_t count) {
    std::uint8_t* s = scratch_.states[depth].data();
    const auto& code = th_.code;
    // The events of this path before it forked: a blocked await drops only what the path added
    // (truncating to `nevents` would let the enclosing choose's next value grow the vector back
    // with default events in place of a WARN or discipline event raised before the fork).
    const std::size_t path_mark = scratch_.events.size();
    const std::size_t path_exec = scratch_.executed.size();  // likewise for explain's pcs
    for (;;) {
      if (pc >= code.size()) throw std::logic_error("pc out of range in " + th_.name);
      const Instr& ins = code[pc];
      if (ins.yields && visible) break;
      if (ins.op == IOp::Halt) {
        pc = kPcFinished;
        break;
      }
      if (++count > budget_) {
        error_event(ModelErrorKind::LocalDivergence, pc, 0);
        return emit(depth, pc, true, nevents, nexec, main_pc);
      }
      if (scratch_.explain) scratch_.executed.push_back(pc);
      if (ins.yields && !visible) {
        visible = true;
        main_pc = pc;
        atomic_ = ins.op == IOp::AtomicBegin;
      }
      std::uint8_t* sb = buffered_ ? s + sb_at_ : nullptr;
      Eval ev{p_, s, th_.area_offset, thread_};
      ev.events = &scratch_.events;
      ev.access = scratch_.access;
      ev.sb = sb;
      ev.check_blocks(ex_.options().ref_blocks, &scratch_.block_crossed);
      std::uint32_t next = pc + 1;
      switch (ins.op) {
        case IOp::Assign: {
          std::int64_t v = ev.expr(ins.b);
          std::uint32_t off = ev.error ? 0 : ev.addr(ins.a);
          if (ev.error) return fault(depth, pc, ev, nevents, nexec, main_pc);
          if (!in_range(ins.scalar, v)) {
            error_event(ModelErrorKind::Range, pc, v);
            return emit(depth, pc, true, nevents, nexec, main_pc);
          }
          if (const Put r = put(s, sb, off, ins.scalar.width, v, ins.order); r != Put::Done)
            return r == Put::Full ? full(path_mark, path_exec) : blocked(path_mark, path_exec, pc, s);
          break;
        }
        case IOp::Jump: next = ins.target; break;
        case IOp::JumpIfNot: {
          std::int64_t c = ev.expr(ins.b);
          if (ev.error) return fault(depth, pc, ev, nevents, nexec, main_pc);
          if (!c) next = ins.target;
          break;
        }
        case IOp::Await: {
          std::int64_t c = ev.expr(ins.b);
          if (ev.error) return fault(depth, pc, ev, nevents, nexec, main_pc);
          if (!c) return blocked(path_mark, path_exec, pc, s);  // this path has no successor
          break;
        }
        case IOp::Choose: {
          std::uint32_t off = ev.addr(ins.a);
          if (ev.error) return fault(depth, pc, ev, nevents, nexec, main_pc);
          if (sb != nullptr && off < p_.globals_size &&
              (!atomic_ || ins.order == AtomicOrder::Release))
            throw std::logic_error("choose() into a global outside a fully ordered atomic block");
          if (sb != nullptr && off < p_.globals_size && waits(ins.order) &&
              pcmc_sb_conflict(sb, off))
            return blocked(path_mark, path_exec, pc, s);
          wrote(off, ins.scalar.width);
          if (scratch_.states.size() <= depth + 1)
            scratch_.states.emplace_back(p_.state_size);
          std::size_t ev_mark = scratch_.events.size();
          std::size_t ex_mark = scratch_.executed.size();
          for (std::int64_t v = ins.lo; v <= ins.hi; ++v) {
            auto& child = scratch_.states[depth + 1];
            std::memcpy(child.data(), scratch_.states[depth].data(), p_.state_size);
            store(child.data(), off, ins.scalar.width, v);
            scratch_.events.resize(ev_mark);
            if (scratch_.explain) scratch_.executed.resize(ex_mark);
            run(depth + 1, next, visible, nevents, nexec, main_pc, count);
          }
          scratch_.events.resize(ev_mark);
          return;
        }
        case IOp::Assert: {
          const AssertSite& site = p_.asserts.at(ins.site);
          if (site.cls == AssertClass::Debug && !ex_.options().debug_vm) {
            if (ins.a >= 0) {
              std::uint32_t off = ev.addr(ins.a);
              if (ev.error) return fault(depth, pc, ev, nevents, nexec, main_pc);
              if (const Put r = put(s, sb, off, ins.scalar.width, 0, ins.order); r != Put::Done)
                return r == Put::Full ? full(path_mark, path_exec)
                                      : blocked(path_mark, path_exec, pc, s);
            }
            break;
          }
          if (scratch_.access != nullptr) scratch_.access->assertion = true;
          ev.assertion = true;
          ev.site = ins.site;
          ev.pc = pc;
          std::int64_t c = ev.expr(ins.b);
          ev.assertion = false;
          if (ev.error) return fault(depth, pc, ev, nevents, nexec, main_pc);
          if (ins.a >= 0) {
            std::uint32_t off = ev.addr(ins.a);
            if (ev.error) return fault(depth, pc, ev, nevents, nexec, main_pc);
            if (const Put r = put(s, sb, off, ins.scalar.width ? ins.scalar.width : 1, c != 0,
                                  ins.order);
                r != Put::Done)
              return r == Put::Full ? full(path_mark, path_exec)
                                    : blocked(path_mark, path_exec, pc, s);
          }
          if (c) {
            Event e;
            e.kind = Event::AssertFired;
            e.thread = static_cast<std::uint16_t>(thread_);
            e.site = ins.site;
            e.pc = pc;
            scratch_.events.push_back(e);
            if (site.cls != AssertClass::Warn) return emit(depth, pc, true, nevents, nexec, main_pc);
          }
          break;
        }
        case IOp::AtomicBegin: {
          // A locked instruction drains the buffer first (tso: every block but a release; pso:
          // a fully ordered one). pso: an unordered or acquire block waits at its stores
          // (put, waits()); a release block is a store-release: smp_wmb(), then its stores
          // are buffered.
          if (sb == nullptr) break;
          const auto order = static_cast<AtomicOrder>(ins.lo);
          if (order == AtomicOrder::Release) {
            if (pso_) pcmc_sb_separate(sb);
          } else if (pcmc_sb_count(sb) != 0 && !waits(order)) {
            return blocked(path_mark, path_exec, pc, s);
          }
          break;
        }
        case IOp::Fence:
          if (sb == nullptr) break;
          if (ins.lo == static_cast<std::int64_t>(FenceKind::Full)) {
            if (pcmc_sb_count(sb) != 0) return blocked(path_mark, path_exec, pc, s);
          } else if (p_.memory_model == MemoryModel::Pso) {
            pcmc_sb_separate(sb);
          }
          break;
        case IOp::Nop: break;
        case IOp::Clear:
          std::memset(s + th_.area_offset + ins.offset, 0, ins.len);
          break;
        case IOp::Halt: break;  // handled above
      }
      pc = next;
    }
    emit(depth, pc, false, nevents, nexec, main_pc);
  }

  unsigned emitted() const { return emitted_; }
  std::uint32_t first_pc = 0;

 private:
  // pso: the stores of an `atomic unordered|acquire` block go to memory at once but wait for
  // older buffered stores to their location and for smp_wmb() separators (pcmc_sb_conflict).
  bool waits(AtomicOrder order) const {
    return pso_ && (order == AtomicOrder::Unordered || order == AtomicOrder::Acquire);
  }

  // A store of the step: into the thread's store buffer (tso/pso, a global, outside an atomic
  // block or in an `atomic release` one), else into the state. Full: the buffer is full; Wait:
  // a store that must wait for buffered stores to flush (waits()). Either way this path has
  // no successor.
  enum class Put { Done, Full, Wait };
  Put put(std::uint8_t* s, std::uint8_t* sb, std::uint32_t off, std::uint8_t width,
          std::int64_t v, AtomicOrder order) {
    if (sb != nullptr && off < p_.globals_size && (!atomic_ || order == AtomicOrder::Release))
      return pcmc_sb_push(sb, p_.sb_entries, off, width, v) != 0 ? Put::Done : Put::Full;
    if (sb != nullptr && off < p_.globals_size && waits(order) && pcmc_sb_conflict(sb, off))
      return Put::Wait;
    wrote(off, width);
    store(s, off, width, v);
    return Put::Done;
  }

  // A path that cannot go on (an await false, a barrier before a non-empty buffer): it drops
  // what it added; explain records where it stopped.
  void blocked(std::size_t path_mark, std::size_t path_exec, std::uint32_t pc,
               const std::uint8_t* s) {
    scratch_.events.resize(path_mark);
    if (scratch_.explain) {
      scratch_.executed.resize(path_exec);
      scratch_.blocked.push_back({pc, std::vector<std::uint8_t>(s, s + p_.state_size)});
    }
  }

  void full(std::size_t path_mark, std::size_t path_exec) {
    scratch_.sb_full = true;
    scratch_.events.resize(path_mark);
    if (scratch_.explain) scratch_.executed.resize(path_exec);
  }

  void wrote(std::uint32_t off, std::uint8_t width) {
    if (scratch_.access != nullptr) mark(scratch_.access->writes, p_.globals_size, off, width);
  }

  void error_event(ModelErrorKind k, std::uint32_t pc, std::int64_t v) {
    Event e;
    e.kind = Event::ModelError;
    e.error = k;
    e.thread = static_cast<std::uint16_t>(thread_);
    e.pc = pc;
    e.value = v;
    scratch_.events.push_back(e);
  }

  void fault(std::size_t depth, std::uint32_t pc, const Eval& ev, std::size_t nevents,
             std::size_t nexec, std::uint32_t main_pc) {
    error_event(ev.kind, pc, ev.bad_value);
    emit(depth, pc, true, nevents, nexec, main_pc);
  }

  // A fatal path leaves the pc at the faulting instruction; the checker does not expand it.
  void emit(std::size_t depth, std::uint32_t pc, bool fatal, std::size_t nevents,
            std::size_t nexec, std::uint32_t main_pc) {
    std::uint8_t* s = scratch_.states[depth].data();
    write_pc(s, th_.area_offset, static_cast<std::uint16_t>(pc));
    // Dead-variable reduction: the bytes no path from pc reads before writing are stored as 0,
    // all of them once the thread has finished (a fatal path keeps its values: it is reported,
    // never expanded).
    if (dead_ != nullptr && !fatal && pc == kPcFinished)
      std::memset(s + th_.area_offset + kPcBytes, 0, th_.area_size - kPcBytes);
    else if (dead_ != nullptr && !fatal)
      for (const DeadLocals::Range& r : dead_->at(thread_, pc))
        std::memset(s + th_.area_offset + r.offset, 0, r.len);
    Successor succ;
    succ.state = s;
    succ.index = static_cast<std::uint16_t>(emitted_++);
    succ.events = std::span<const Event>(scratch_.events.data() + nevents,
                                         scratch_.events.size() - nevents);
    succ.fatal = fatal;
    succ.first_pc = first_pc;
    succ.main_pc = main_pc;
    if (scratch_.explain)
      succ.executed = std::span<const std::uint32_t>(scratch_.executed.data() + nexec,
                                                     scratch_.executed.size() - nexec);
    sink_.on_successor(succ);
  }

  const Executor& ex_;
  const Program& p_;
  const Thread& th_;
  unsigned thread_;
  Scratch& scratch_;
  Sink& sink_;
  std::uint32_t budget_;
  const DeadLocals* dead_;
  unsigned emitted_ = 0;
  bool buffered_ = p_.memory_model != MemoryModel::Sc;
  std::uint32_t sb_at_ = p_.sb_offset + thread_ * p_.sb_stride;  // this thread's buffer
  bool atomic_ = false;  // the step is an atomic block (stores go to memory)
  bool pso_ = p_.memory_model == MemoryModel::Pso;
};

}  // namespace

Executor::Executor(const Program& program, ExecOptions options)
    : program_(&program), options_(options),
      dead_(options_.dead_vars ? std::make_shared<const DeadLocals>(program) : nullptr) {}

void Executor::set_native(std::shared_ptr<const NativeModule> native) {
  if (native != nullptr && !(native->options() == options_))
    throw std::logic_error("native module generated for other ExecOptions than this executor's");
  const NativeModule* raw = native.get();
  if (native != nullptr) loaded_.push_back(std::move(native));
  native_.store(raw, std::memory_order_release);
}

std::uint16_t Executor::pc(const std::uint8_t* state, unsigned thread) const {
  return read_pc(state, program_->threads.at(thread).area_offset);
}

unsigned Executor::step(const std::uint8_t* state, unsigned thread, Scratch& scratch,
                        Sink& sink) const {
  const Thread& th = program_->threads.at(thread);
  std::uint16_t pc0 = read_pc(state, th.area_offset);
  const bool buffered = program_->memory_model != MemoryModel::Sc;
  if (pc0 == kPcFinished && !buffered) return 0;
  if (scratch.states.empty()) scratch.states.emplace_back(program_->state_size);
  if (scratch.states[0].size() != program_->state_size)
    for (auto& b : scratch.states) b.assign(program_->state_size, 0);
  std::memcpy(scratch.states[0].data(), state, program_->state_size);
  scratch.events.clear();
  scratch.executed.clear();
  scratch.blocked.clear();
  if (scratch.access != nullptr) scratch.access->reset(program_->globals_size);
  scratch.block_crossed = false;
  scratch.sb_full = false;
  unsigned n = 0;
  if (pc0 == kPcFinished) {
  } else if (const NativeModule* m = native(); m != nullptr && !scratch.explain) {
    n = m->step(*program_, thread, pc0, scratch, sink);
  } else {
    Stepper st(*this, th, thread, scratch, sink, options_.local_budget);
    st.first_pc = pc0;
    st.run(0, pc0, false, 0, 0, pc0, 0);
    n = st.emitted();
  }
  if (!buffered) return n;
  scratch.events.clear();
  return n + flushes(state, thread, pc0, n, scratch, sink);
}

void Executor::initial_state(std::uint8_t* out, std::vector<Event>& events) const {
  const Program& p = *program_;
  std::memset(out, 0, p.state_size);
  const auto& code = p.init.code;
  std::uint32_t pc = 0;
  std::uint64_t count = 0;
  auto error = [&](ModelErrorKind k, std::int64_t v) {
    Event e;
    e.kind = Event::ModelError;
    e.error = k;
    e.pc = pc;
    e.value = v;
    events.push_back(e);
  };
  while (pc < code.size()) {
    const Instr& ins = code[pc];
    if (ins.op == IOp::Halt) break;
    if (++count > options_.local_budget) return error(ModelErrorKind::LocalDivergence, 0);
    Eval ev{p, out, p.init.area_offset, 0};
    ev.events = &events;
    std::uint32_t next = pc + 1;
    switch (ins.op) {
      case IOp::Assign: {
        std::int64_t v = ev.expr(ins.b);
        std::uint32_t off = ev.error ? 0 : ev.addr(ins.a);
        if (ev.error) return error(ev.kind, ev.bad_value);
        if (!in_range(ins.scalar, v)) return error(ModelErrorKind::Range, v);
        store(out, off, ins.scalar.width, v);
        break;
      }
      case IOp::Jump: next = ins.target; break;
      case IOp::JumpIfNot: {
        std::int64_t c = ev.expr(ins.b);
        if (ev.error) return error(ev.kind, ev.bad_value);
        if (!c) next = ins.target;
        break;
      }
      case IOp::Choose: {
        std::uint32_t off = ev.addr(ins.a);
        if (ev.error) return error(ev.kind, ev.bad_value);
        store(out, off, ins.scalar.width, ins.lo);
        break;
      }
      case IOp::Assert: {
        const AssertSite& site = p.asserts.at(ins.site);
        if (site.cls == AssertClass::Debug && !options_.debug_vm) break;
        std::int64_t c = ev.expr(ins.b);
        if (ev.error) return error(ev.kind, ev.bad_value);
        if (c) {
          Event e;
          e.kind = Event::AssertFired;
          e.site = ins.site;
          e.pc = pc;
          events.push_back(e);
          if (site.cls != AssertClass::Warn) return;
        }
        break;
      }
      case IOp::Clear: std::memset(out + p.init.area_offset + ins.offset, 0, ins.len); break;
      case IOp::Await:
      case IOp::AtomicBegin:
      case IOp::Fence:  // init runs alone: every store goes straight to memory
      case IOp::Nop:
      case IOp::Halt: break;
    }
    pc = next;
  }
}

bool Executor::eval_in_thread(ExprId e, const std::uint8_t* state, unsigned thread,
                              std::int64_t& value) const {
  std::vector<Event> events;  // guarded reads are not checked outside assertions
  Eval ev{*program_, const_cast<std::uint8_t*>(state), program_->threads.at(thread).area_offset,
          thread};
  ev.events = &events;
  if (program_->memory_model != MemoryModel::Sc)
    ev.sb = state + program_->sb_offset + thread * program_->sb_stride;
  value = ev.expr(e);
  return !ev.error;
}

bool Executor::addr_in_thread(AddrId a, const std::uint8_t* state, unsigned thread,
                              std::uint32_t& offset) const {
  std::vector<Event> events;
  Eval ev{*program_, const_cast<std::uint8_t*>(state), program_->threads.at(thread).area_offset,
          thread};
  ev.events = &events;
  offset = ev.addr(a);
  return !ev.error;
}

bool Executor::eval_cond(ExprId cond, const std::uint8_t* state, std::vector<Event>& events,
                         bool* block_crossed) const {
  if (const NativeModule* n = native()) {  // built for options_ (ref_blocks baked in): sets
    ModelErrorKind kind = ModelErrorKind::Range;  // *block_crossed likewise
    std::int64_t value = 0;
    switch (n->eval_cond(cond, state, kind, value, block_crossed)) {
      case 0: return false;
      case 1: return true;
      case 2: {
        Event e;
        e.kind = Event::ModelError;
        e.error = kind;
        e.value = value;
        events.push_back(e);
        return false;
      }
      default: break;  // not compiled: interpret it
    }
  }
  // Evaluation only reads; the const_cast lets Eval share the step path's code.
  Eval ev{*program_, const_cast<std::uint8_t*>(state), 0, 0};
  ev.events = &events;
  ev.check_blocks(options_.ref_blocks, block_crossed);
  std::int64_t v = ev.expr(cond);
  if (ev.error) {
    Event e;
    e.kind = Event::ModelError;
    e.error = ev.kind;
    e.value = ev.bad_value;
    events.push_back(e);
    return false;
  }
  return v != 0;
}

}  // namespace pcmc::model
