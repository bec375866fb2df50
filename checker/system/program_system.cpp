#include "checker/system/program_system.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace pcmc::checker {

namespace {

struct ProgramContext final : Context {
  model::Scratch scratch;
  model::Access access;
  std::vector<Report> reports;
  std::vector<model::Event> events;
};

// Forwards executor successors to the checker, translating events into reports.
class Forward final : public model::Sink {
 public:
  Forward(const ProgramSystem& sys, unsigned thread, ProgramContext& ctx, TransitionSink& sink)
      : sys_(sys), thread_(thread), ctx_(ctx), sink_(sink) {}
  void on_successor(const model::Successor& s) override {
    ctx_.reports.clear();
    for (const model::Event& e : s.events) {
      PropertyId p = sys_.property_of(e);
      if (p != properties::kNoProperty)
        ctx_.reports.push_back(Report{p, static_cast<std::uint16_t>(thread_), e.pc});
    }
    Transition t;
    t.state = s.state;
    t.thread = static_cast<std::uint16_t>(thread_);
    t.index = s.index;
    t.reports = ctx_.reports;
    t.fatal = s.fatal;
    if (!ctx_.reports.empty() || s.fatal) reported = true;
    sink_.on_transition(t);
  }
  bool reported = false;  // some successor had reports or was fatal

 private:
  const ProgramSystem& sys_;
  unsigned thread_;
  ProgramContext& ctx_;
  TransitionSink& sink_;
};

// Throws BlockCrossing for a step of `thread` from `state` that crossed a block.
[[noreturn]] void step_crossed(const model::Executor& exec, const std::uint8_t* state,
                               unsigned thread) {
  const model::Program& p = exec.program();
  const model::Thread& t = p.threads.at(thread);
  const std::uint16_t pc = exec.pc(state, thread);
  std::string where = "a step of " + t.name;
  if (pc < t.code.size()) {
    const model::Instr& ins = t.code[pc];
    if (ins.frame >= 0) where += " in " + p.frames.at(static_cast<std::size_t>(ins.frame)).function + "()";
    if (ins.loc.line != 0) where += " from line " + std::to_string(ins.loc.line);
  }
  throw BlockCrossing(where);
}

}  // namespace

ProgramSystem::ProgramSystem(const model::Executor& exec, const properties::PropertyTable& table)
    : exec_(exec), table_(table), futures_(exec.program(), exec.options().debug_vm),
      holders_(holders_of(exec.program())) {
  for (unsigned t = 0; t < exec.program().threads.size(); ++t)
    for (const auto& b : futures_.barriers(t))
      for (const auto& conj : b.conjuncts) {
        const bool known = std::any_of(conjuncts_.begin(), conjuncts_.end(), [&](const auto& c) {
          return std::equal(c.begin(), c.end(), conj.begin(), conj.end(),
                            [](const auto& x, const auto& y) {
                              return x.offset == y.offset && x.width == y.width;
                            });
        });
        if (!known) conjuncts_.push_back(conj);
      }
}

std::uint64_t ProgramSystem::barrier_holders(const std::uint8_t* state) const {
  std::uint64_t out = 0;
  for (const auto& conj : conjuncts_) {
    std::uint64_t m = 0;
    bool all = true;
    for (const auto& lw : conj) {
      const std::int64_t v = model::Executor::load(state, lw.offset, lw.width);
      if (v < 1 || v > 64) {
        all = false;
        break;
      }
      m |= std::uint64_t{1} << (v - 1);
    }
    if (all) out |= m;
  }
  return out;
}

// The globals block, then one block per thread (its pc and locals): a step usually changes one
// thread's block and a few globals, so the other blocks are shared with the parent state.
std::vector<std::uint32_t> ProgramSystem::state_parts() const {
  std::vector<std::uint32_t> cuts;
  const model::Program& p = exec_.program();
  if (p.globals_size > 0) cuts.push_back(p.globals_size);
  for (const model::Thread& t : p.threads)
    if (t.area_offset > 0 && t.area_offset < p.state_size) cuts.push_back(t.area_offset);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

std::unique_ptr<Context> ProgramSystem::make_context() const {
  return std::make_unique<ProgramContext>();
}

void ProgramSystem::initial_state(std::uint8_t* out) const {
  std::vector<model::Event> events;
  exec_.initial_state(out, events);
  // The CLI runs the init block itself first and reports errors as a bad model; reaching here
  // with an event means a caller skipped that check.
  if (!events.empty()) throw std::logic_error("initial state raised events; check init first");
}

PropertyId ProgramSystem::property_of(const model::Event& e) const {
  switch (e.kind) {
    case model::Event::AssertFired: return table_.site_prop.at(e.site);
    case model::Event::Discipline: return table_.site_discipline.at(e.site);
    case model::Event::ModelError: return table_.model_error;
  }
  return properties::kNoProperty;
}

unsigned ProgramSystem::successors(const std::uint8_t* state, unsigned thread, Context& ctx,
                                   TransitionSink& sink) const {
  auto& pc = static_cast<ProgramContext&>(ctx);
  Forward fwd(*this, thread, pc, sink);
  const unsigned n = exec_.step(state, thread, pc.scratch, fwd);
  if (pc.scratch.block_crossed) step_crossed(exec_, state, thread);
  if (pc.scratch.sb_full) sb_full_.store(true, std::memory_order_relaxed);
  return n;
}

unsigned ProgramSystem::successors_with_footprint(const std::uint8_t* state, unsigned thread,
                                                 Context& ctx, TransitionSink& sink,
                                                 Footprint& fp) const {
  auto& pc = static_cast<ProgramContext&>(ctx);
  Forward fwd(*this, thread, pc, sink);
  pc.scratch.access = &pc.access;
  unsigned n = 0;
  try {
    n = exec_.step(state, thread, pc.scratch, fwd);
  } catch (...) {
    pc.scratch.access = nullptr;
    throw;
  }
  pc.scratch.access = nullptr;
  if (pc.scratch.block_crossed) step_crossed(exec_, state, thread);
  if (pc.scratch.sb_full) sb_full_.store(true, std::memory_order_relaxed);
  fp.reads = pc.access.reads;
  fp.writes = pc.access.writes;
  bool inv = false;
  const auto& ir = futures_.invariant_reads();
  for (std::size_t w = 0; w < fp.writes.size() && !inv; ++w) inv = (fp.writes[w] & ir[w]) != 0;
  // An assertion evaluated and passed does not make the step visible: the step behaves the same
  // along every path of independent steps (C1), so it passes there too (docs/por.md, C2).
  fp.visible = fwd.reported || inv;
  return n;
}

// The static future of `thread` at its pc against the step's footprint: a write of the step
// meets a future read or write, or a read of the step meets a future write.
bool ProgramSystem::may_interfere(const std::uint8_t* state, unsigned thread,
                                  const Footprint& fp) const {
  if (exec_.finished(state, thread)) return false;
  const std::uint32_t at = exec_.pc(state, thread);
  if (at >= futures_.code_size(thread)) return true;
  const std::uint64_t* r = futures_.future_reads(thread, at);
  const std::uint64_t* w = futures_.future_writes(thread, at);
  const std::size_t words = std::min(futures_.words(), fp.reads.size());
  for (std::size_t i = 0; i < words; ++i)
    if ((fp.writes[i] & (r[i] | w[i])) != 0 || (fp.reads[i] & w[i]) != 0) return true;
  return false;
}

// Lock-aware persistence (system.hpp, docs/por.md): the stop future of the pc, then, for
// each stop site reached, either the barrier is closed — some lock conjunct's every possible
// lock word holds a thread of `among` — and its lock words are `held`, or the thread may get
// past it and what is reachable from the next pc without getting past a barrier is added.
bool ProgramSystem::cut_future(const std::uint8_t* state, unsigned thread, std::uint64_t among,
                               CutFuture& out) const {
  const std::size_t words = futures_.words();
  out.reads.assign(words, 0);
  out.writes.assign(words, 0);
  out.held.assign(words, 0);
  if (exec_.finished(state, thread)) return true;
  const std::uint32_t at = exec_.pc(state, thread);
  const std::size_t n = futures_.code_size(thread);
  if (at >= n) return false;
  const auto add = [&](std::uint32_t pc) {
    const std::uint64_t* r = futures_.stop_reads(thread, pc);
    const std::uint64_t* w = futures_.stop_writes(thread, pc);
    for (std::size_t i = 0; i < words; ++i) {
      out.reads[i] |= r[i];
      out.writes[i] |= w[i];
    }
  };
  add(at);
  const auto& bars = futures_.barriers(thread);
  if (bars.empty()) return true;
  const std::size_t sw = futures_.site_words(thread);
  std::vector<std::uint64_t> seen(sw, 0), todo(futures_.stop_sites(thread, at),
                                               futures_.stop_sites(thread, at) + sw);
  for (;;) {
    std::size_t i = 0;
    while (i < sw && (todo[i] & ~seen[i]) == 0) ++i;
    if (i == sw) break;
    const std::uint64_t bits = todo[i] & ~seen[i];
    const std::size_t b = i * 64 + static_cast<std::size_t>(std::countr_zero(bits));
    seen[i] |= bits & -bits;
    const model::StaticFootprints::Barrier& bar = bars[b];
    const std::vector<model::StaticFootprints::LockWord>* closed = nullptr;
    for (const auto& conj : bar.conjuncts) {
      bool all = true;
      for (const auto& lw : conj) {
        const std::int64_t v = model::Executor::load(state, lw.offset, lw.width);
        if (v < 1 || v > 64 || ((among >> (v - 1)) & 1) == 0) {
          all = false;
          break;
        }
      }
      if (all) {
        closed = &conj;
        break;
      }
    }
    if (closed != nullptr) {
      for (const auto& lw : *closed)
        for (std::uint32_t byte = lw.offset; byte < lw.offset + lw.width; ++byte)
          out.held[byte / 64] |= std::uint64_t{1} << (byte % 64);
      continue;
    }
    const std::uint32_t next = bar.pc + 1;
    if (next >= n) return false;
    add(next);
    const std::uint64_t* s = futures_.stop_sites(thread, next);
    for (std::size_t k = 0; k < sw; ++k) todo[k] |= s[k];
  }
  return true;
}

void ProgramSystem::check_state(const std::uint8_t* state, Context& ctx,
                                std::vector<Report>& out) const {
  auto& pc = static_cast<ProgramContext&>(ctx);
  bool crossed = false;
  const auto& inv = exec_.program().invariants;
  for (std::size_t i = 0; i < inv.size(); ++i) {
    pc.events.clear();
    bool ok = exec_.eval_cond(inv[i].cond, state, pc.events, &crossed);
    if (crossed) throw BlockCrossing("invariant " + inv[i].name);
    if (!pc.events.empty()) out.push_back(Report{table_.model_error, 0xFFFF, 0});
    else if (!ok) out.push_back(Report{table_.invariant_prop[i], 0xFFFF, 0});
  }
}

ExistsMask ProgramSystem::check_end(const std::uint8_t* state, Context& ctx,
                              std::vector<Report>& out) const {
  auto& pc = static_cast<ProgramContext&>(ctx);
  bool crossed = false;
  const auto& fin = exec_.program().finals;
  for (std::size_t i = 0; i < fin.size(); ++i) {
    pc.events.clear();
    bool ok = exec_.eval_cond(fin[i].cond, state, pc.events, &crossed);
    if (crossed) throw BlockCrossing("final " + fin[i].name);
    if (!pc.events.empty()) out.push_back(Report{table_.model_error, 0xFFFF, 0});
    else if (!ok) out.push_back(Report{table_.final_prop[i], 0xFFFF, 0});
  }
  const auto& ex = exec_.program().exists;
  ExistsMask hits = 0;
  for (std::size_t i = 0; i < ex.size(); ++i) {
    pc.events.clear();
    bool hit = exec_.eval_cond(ex[i].cond, state, pc.events, &crossed);
    if (crossed)
      throw BlockCrossing(ex[i].name == "exists" ? std::string("the exists condition")
                                                 : "exists " + ex[i].name);
    if (!pc.events.empty()) {
      out.push_back(Report{table_.model_error, 0xFFFF, 0});
      return 0;
    }
    if (hit) hits |= ExistsMask{1} << i;
  }
  return hits;
}

bool ProgramSystem::next_step_bound(const std::uint8_t* state, unsigned thread,
                                    Footprint& out) const {
  if (exec_.finished(state, thread)) return false;
  const std::uint32_t pc = exec_.pc(state, thread);
  const std::size_t w = futures_.words();
  out.reads.assign(futures_.step_reads(thread, pc), futures_.step_reads(thread, pc) + w);
  out.writes.assign(futures_.step_writes(thread, pc), futures_.step_writes(thread, pc) + w);
  out.visible = false;
  out.forks = futures_.step_chooses(thread, pc);
  return true;
}

}  // namespace pcmc::checker
