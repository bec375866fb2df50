#include "traces/state_labels.hpp"

#include "traces/stuck.hpp"  // without_comments

#include <stdexcept>

namespace pcmc::traces {

namespace {

// Captures the main pc of the successor with a given index.
class SiteCapture final : public model::Sink {
 public:
  explicit SiteCapture(std::uint16_t want) : want_(want) {}
  void on_successor(const model::Successor& s) override {
    if (s.index != want_) return;
    found = true;
    main_pc = s.main_pc;
  }
  bool found = false;
  std::uint32_t main_pc = 0;

 private:
  std::uint16_t want_;
};

std::string base_name(const std::string& path) {
  auto s = path.find_last_of('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}

std::string frame_function(const model::Program& p, const model::Thread& th, std::int32_t frame) {
  return frame >= 0 ? p.frames.at(static_cast<std::size_t>(frame)).function : th.name;
}

}  // namespace

StepSite step_site(const TraceContext& ctx, const std::uint8_t* state, unsigned thread,
                   std::uint16_t index) {
  const model::Program& p = ctx.program;
  model::Scratch scratch;
  SiteCapture cap(index);
  ctx.exec.step(state, thread, scratch, cap);
  if (!cap.found)
    throw std::logic_error("step_site: thread " + std::to_string(thread) +
                           " has no successor " + std::to_string(index));
  const model::Thread& th = p.threads.at(thread);
  const model::Instr& ins = th.code.at(cap.main_pc < th.code.size() ? cap.main_pc
                                                                     : th.code.size() - 1);
  StepSite site;
  site.function = frame_function(p, th, ins.frame);
  site.file = base_name(ctx.sources.where(model::SrcLoc{ins.loc.file, 0, 0}));
  site.line = ins.loc.line;
  site.source = without_comments(ctx.sources.line_text(ins.loc.file, ins.loc.line));
  return site;
}

std::string thread_position(const TraceContext& ctx, const std::uint8_t* state,
                            unsigned thread) {
  if (ctx.exec.finished(state, thread)) return "done";
  const model::Thread& th = ctx.program.threads.at(thread);
  const std::uint16_t pc = ctx.exec.pc(state, thread);
  if (pc >= th.code.size()) return "pc" + std::to_string(pc);
  const model::Instr& ins = th.code[pc];
  return frame_function(ctx.program, th, ins.frame) + ":" + std::to_string(ins.loc.line);
}

std::vector<std::pair<std::string, std::string>> live_locals(const TraceContext& ctx,
                                                             const std::uint8_t* state,
                                                             unsigned thread) {
  const model::Program& p = ctx.program;
  std::vector<std::pair<std::string, std::string>> out;
  if (ctx.exec.finished(state, thread)) return out;
  const model::Thread& th = p.threads.at(thread);
  const std::uint16_t pc = ctx.exec.pc(state, thread);
  // Frames live at the pc: its frame and the frames that called it. Locals of other frames
  // share their bytes (a stack) and must not be shown.
  std::vector<std::int32_t> live{-1};
  if (pc < th.code.size())
    for (std::int32_t f = th.code[pc].frame; f >= 0;
         f = p.frames.at(static_cast<std::size_t>(f)).parent)
      live.push_back(f);
  const std::string prefix = th.name + ".";
  for (const model::Symbol& sym : p.symbols) {
    if (sym.thread != static_cast<std::int32_t>(thread) || sym.is_pc) continue;
    bool is_live = false;
    for (std::int32_t f : live) is_live = is_live || f == sym.frame;
    if (!is_live) continue;
    const std::int64_t v = model::Executor::load(state, sym.offset, sym.scalar.width);
    if (v == 0) continue;
    std::string n = sym.name.rfind(prefix, 0) == 0 ? sym.name.substr(prefix.size()) : sym.name;
    out.emplace_back(std::move(n), format_value(p, sym.scalar, v));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> shared_diff(const model::Program& p,
                                                             const std::uint8_t* state,
                                                             const std::uint8_t* reference) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const model::Symbol& sym : p.symbols) {
    if (sym.thread >= 0 || sym.is_pc) continue;
    const std::int64_t v = model::Executor::load(state, sym.offset, sym.scalar.width);
    const std::int64_t r =
        reference ? model::Executor::load(reference, sym.offset, sym.scalar.width) : 0;
    if (v != r) out.emplace_back(sym.name, format_value(p, sym.scalar, v));
  }
  return out;
}

std::vector<std::vector<std::string>> held_by_thread(const model::Program& p,
                                                     const std::uint8_t* state) {
  std::vector<std::vector<std::string>> out(p.threads.size());
  for (const model::Symbol& sym : p.symbols) {
    if (sym.thread >= 0 || sym.is_pc || sym.scalar.kind != model::ScalarKind::Thread) continue;
    const std::int64_t v = model::Executor::load(state, sym.offset, sym.scalar.width);
    if (v >= 1 && static_cast<std::size_t>(v) <= out.size())
      out[static_cast<std::size_t>(v - 1)].push_back(sym.name);
  }
  return out;
}

}  // namespace pcmc::traces
