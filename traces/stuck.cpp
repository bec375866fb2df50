#include "traces/stuck.hpp"

#include <functional>

namespace pcmc::traces {

namespace {

std::string base_name(const std::string& path) {
  auto s = path.find_last_of('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}


std::string loc_text(const TraceContext& ctx, model::SrcLoc loc) {
  return base_name(ctx.sources.file(loc.file).path) + ":" + std::to_string(loc.line) + ": " +
         without_comments(ctx.sources.line_text(loc.file, loc.line));
}

// The conjuncts of `e` (a && b && ... flattened), in source order.
void conjuncts(const model::Program& p, model::ExprId e, std::vector<model::ExprId>& out) {
  const model::ENode& n = p.exprs.at(static_cast<std::size_t>(e));
  if (n.op == model::EOp::LAnd) {
    conjuncts(p, n.a, out);
    conjuncts(p, n.b, out);
  } else {
    out.push_back(e);
  }
}

// Every Load in `e`, outermost first (guards of guarded fields are not loads of `e`).
void loads(const model::Program& p, model::ExprId e, std::vector<model::ExprId>& out) {
  if (e < 0) return;
  const model::ENode& n = p.exprs.at(static_cast<std::size_t>(e));
  if (n.op == model::EOp::Load) {
    out.push_back(e);
    const model::ANode& a = p.addrs.at(static_cast<std::size_t>(n.a));
    if (a.op == model::AOp::Deref || a.op == model::AOp::Index) loads(p, a.index, out);
    return;
  }
  if (n.op == model::EOp::Const) return;
  loads(p, n.a, out);
  loads(p, n.b, out);
  loads(p, n.c, out);
}

const model::Symbol* global_at(const model::Program& p, std::uint32_t offset) {
  for (const model::Symbol& s : p.symbols)
    if (s.thread < 0 && !s.is_pc && s.offset == offset) return &s;
  return nullptr;
}

// The pool element that holds `offset` ("M", "C0"), or "" for a plain global.
std::string element_at(const model::Program& p, std::uint32_t offset) {
  for (const model::Pool& pool : p.pools) {
    if (pool.elem_size == 0 || offset < pool.base ||
        offset >= pool.base + pool.elem_size * pool.count)
      continue;
    std::uint32_t i = (offset - pool.base) / pool.elem_size;
    if (i < pool.elem_names.size() && !pool.elem_names[i].empty()) return pool.elem_names[i];
    return pool.name + "[" + std::to_string(i) + "]";
  }
  return {};
}

}  // namespace

std::string without_comments(const std::string& src) {
  std::string s;
  for (std::size_t i = 0; i < src.size(); ++i) {
    if (src.compare(i, 2, "/*") == 0) {
      std::size_t e = src.find("*/", i + 2);
      i = e == std::string::npos ? src.size() : e + 1;
      s += ' ';
      continue;
    }
    if (src.compare(i, 2, "//") == 0) break;
    char c = src[i] == '\t' || src[i] == '\r' ? ' ' : src[i];
    if (c == ' ' && (s.empty() || s.back() == ' ')) continue;
    s += c;
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string statement_at(const TraceContext& ctx, unsigned thread, std::uint32_t pc) {
  const auto& code = ctx.program.threads.at(thread).code;
  if (pc >= code.size()) return "(end of " + ctx.program.threads[thread].name + ")";
  return loc_text(ctx, code[pc].loc);
}

std::vector<std::string> callers_of(const TraceContext& ctx, unsigned thread, std::uint32_t pc) {
  const model::Program& p = ctx.program;
  std::vector<std::string> out;
  const auto& code = p.threads.at(thread).code;
  if (pc >= code.size()) return out;
  // The outermost frame (parent -1) is the thread body itself: it has no caller.
  for (std::int32_t f = code[pc].frame; f >= 0; f = p.frames.at(static_cast<std::size_t>(f)).parent) {
    const model::Frame& fr = p.frames[static_cast<std::size_t>(f)];
    if (fr.parent < 0) break;
    const model::Frame& caller = p.frames.at(static_cast<std::size_t>(fr.parent));
    bool body = caller.parent < 0;
    out.push_back("called from " + caller.function + (body ? "" : "()") + " at " +
                  loc_text(ctx, fr.call_site));
  }
  return out;
}

StuckReport why_blocked(const TraceContext& ctx, unsigned thread,
                        const model::Scratch::Blocked& at) {
  const model::Program& p = ctx.program;
  const std::string& me = p.threads.at(thread).name;
  const model::Instr& ins = p.threads[thread].code.at(at.pc);
  // The await's function; none when it is written in the thread body (the outermost frame).
  std::string fn;
  if (ins.frame >= 0 && p.frames.at(static_cast<std::size_t>(ins.frame)).parent >= 0)
    fn = p.frames[static_cast<std::size_t>(ins.frame)].function;
  StuckReport r;

  std::vector<model::ExprId> parts;
  conjuncts(p, ins.b, parts);
  model::ExprId failing = ins.b;
  for (model::ExprId c : parts) {
    std::int64_t v = 0;
    if (ctx.exec.eval_in_thread(c, at.state.data(), thread, v) && v == 0) {
      failing = c;
      break;
    }
  }
  std::vector<model::ExprId> ls;
  loads(p, failing, ls);
  std::string lock, holder, element, values;
  for (model::ExprId l : ls) {
    const model::ENode& n = p.exprs[static_cast<std::size_t>(l)];
    std::uint32_t off = 0;
    if (!ctx.exec.addr_in_thread(n.a, at.state.data(), thread, off)) continue;
    const model::Symbol* sym = global_at(p, off);
    if (!sym) continue;  // a local: not what the thread waits for
    std::int64_t v = model::Executor::load(at.state.data(), off, sym->scalar.width);
    std::string shown = format_value(p, sym->scalar, v);
    if (sym->scalar.kind == model::ScalarKind::Thread && v != 0 && lock.empty()) {
      lock = sym->name;
      holder = static_cast<unsigned>(v - 1) == thread ? me + " itself" : shown;
      element = element_at(p, off);
    } else if (lock.empty() && element.empty()) {
      element = element_at(p, off);  // what a non-lock await waits on: "wait_on_page_writeback(C0)"
    }
    std::string item = sym->name + "=" + shown;
    if (values.find(item) == std::string::npos) values += (values.empty() ? "" : ", ") + item;
  }
  std::string where = fn.empty() ? me : fn + "(" + element + ")";
  if (!lock.empty()) {
    r.reason = me + " cannot take " + where + ": " + lock + " held by " + holder;
  } else {
    r.reason = me + " waits" + (fn.empty() ? "" : " in " + where) +
               ": its await does not hold" + (values.empty() ? "" : " (" + values + ")");
  }
  r.details.push_back("at " + loc_text(ctx, ins.loc));
  for (auto& c : callers_of(ctx, thread, at.pc)) r.details.push_back(c);
  if (!lock.empty() && !values.empty()) r.details.push_back("values read: " + values);
  return r;
}

std::vector<Branch> branches_in(const model::Program& p, unsigned thread,
                                const std::vector<std::uint32_t>& executed,
                                std::uint32_t pc_after, std::size_t step) {
  std::vector<Branch> out;
  const auto& code = p.threads.at(thread).code;
  for (std::size_t i = 0; i < executed.size(); ++i) {
    std::uint32_t pc = executed[i];
    if (pc >= code.size() || code[pc].op != model::IOp::JumpIfNot) continue;
    if (code[pc].target == pc + 1) continue;  // both ways lead to the same place
    // The next pc tells the direction: the next executed one, or the thread's pc after the
    // step when the branch was the step's last instruction.
    std::uint32_t next = i + 1 < executed.size() ? executed[i + 1] : pc_after;
    out.push_back({pc, next != code[pc].target, step});
  }
  return out;
}

}  // namespace pcmc::traces
