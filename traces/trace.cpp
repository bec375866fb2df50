#include "traces/trace.hpp"

#include <stdexcept>

namespace pcmc::traces {

namespace {

// Captures the successor with a given index, with the executed pcs and events.
class Capture final : public model::Sink {
 public:
  Capture(std::uint16_t want, std::size_t size) : want_(want) { state.resize(size); }
  void on_successor(const model::Successor& s) override {
    if (s.index != want_) return;
    found = true;
    std::copy(s.state, s.state + state.size(), state.begin());
    events.assign(s.events.begin(), s.events.end());
    main_pc = s.main_pc;
    flush = s.flush;
  }
  bool found = false;
  std::int16_t flush = -1;
  std::vector<std::uint8_t> state;
  std::vector<model::Event> events;
  std::uint32_t main_pc = 0;

 private:
  std::uint16_t want_;
};

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The source text of a step. A step that is an `atomic {` block spanning several lines would
// otherwise read "atomic {"; it is shown as the block's statements on one line, comments
// dropped, cut at kMaxAtomicText characters ("atomic { a = b; if (c) d(); … }").
constexpr std::size_t kMaxAtomicText = 72;

std::string strip_comments(const std::string& line, bool& in_block) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (in_block) {
      if (line.compare(i, 2, "*/") == 0) { in_block = false; ++i; }
      continue;
    }
    if (line.compare(i, 2, "/*") == 0) { in_block = true; ++i; continue; }
    if (line.compare(i, 2, "//") == 0) break;
    out += line[i];
  }
  return out;
}

std::string step_source(const model::SourceManager& sm, std::uint32_t file, std::uint32_t line) {
  std::string first = trim(sm.line_text(file, line));
  if (first.rfind("atomic", 0) != 0) return first;
  bool in_block = false;
  std::string text;
  int depth = 0;
  bool opened = false;
  for (std::uint32_t l = line; l < line + 200; ++l) {
    const std::string raw = sm.line_text(file, l);
    if (l != line && raw.empty() && !opened) break;
    for (char c : strip_comments(raw, in_block)) {
      if (c == '{') { ++depth; opened = true; }
      if (c == '}') --depth;
      const bool space = c == ' ' || c == '\t' || c == '\r';
      if (space) {
        if (!text.empty() && text.back() != ' ') text += ' ';
      } else {
        text += c;
      }
      if (opened && depth == 0) break;
    }
    if (opened && depth == 0) break;
    if (!text.empty() && text.back() != ' ') text += ' ';
  }
  if (!opened || depth != 0) return first;  // not a block we can read: keep the line
  // labels inside the block ("A3: VM_BUG_ON(...)") read fine as they are
  if (text.size() > kMaxAtomicText) text = text.substr(0, kMaxAtomicText - 6) + " … }";
  return text;
}

// A model error raised by a state condition, not by a step: the first invariant (every state),
// or final or exists condition (end states) whose evaluation in `state` raises one, in the order
// the checker evaluates them (checker/program_system.cpp). Names it in `t` (location, text,
// detail); false when none does.
bool condition_error(const TraceContext& ctx, const std::uint8_t* state, Trace& t) {
  const model::Program& p = ctx.program;
  bool end = true;
  for (unsigned i = 0; i < p.threads.size(); ++i) end = end && ctx.exec.finished(state, i);
  auto raises = [&](const std::vector<model::NamedCond>& conds, const char* what) {
    for (const model::NamedCond& c : conds) {
      std::vector<model::Event> events;
      ctx.exec.eval_cond(c.cond, state, events);
      if (events.empty()) continue;
      t.location = c.loc.line ? ctx.sources.where(c.loc) : "";
      t.text = c.text;
      t.detail = event_text(ctx, events.front()) + " in " + what +
                 (c.name.empty() || c.name == what ? "" : " " + c.name);
      return true;
    }
    return false;
  };
  return raises(p.invariants, "invariant") ||
         (end && (raises(p.finals, "final") || raises(p.exists, "exists")));
}

}  // namespace

std::string event_text(const TraceContext& ctx, const model::Event& e) {
  const model::Program& p = ctx.program;
  switch (e.kind) {
    case model::Event::AssertFired: {
      const auto& site = p.asserts.at(e.site);
      return site.macro + "(" + site.text + ") fired: " + site.name;
    }
    case model::Event::Discipline: {
      const auto& site = p.asserts.at(e.site);
      std::string field = "a guarded field";
      if (e.addr >= 0) {
        const auto& a = p.addrs.at(static_cast<std::size_t>(e.addr));
        if (a.field >= 0) {
          const auto& f = p.fields.at(static_cast<std::size_t>(a.field));
          field = f.struct_name + "." + f.name + " (guarded_by " + f.guard_text + ")";
        }
      }
      return "discipline: " + site.name + " reads " + field + " without its guard";
    }
    case model::Event::ModelError: {
      const std::string kind = std::string("model error: ") + model::to_string(e.error);
      switch (e.error) {
        case model::ModelErrorKind::Range:
        case model::ModelErrorKind::IndexBounds:
          return kind + " (value " + std::to_string(e.value) + ")";
        case model::ModelErrorKind::Overflow:
          return kind + " (the result leaves the 64-bit range)";
        case model::ModelErrorKind::Shift:
          return kind + " (count " + std::to_string(e.value) + ", not in 0..63)";
        case model::ModelErrorKind::LocalDivergence:
          return kind + " (the step ran " + std::to_string(ctx.exec.options().local_budget) +
                 " instructions without reaching a scheduling point: a local loop that never "
                 "ends, or one that needs more than --max-local-steps)";
        default: return kind;
      }
    }
  }
  return "?";
}

std::string format_value(const model::Program& p, const model::Scalar& s, std::int64_t v) {
  switch (s.kind) {
    case model::ScalarKind::Ref: {
      if (v == 0) return "NULL";
      if (s.pool >= 0 && static_cast<std::size_t>(s.pool) < p.pools.size()) {
        const auto& pool = p.pools[static_cast<std::size_t>(s.pool)];
        auto i = static_cast<std::size_t>(v - 1);
        if (i < pool.elem_names.size() && !pool.elem_names[i].empty()) return pool.elem_names[i];
        return pool.name + "[" + std::to_string(v - 1) + "]";
      }
      return "#" + std::to_string(v);
    }
    case model::ScalarKind::Thread:
      if (v == 0) return "NO_THREAD";
      if (static_cast<std::size_t>(v - 1) < p.threads.size())
        return p.threads[static_cast<std::size_t>(v - 1)].name;
      return "thread#" + std::to_string(v);
    case model::ScalarKind::Enum:
      if (s.enum_id >= 0 && static_cast<std::size_t>(s.enum_id) < p.enums.size()) {
        const auto& items = p.enums[static_cast<std::size_t>(s.enum_id)].items;
        if (v >= 0 && static_cast<std::size_t>(v) < items.size())
          return items[static_cast<std::size_t>(v)];
      }
      return std::to_string(v);
    case model::ScalarKind::Bool:
    case model::ScalarKind::Int:
      return std::to_string(v);
  }
  return std::to_string(v);
}

std::vector<std::pair<std::string, std::string>> shared_values(const model::Program& p,
                                                                const std::uint8_t* state) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const model::Symbol& sym : p.symbols) {
    if (sym.thread >= 0 || sym.is_pc) continue;
    out.emplace_back(sym.name, format_value(p, sym.scalar,
                                            model::Executor::load(state, sym.offset,
                                                                  sym.scalar.width)));
  }
  return out;
}

TraceStep describe_step(const TraceContext& ctx, const std::uint8_t* before,
                        const std::uint8_t* after, unsigned thread, std::uint16_t index,
                        std::uint32_t main_pc, std::span<const model::Event> events) {
  const model::Program& p = ctx.program;
  TraceStep ts;
  ts.thread = thread;
  ts.thread_name = p.threads.at(thread).name;
  ts.index = index;
  const auto& code = p.threads[thread].code;
  const model::Instr& ins = code.at(main_pc < code.size() ? main_pc : code.size() - 1);
  for (std::int32_t f = ins.frame; f >= 0; f = p.frames.at(static_cast<std::size_t>(f)).parent)
    ts.call_chain.insert(ts.call_chain.begin(), p.frames[static_cast<std::size_t>(f)].function);
  ts.function = ts.call_chain.empty() ? ts.thread_name : ts.call_chain.back();
  ts.file = ctx.sources.where(model::SrcLoc{ins.loc.file, 0, 0});
  ts.line = ins.loc.line;
  ts.col = ins.loc.col;
  ts.source = step_source(ctx.sources, ins.loc.file, ins.loc.line);
  for (const model::Symbol& sym : p.symbols) {
    if (sym.thread >= 0 || sym.is_pc) continue;
    auto a = model::Executor::load(before, sym.offset, sym.scalar.width);
    auto b = model::Executor::load(after, sym.offset, sym.scalar.width);
    if (a != b)
      ts.changes.push_back(
          {sym.name, format_value(p, sym.scalar, a), format_value(p, sym.scalar, b)});
    if (sym.scalar.kind == model::ScalarKind::Thread && b == thread + 1)
      ts.locks_held.push_back(sym.name);
  }
  for (const model::Event& e : events) ts.events.push_back(event_text(ctx, e));
  return ts;
}

Trace build_trace(const TraceContext& ctx, const PropertyRef& prop, const ChoicePath& path) {
  const model::Program& p = ctx.program;
  Trace t;
  t.property = prop.name;
  t.cls = prop.cls;
  t.macro = prop.macro;
  t.function = prop.function;
  t.location = prop.loc.line ? ctx.sources.where(prop.loc) : "";
  t.text = prop.text;
  if (path.thread >= 0 && static_cast<std::size_t>(path.thread) < p.threads.size())
    t.thread_name = p.threads[static_cast<std::size_t>(path.thread)].name;
  t.loop_start = path.loop_start;

  std::vector<std::uint8_t> cur(p.state_size);
  std::vector<model::Event> init_events;
  ctx.exec.initial_state(cur.data(), init_events);
  model::Scratch scratch;
  model::Access access;  // tso/pso: where the loads came from (describe_memory)
  if (p.memory_model != model::MemoryModel::Sc) scratch.access = &access;
  for (const auto& [thread, index] : path.steps) {
    struct {
      std::uint16_t thread, index;
    } st{thread, index};
    t.choice_path.emplace_back(st.thread, st.index);
    Capture cap(st.index, p.state_size);
    ctx.exec.step(cur.data(), st.thread, scratch, cap);
    if (!cap.found)
      throw std::logic_error("counterexample does not replay at step " +
                             std::to_string(t.steps.size() + 1));
    t.steps.push_back(describe_step(ctx, cur.data(), cap.state.data(), st.thread, st.index,
                                    cap.main_pc, cap.events));
    describe_memory(ctx, cur.data(), cap.state.data(), st.thread, cap.flush,
                    scratch.access, t.steps.back());
    cur = cap.state;
  }
  t.final_state = shared_values(p, cur.data());

  // One line saying what went wrong.
  if (prop.cls == "deadlock") {
      std::string blocked;
      for (unsigned i = 0; i < p.threads.size(); ++i)
        if (!ctx.exec.finished(cur.data(), i)) {
          const auto& code = p.threads[i].code;
          auto pc = ctx.exec.pc(cur.data(), i);
          blocked += (blocked.empty() ? "" : "; ") + p.threads[i].name + " blocked at " +
                     (pc < code.size() ? ctx.sources.where(code[pc].loc) + " " +
                                             trim(ctx.sources.line_text(code[pc].loc.file,
                                                                        code[pc].loc.line))
                                       : std::string("?"));
        }
      t.detail = "deadlock: " + blocked;
  } else if (prop.cls == "nontermination") {
    t.detail = "steps " + std::to_string(path.loop_start + 1) + ".." +
               std::to_string(t.steps.size()) +
               " repeat forever; every thread enabled throughout the cycle takes a step in it";
  } else if (prop.cls == "invariant" || prop.cls == "final") {
    t.detail = t.cls + " " + t.property + " does not hold: " + t.text;
  } else {
    t.detail = t.property + " violated";
    if (!t.steps.empty())
      for (const auto& ev : t.steps.back().events)
        if (ev.find(t.property) != std::string::npos || prop.cls == "model_error") t.detail = ev;
    if (prop.cls == "model_error" && t.detail.rfind("model error", 0) == 0) {
      const TraceStep& last = t.steps.back();  // the step that raised it: where
      t.location = last.file + ":" + std::to_string(last.line) + ":" + std::to_string(last.col);
      t.text = last.source;
    } else if (prop.cls == "model_error") {
      condition_error(ctx, cur.data(), t);
    }
  }
  return t;
}

}  // namespace pcmc::traces
