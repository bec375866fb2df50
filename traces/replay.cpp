#include "traces/replay.hpp"

#include <map>
#include <optional>

#include "traces/stuck.hpp"

namespace pcmc::traces {

namespace {

std::string base_name(const std::string& path) {
  auto s = path.find_last_of('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}

// Every successor of one step: the one the path takes in full, the others counted.
class Collect final : public model::Sink {
 public:
  Collect(std::uint16_t want, std::size_t size) : want_(want) { state.resize(size); }
  void on_successor(const model::Successor& s) override {
    if (count++ == 0) {
      first_executed.assign(s.executed.begin(), s.executed.end());
      first_main_pc = s.main_pc;
    }
    if (s.index != want_) return;
    found = true;
    std::copy(s.state, s.state + state.size(), state.begin());
    events.assign(s.events.begin(), s.events.end());
    executed.assign(s.executed.begin(), s.executed.end());
    main_pc = s.main_pc;
    fatal = s.fatal;
    flush = s.flush;
  }
  std::int16_t flush = -1;
  unsigned count = 0;
  bool found = false, fatal = false;
  std::vector<std::uint8_t> state;
  std::vector<model::Event> events;
  std::vector<std::uint32_t> executed, first_executed;
  std::uint32_t main_pc = 0, first_main_pc = 0;

 private:
  std::uint16_t want_;
};

std::string step_where(const TraceStep& s) {
  return base_name(s.file) + ":" + std::to_string(s.line) + " (" + s.function +
         "): " + without_comments(s.source);
}

// "lock_page (filemap.pcm:52)": the function and place of instruction `pc` of `thread`.
std::string function_where(const TraceContext& ctx, unsigned thread, std::uint32_t pc) {
  const model::Program& p = ctx.program;
  const auto& code = p.threads.at(thread).code;
  if (pc >= code.size()) return "the end of " + p.threads[thread].name;
  const model::Instr& ins = code[pc];
  const std::string fn = ins.frame >= 0 ? p.frames.at(static_cast<std::size_t>(ins.frame)).function
                                        : p.threads[thread].name;
  return fn + " (" + base_name(ctx.sources.file(ins.loc.file).path) + ":" +
         std::to_string(ins.loc.line) + ")";
}

// Whether the violation `saved` describes holds at the end of the replayed path; "" when it
// does (reproduced), otherwise why not.
std::string not_violated(const TraceContext& ctx, const Trace& saved, const std::uint8_t* s,
                         const std::vector<model::Event>& last_events,
                         const std::optional<std::vector<std::uint8_t>>& loop_state) {
  const model::Program& p = ctx.program;
  const std::string& name = saved.property;
  const std::string& cls = saved.cls;
  auto thread_at = [&](unsigned t) {
    return p.threads[t].name + " at " + statement_at(ctx, t, ctx.exec.pc(s, t));
  };
  if (cls == "debug" || cls == "warn" || cls == "bug" || cls == "harm" || cls == "discipline") {
    bool discipline = cls == "discipline";
    std::string site_name = discipline && name.size() > 11 ? name.substr(0, name.size() - 11) : name;
    bool exists = false;
    for (const auto& site : p.asserts) exists = exists || site.name == site_name;
    if (!exists) {
      if (cls == "debug" && !p.debug_vm)
        return name + " is a " + saved.macro +
               ": it is compiled only with --debug-vm (CONFIG_DEBUG_VM), as in the kernel";
      return name + " does not exist in this variant (a switch removes it)";
    }
    for (const model::Event& e : last_events) {
      auto kind = discipline ? model::Event::Discipline : model::Event::AssertFired;
      if (e.kind == kind && p.asserts.at(e.site).name == site_name) return "";
    }
    return "the last step does not " + std::string(discipline ? "violate " : "fire ") + name;
  }
  if (cls == "model_error") {
    for (const model::Event& e : last_events)
      if (e.kind == model::Event::ModelError) return "";
    return "the last step raises no model error";
  }
  std::vector<model::Event> events;
  if (cls == "invariant") {
    for (const auto& c : p.invariants)
      if (c.name == name)
        return ctx.exec.eval_cond(c.cond, s, events) ? "invariant " + name + " holds: " + c.text
                                                     : "";
    return "invariant " + name + " does not exist in this variant";
  }
  if (cls == "final") {
    for (unsigned t = 0; t < p.threads.size(); ++t)
      if (!ctx.exec.finished(s, t)) return "not every thread has finished: " + thread_at(t);
    for (const auto& c : p.finals)
      if (c.name == name)
        return ctx.exec.eval_cond(c.cond, s, events) ? "final " + name + " holds: " + c.text : "";
    return "final " + name + " does not exist in this variant";
  }
  if (cls == "deadlock") {
    model::Scratch scratch;
    bool all_finished = true;
    for (unsigned t = 0; t < p.threads.size(); ++t) {
      Collect none(0xFFFF, p.state_size);
      if (ctx.exec.step(s, t, scratch, none) != 0) return "no deadlock: " + thread_at(t) + " can go on";
      all_finished = all_finished && ctx.exec.finished(s, t);
    }
    return all_finished ? "no deadlock: every thread has finished" : "";
  }
  if (cls == "nontermination") {
    if (!loop_state) return "the trace has no cycle (loop_start)";
    if (*loop_state != std::vector<std::uint8_t>(s, s + p.state_size))
      return "the cycle does not close: the state after the last step differs from the state "
             "before step " + std::to_string(saved.loop_start + 1);
    for (unsigned t = 0; t < p.threads.size(); ++t)
      if (p.threads[t].name == saved.thread_name && ctx.exec.finished(s, t))
        return saved.thread_name + " has finished";
    return "";
  }
  return "unknown property class '" + cls + "'";
}

}  // namespace

const char* to_string(Divergence d) {
  switch (d) {
    case Divergence::None: return "none";
    case Divergence::UnknownThread: return "unknown-thread";
    case Divergence::BadInit: return "bad-init";
    case Divergence::Finished: return "finished";
    case Divergence::Blocked: return "blocked";
    case Divergence::NoSuchChoice: return "no-such-choice";
    case Divergence::EndedEarly: return "ended-early";
    case Divergence::NotViolated: return "not-violated";
  }
  return "?";
}

ReplayResult replay(const TraceContext& ctx, const Trace& saved) {
  const model::Program& p = ctx.program;
  ReplayResult r;
  Trace& out = r.replayed;
  out.property = saved.property;
  out.cls = saved.cls;
  out.macro = saved.macro;
  out.function = saved.function;
  out.location = saved.location;
  out.text = saved.text;
  out.thread_name = saved.thread_name;
  out.loop_start = saved.loop_start;
  auto diverge = [&](Divergence why, std::size_t step, std::string reason) -> ReplayResult& {
    r.status = ReplayStatus::Diverged;
    r.why = why;
    r.step = step;
    r.reason = step ? "step " + std::to_string(step) + ": " + reason : reason;
    return r;
  };

  std::map<std::string, unsigned> by_name;
  for (unsigned t = 0; t < p.threads.size(); ++t) by_name[p.threads[t].name] = t;

  std::vector<std::uint8_t> cur(p.state_size);
  {
    std::vector<model::Event> init_events;
    ctx.exec.initial_state(cur.data(), init_events);
    if (!init_events.empty())
      return diverge(Divergence::BadInit, 0, "the init block fails in this variant: " +
                                                 event_text(ctx, init_events.front()));
  }

  model::Scratch scratch;
  scratch.explain = true;
  std::optional<std::vector<std::uint8_t>> loop_state;
  std::vector<model::Event> last_events;
  std::map<unsigned, std::size_t> last_step_of;      // thread → its last replayed step
  std::map<unsigned, Branch> last_branch;            // thread → its last conditional branch
  for (std::size_t i = 0; i < saved.choice_path.size(); ++i) {
    const std::size_t n = i + 1;
    std::uint16_t index = saved.choice_path[i].second;
    std::string name = i < saved.steps.size() ? saved.steps[i].thread_name : "";
    unsigned t = saved.choice_path[i].first;
    if (!name.empty()) {
      auto it = by_name.find(name);
      if (it == by_name.end())
        return diverge(Divergence::UnknownThread, n, "the scenario has no thread " + name);
      t = it->second;
    } else if (t >= p.threads.size()) {
      return diverge(Divergence::UnknownThread, n, "the scenario has no thread #" + std::to_string(t));
    }
    const std::string& tn = p.threads[t].name;
    if (saved.loop_start >= 0 && i == static_cast<std::size_t>(saved.loop_start)) loop_state = cur;

    if (ctx.exec.finished(cur.data(), t)) {
      auto last = last_step_of.find(t);
      diverge(Divergence::Finished, n, tn + " has finished" +
                                           (last == last_step_of.end()
                                                ? std::string(" (it takes no step here)")
                                                : " (its last step was step " +
                                                      std::to_string(last->second) + ")"));
      if (i < saved.steps.size()) r.details.push_back("the trace's step: " + step_where(saved.steps[i]));
      return r;
    }
    Collect got(index, p.state_size);
    unsigned count = ctx.exec.step(cur.data(), t, scratch, got);
    if (count == 0) {
      if (scratch.blocked.empty()) throw std::logic_error("replay: a step without successors or await");
      StuckReport why = why_blocked(ctx, t, scratch.blocked.front());
      diverge(Divergence::Blocked, n, why.reason);
      r.details = why.details;
      if (i < saved.steps.size()) r.details.push_back("the trace's step: " + step_where(saved.steps[i]));
      return r;
    }
    if (!got.found) {
      const auto& code = p.threads[t].code;
      std::string choose;
      for (std::uint32_t pc : got.first_executed)
        if (pc < code.size() && code[pc].op == model::IOp::Choose) choose = statement_at(ctx, t, pc);
      std::uint32_t main_pc = got.first_main_pc;
      // Name both steps: a variant that adds or removes a step shifts every later one, and the
      // two places say at once which statement the variant inserted or dropped.
      const std::string expected =
          i < saved.steps.size()
              ? saved.steps[i].function + " (" + base_name(saved.steps[i].file) + ":" +
                    std::to_string(saved.steps[i].line) + ")"
              : std::string("an unrecorded step");
      diverge(Divergence::NoSuchChoice, n,
              tn + " has " + std::to_string(count) + " successor" + (count == 1 ? "" : "s") +
                  " here, the trace takes successor " + std::to_string(index) +
                  (choose.empty() ? ": the step makes no choice" : ": choose() gives fewer values") +
                  "; the trace expected " + expected + ", this variant offers " +
                  function_where(ctx, t, main_pc));
      r.details.push_back(choose.empty() ? "the step runs " + statement_at(ctx, t, main_pc)
                                         : "the choice: " + choose);
      for (auto& c : callers_of(ctx, t, main_pc)) r.details.push_back(c);
      if (i < saved.steps.size()) r.details.push_back("the trace's step: " + step_where(saved.steps[i]));
      auto b = last_branch.find(t);
      if (b != last_branch.end())
        r.details.push_back(tn + "'s last branch (step " + std::to_string(b->second.step) + "): " +
                            statement_at(ctx, t, b->second.pc) + "  [condition " +
                            (b->second.taken ? "true" : "false") + "]");
      return r;
    }

    out.steps.push_back(describe_step(ctx, cur.data(), got.state.data(), t, index, got.main_pc,
                                      got.events));
    describe_memory(ctx, cur.data(), got.state.data(), t, got.flush, nullptr, out.steps.back());
    out.choice_path.emplace_back(static_cast<std::uint16_t>(t), index);
    std::uint32_t pc_after = ctx.exec.pc(got.state.data(), t);
    for (const Branch& b : branches_in(p, t, got.executed, pc_after, n)) last_branch[t] = b;
    last_step_of[t] = n;
    if (r.notes.empty() && i < saved.steps.size()) {
      const TraceStep& a = out.steps.back();
      const TraceStep& b = saved.steps[i];
      if (base_name(a.file) != base_name(b.file) || a.line != b.line)
        r.notes.push_back("from step " + std::to_string(n) + " on, the path runs other statements: " +
                          tn + " runs " + step_where(a) + " where the trace ran " + step_where(b));
    }
    cur = got.state;
    last_events = got.events;
    if (got.fatal && n < saved.choice_path.size()) {
      std::string what = got.events.empty() ? "a fatal event" : event_text(ctx, got.events.front());
      diverge(Divergence::EndedEarly, n,
              "the path ends here: " + tn + "'s step raises " + what +
                  " (fatal), the trace goes on to step " + std::to_string(n + 1));
      r.details.push_back("at " + statement_at(ctx, t, got.main_pc));
      return r;
    }
  }
  out.final_state = shared_values(p, cur.data());

  std::string why = not_violated(ctx, saved, cur.data(), last_events, loop_state);
  if (!why.empty()) {
    diverge(Divergence::NotViolated, 0,
            "end of path (" + std::to_string(saved.choice_path.size()) + " steps): " + why);
    return r;
  }
  r.status = ReplayStatus::Reproduced;
  r.why = Divergence::None;
  r.reason = "reproduced: " + saved.property;
  return r;
}

}  // namespace pcmc::traces
