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
      narrow_(exec.program(), futures_, exec.options().debug_vm),
      holders_(holders_of(exec.program())) {
  for (unsigned t = 0; t < exec.program().threads.size(); ++t) {
    const auto& bars = futures_.barriers(t);
    for (std::size_t b = 0; b < bars.size(); ++b)
      for (std::size_t j = 0; j < bars[b].conjuncts.size(); ++j) {
        const auto& conj = bars[b].conjuncts[j];
        const bool narrowed = narrow_.lock_tag(t, b, j) >= 0;
        const auto known = std::find_if(conjuncts_.begin(), conjuncts_.end(), [&](const auto& c) {
          return std::equal(c.begin(), c.end(), conj.begin(), conj.end(),
                            [](const auto& x, const auto& y) {
                              return x.offset == y.offset && x.width == y.width;
                            });
        });
        if (known == conjuncts_.end()) {
          conjuncts_.push_back(conj);
          conjunct_narrowed_.push_back(narrowed);
        } else if (narrowed) {
          conjunct_narrowed_[static_cast<std::size_t>(known - conjuncts_.begin())] = true;
        }
      }
  }
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

}  // namespace pcmc::checker
