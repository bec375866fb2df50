// The code generator's instructions, threads and entry points (model/codegen.hpp); expressions
// and addresses are in codegen_expr.cpp.
//
// Shape of the translation unit (docs/native-engine.md):
//   the ABI header, the checked arithmetic and the runtime helpers (model/native_abi.h,
//   model/arith.h, model/native_runtime.inc),
//   one `template <bool A> run_K(...)` per class of threads whose code is the same text (three
//   identical openers share one), A = record the footprint (Scratch::access),
//   one `cond_N` per invariant/final/exists condition,
//   the exported entry points (pcmc_native_step, pcmc_native_eval_cond, ABI checks).
// run_K is Stepper::run of model/exec.cpp: a `switch (pc)` to the instruction labels, each
// instruction a block, jumps as gotos, a choose as a loop that recurses into the next fork
// buffer (chooses may nest inside atomic loops, so the depth is dynamic).
#include "model/codegen.hpp"

#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

#include "model/codegen_writer.hpp"
#include "model/liveness.hpp"
#include "native_abi_text.hpp"

namespace pcmc::model {

// Every ExecOptions field must be decided in native_supports(): when this fails, a field was
// added; implement it in the generated code (and the oracle test) or refuse it there.
static_assert(sizeof(ExecOptions) == 16 + sizeof(std::vector<std::uint32_t>),
              "ExecOptions changed: decide the new field in native_supports()");

bool native_supports(const ExecOptions& options, std::string* why) {
  // All implemented, baked into the generated code: debug_vm, dead_vars (the clears at each
  // stop, model/liveness.hpp), local_budget and the page-frame
  // block check (ref_blocks: RefAdd, RefDiff and ordered reference comparisons report block
  // crossings, docs/frame-blocks.md; the block sizes are part of the generated text, so
  // two different ref_blocks give two different modules and none gives the plain code).
  (void)options;
  if (why != nullptr) why->clear();
  return true;
}

namespace {

using codegen::Env;
using codegen::Writer;

std::string step_fail(ModelErrorKind k, const std::string& v, std::uint32_t pc) {
  return "{ ek = " + std::to_string(static_cast<int>(k)) + "; ev = " + v + "; fpc = " +
         std::to_string(pc) + "u; goto fault; }";
}

std::string cond_fail(ModelErrorKind k, const std::string& v, std::uint32_t) {
  return "{ *error_kind = " + std::to_string(static_cast<int>(k)) + "; *error_value = " + v +
         "; return PCMC_NATIVE_COND_ERROR; }";
}

// The body of one thread's run function, with "@RUN@" for its name, plus its tables.
struct ThreadCode {
  std::string text;
  std::vector<std::int32_t> disc;
  std::vector<std::uint32_t> sites;
};

ThreadCode thread_code(const Program& p, const Thread& th, unsigned thread, const ExecOptions& opt,
                       const DeadLocals* dead) {
  std::ostringstream o;
  Writer w(p, o);
  const auto n = static_cast<std::uint32_t>(th.code.size());
  const std::string N = std::to_string(p.state_size) + "u";
  o << "template <bool A>\n"
    << "void @RUN@(Ctx& c, const ThreadParams& tp, std::uint8_t* const s, const std::uint32_t "
       "depth, const std::uint32_t pc0, bool visible, std::uint32_t count, std::uint32_t "
       "main_pc) {\n";
  w.line("const std::uint32_t path_mark = c.nev;  // this path's events before it forked");
  w.line("int ek = 0;");
  w.line("std::int64_t ev = 0;");
  w.line("std::uint32_t fpc = 0, stop_pc = 0;");
  w.line("(void)depth;");
  w.line("(void)path_mark; (void)ek; (void)ev; (void)fpc; (void)stop_pc;");
  w.open("switch (pc0) {");
  for (std::uint32_t i = 0; i < n; ++i) w.line("case " + std::to_string(i) + ": goto L" + std::to_string(i) + ";");
  w.line("default: c.status = PCMC_NATIVE_BAD_PC; return;");
  w.close();
  Env env;
  env.area = "tp.area";
  env.thread = "tp.thread";
  env.access = true;
  env.fail = step_fail;
  const bool buffered = p.memory_model != MemoryModel::Sc;
  if (buffered) env.sb = "(s + tp.sb)";
  // A store: a yielding one (outside atomic blocks) of a global goes to the store buffer under
  // tso/pso, as Stepper::put; a full buffer ends the path (Scratch::sb_full).
  const bool pso = p.memory_model == MemoryModel::Pso;
  const std::string globals = std::to_string(p.globals_size) + "u";
  // pso, a store of an `atomic unordered|acquire` block: waits as Stepper::put (pcmc_sb_conflict).
  const auto waits = [&](AtomicOrder order) {
    return pso && (order == AtomicOrder::Unordered || order == AtomicOrder::Acquire);
  };
  const auto conflict = [&](const std::string& off) {
    w.line("if (" + off + " < " + globals + " && pcmc_sb_conflict(s + tp.sb, " + off +
           ")) { truncate(c, path_mark); return; }");
  };
  // A store of an `atomic release` block is buffered like a yielding one.
  const auto store = [&](const codegen::Addr& a, unsigned width, const std::string& v, bool yields,
                         AtomicOrder order) {
    const std::string st = std::string(codegen::store_fn(width)) + "(s + " + a.expr + ", " + v + ");";
    if (!yields && waits(order)) conflict(a.expr);
    if (!buffered || !(yields || order == AtomicOrder::Release)) {
      w.mark(a, width, "c.writes");
      w.line(st);
      return;
    }
    w.open("if (" + a.expr + " < " + std::to_string(p.globals_size) + "u) {");
    w.line("if (!pcmc_sb_push(s + tp.sb, " + std::to_string(p.sb_entries) + "u, " + a.expr + ", " +
           std::to_string(width) + "u, " + v + ")) { *c.sb_full = 1; truncate(c, path_mark); return; }");
    w.close();
    w.open("else {");
    w.mark(a, width, "c.writes");
    w.line(st);
    w.close();
  };
  if (!opt.ref_blocks.empty()) {
    env.blocks = &opt.ref_blocks;
    env.crossed = "*c.crossed = 1;";
  }
  auto target = [&](std::uint32_t t) { return t < n ? "L" + std::to_string(t) : std::string("Lbad"); };
  for (std::uint32_t pc = 0; pc < n; ++pc) {
    const Instr& ins = th.code[pc];
    const std::string P = std::to_string(pc) + "u";
    o << "L" << pc << ":\n";
    env.pc = pc;
    if (ins.yields) {
      // Dead-variable reduction (model/liveness.hpp), as Stepper::emit applies it: area-relative
      // ranges, so threads of the same code still share one function.
      std::string clear;
      if (dead != nullptr)
        for (const DeadLocals::Range& r : dead->at(thread, pc))
          clear += "std::memset(s + tp.area + " + std::to_string(r.offset) + "u, 0, " +
                   std::to_string(r.len) + "u); ";
      w.line("if (visible) { " + clear + "stop_pc = " + P + "; goto stop; }");
    }
    if (ins.op == IOp::Halt) {
      if (dead != nullptr && th.area_size > kPcBytes)  // finished: every local is dead
        w.line("std::memset(s + tp.area + " + std::to_string(kPcBytes) + "u, 0, " +
               std::to_string(th.area_size - kPcBytes) + "u);");
      w.line("emit(c, s, tp.area, 0xFFFFu, false, main_pc);");
      w.line("return;");
      continue;
    }
    w.line("if (++count > " + std::to_string(opt.local_budget) + "u) { fpc = " + P + "; goto diverge; }");
    if (ins.yields) w.line("visible = true; main_pc = " + P + ";");
    w.open("{");
    switch (ins.op) {
      case IOp::Assign: {
        const std::string v = w.expr(ins.b, env);
        const codegen::Addr a = w.addr(ins.a, env);
        std::int64_t k = 0;
        if (!codegen::is_literal(v, k))
          w.line("if (" + v + " < " + codegen::literal(ins.scalar.lo) + " || " + v + " > " +
                 codegen::literal(ins.scalar.hi) + ") " + step_fail(ModelErrorKind::Range, v, pc));
        else if (k < ins.scalar.lo || k > ins.scalar.hi)  // a constant: checked here
          w.line(step_fail(ModelErrorKind::Range, v, pc));
        store(a, ins.scalar.width, v, ins.yields, ins.order);
        break;
      }
      case IOp::Jump: w.line("goto " + target(ins.target) + ";"); break;
      case IOp::JumpIfNot: {
        const std::string v = w.expr(ins.b, env);
        w.line("if (" + v + " == 0) goto " + target(ins.target) + ";");
        break;
      }
      case IOp::Await: {
        const std::string v = w.expr(ins.b, env);
        w.line("if (" + v + " == 0) { truncate(c, path_mark); return; }  // blocked: no successor");
        break;
      }
      case IOp::Choose: {
        const codegen::Addr a = w.addr(ins.a, env);
        if (waits(ins.order)) conflict(a.expr);
        w.mark(a, ins.scalar.width, "c.writes");
        w.line("std::uint8_t* const child = c.h->buffer(c.hc, depth + 1);");
        w.line("const std::uint32_t em = c.nev;");
        w.open("for (std::int64_t v = " + codegen::literal(ins.lo) + "; v <= " +
               codegen::literal(ins.hi) + "; ++v) {");
        w.line("std::memcpy(child, s, " + N + ");");
        w.line(std::string(codegen::store_fn(ins.scalar.width)) + "(child + " + a.expr + ", v);");
        w.line("truncate(c, em);");
        w.line("@RUN@<A>(c, tp, child, depth + 1, " + std::to_string(pc + 1) +
               "u, visible, count, main_pc);");
        w.line("if (c.status != PCMC_NATIVE_OK) return;");
        w.close();
        w.line("truncate(c, em);");
        w.line("return;");
        break;
      }
      case IOp::Assert: {
        if (ins.site >= p.asserts.size()) throw std::logic_error("codegen: bad assertion site");
        const AssertSite& site = p.asserts[ins.site];
        const std::string S = "tp.site[" + std::to_string(w.sites.size()) + "]";
        w.sites.push_back(ins.site);
        if (site.cls == AssertClass::Debug && !opt.debug_vm) {
          if (ins.a >= 0) {  // WARN_ON-style value of a compiled-out VM_BUG_ON: 0
            const codegen::Addr a = w.addr(ins.a, env);
            store(a, ins.scalar.width, "INT64_C(0)", ins.yields, ins.order);
          }
          break;
        }
        w.line("if constexpr (A) *c.assertion = 1;");
        Env ae = env;
        ae.assertion = true;
        ae.site = S;
        const std::string v = w.expr(ins.b, ae);
        if (ins.a >= 0) {
          const unsigned width = ins.scalar.width ? ins.scalar.width : 1;
          const codegen::Addr a = w.addr(ins.a, env);
          store(a, width, "static_cast<std::int64_t>(" + v + " != 0)", ins.yields, ins.order);
        }
        w.open("if (" + v + " != 0) {");
        w.line("push(c, 0, 0, tp.thread, " + S + ", " + P + ", -1, 0);");
        if (site.cls != AssertClass::Warn) {
          w.line("emit(c, s, tp.area, " + P + ", true, main_pc);");
          w.line("return;");
        }
        w.close();
        break;
      }
      case IOp::Clear:
        w.line("std::memset(s + tp.area + " + std::to_string(ins.offset) + "u, 0, " +
               std::to_string(ins.len) + "u);");
        break;
      case IOp::AtomicBegin: {  // as Stepper::run
        const auto order = static_cast<AtomicOrder>(ins.lo);
        if (!buffered) break;
        if (order == AtomicOrder::Release) {
          if (pso) w.line("pcmc_sb_separate(s + tp.sb);");
        } else if (!waits(order)) {
          w.line("if (pcmc_sb_count(s + tp.sb) != 0) { truncate(c, path_mark); return; }");
        }
        break;
      }
      case IOp::Fence:
        if (!buffered) break;
        if (ins.lo == static_cast<std::int64_t>(FenceKind::Full))
          w.line("if (pcmc_sb_count(s + tp.sb) != 0) { truncate(c, path_mark); return; }");
        else if (p.memory_model == MemoryModel::Pso)
          w.line("pcmc_sb_separate(s + tp.sb);");
        break;
      case IOp::Nop:
      case IOp::Halt: break;
    }
    w.close();
  }
  // Falling off the end (no Halt) is the interpreter's "pc out of range". The exits follow,
  // each only when some instruction jumps to it (no unused labels).
  w.line("goto Lbad;");
  o << "Lbad:\n";
  w.line("c.status = PCMC_NATIVE_BAD_PC;");
  w.line("return;");
  const std::string so_far = o.str();
  if (so_far.find("goto stop;") != std::string::npos) {
    o << "stop:\n";
    w.line("emit(c, s, tp.area, stop_pc, false, main_pc);");
    w.line("return;");
  }
  if (so_far.find("goto fault;") != std::string::npos) {
    o << "fault:\n";
    w.line("push(c, 2, static_cast<std::uint8_t>(ek), tp.thread, 0, fpc, -1, ev);");
    w.line("emit(c, s, tp.area, fpc, true, main_pc);");
    w.line("return;");
  }
  if (so_far.find("goto diverge;") != std::string::npos) {
    o << "diverge:\n";
    w.line("push(c, 2, " + std::to_string(static_cast<int>(ModelErrorKind::LocalDivergence)) +
           ", tp.thread, 0, fpc, -1, 0);");
    w.line("emit(c, s, tp.area, fpc, true, main_pc);");
  }
  o << "}\n";
  return {o.str(), std::move(w.disc), std::move(w.sites)};
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

template <typename T>
std::string table(const std::vector<T>& v) {
  std::string s = "{";
  for (const T& x : v) s += std::to_string(x) + ", ";
  return s + "0}";  // never empty
}

}  // namespace

std::string generate_native_source(const Program& p, const ExecOptions& options) {
  std::string why;
  if (!native_supports(options, &why)) throw std::invalid_argument("native engine: " + why);
  std::ostringstream o;
  o << "// Generated by pcmc (model/codegen.cpp) for scenario " << p.scenario << " ("
    << p.main_file << ")";
  for (const std::string& d : p.defined) o << " -D" << d;
  o << (options.debug_vm ? " --debug-vm" : "") << (options.dead_vars ? " dead-vars" : "");
  if (!options.ref_blocks.empty()) {  // the block sizes per pool (also in the code itself)
    o << " blocks";
    for (std::uint32_t b : options.ref_blocks) o << " " << b;
  }
  o << ". Do not edit.\n"
    << "#include <cstdint>\n#include <cstring>\n\n"
    << native_abi_text << "\n" << native_arith_text << "\n" << native_storebuf_text << "\n"
    << native_runtime_text << "\n"
    << "namespace {\n\n";

  // Threads: one function per distinct code text; per-thread tables for what may differ.
  std::map<std::string, std::size_t> classes;
  std::vector<std::size_t> class_of;
  std::vector<ThreadCode> codes;
  const std::unique_ptr<const DeadLocals> dead =
      options.dead_vars ? std::make_unique<const DeadLocals>(p) : nullptr;
  for (unsigned t = 0; t < p.threads.size(); ++t) {
    const Thread& th = p.threads[t];
    ThreadCode tc = thread_code(p, th, t, options, dead.get());
    auto [it, fresh] = classes.emplace(tc.text, classes.size());
    if (fresh) o << replace_all(tc.text, "@RUN@", "run_" + std::to_string(it->second)) << "\n";
    class_of.push_back(it->second);
    codes.push_back(std::move(tc));
  }
  for (std::size_t t = 0; t < p.threads.size(); ++t) {
    o << "const std::int32_t kDisc" << t << "[] = " << table(codes[t].disc) << ";\n"
      << "const std::uint32_t kSite" << t << "[] = " << table(codes[t].sites) << ";\n"
      << "const ThreadParams kThread" << t << " = {" << p.threads[t].area_offset << "u, " << t
      << "u, kDisc" << t << ", kSite" << t << ", "
      << (p.memory_model == MemoryModel::Sc ? 0 : p.sb_offset + t * p.sb_stride) << "u};\n";
  }

  // Conditions, evaluated as Executor::eval_cond does: thread 0's view, no guard checks.
  std::set<ExprId> conds;
  for (const auto* list : {&p.invariants, &p.finals, &p.exists})
    for (const NamedCond& c : *list)
      if (c.cond >= 0) conds.insert(c.cond);
  for (ExprId id : conds) {
    std::ostringstream body;
    Writer w(p, body);
    Env env;
    env.area = "0u";
    env.thread = "0u";
    env.fail = cond_fail;
    if (!options.ref_blocks.empty()) {
      env.blocks = &options.ref_blocks;
      env.crossed = "{ if (block_crossed != nullptr) *block_crossed = 1; }";
    }
    const std::string v = w.expr(id, env);
    o << "std::int32_t cond_" << id
      << "(const std::uint8_t* s, std::uint8_t* error_kind, std::int64_t* error_value, "
         "std::uint8_t* block_crossed) {\n"
      << "  (void)s; (void)error_kind; (void)error_value; (void)block_crossed;\n"
      << body.str() << "  return " << v << " != 0 ? PCMC_NATIVE_COND_TRUE : PCMC_NATIVE_COND_FALSE;\n}\n";
  }

  o << "\n}  // namespace\n\n"
    << "extern \"C\" {\n"
    << "std::uint32_t pcmc_native_abi_version(void) { return PCMC_NATIVE_ABI_VERSION; }\n"
    << "std::uint32_t pcmc_native_abi_sizes(void) { return PCMC_NATIVE_ABI_SIZES; }\n"
    << "std::uint32_t pcmc_native_state_size(void) { return " << p.state_size << "u; }\n"
    << "std::uint32_t pcmc_native_step(const pcmc_native_step_call* call, std::uint32_t* status) {\n"
    << "  Ctx c = {call->host, call->ctx, call->access_reads, call->access_writes,\n"
    << "           call->access_assertion, 0, 0, call->first_pc, PCMC_NATIVE_OK,\n"
    << "           call->block_crossed, call->sb_full};\n"
    << "  const bool a = call->access_assertion != nullptr;\n"
    << "  switch (call->thread) {\n";
  for (std::size_t t = 0; t < p.threads.size(); ++t) {
    const std::string run = "run_" + std::to_string(class_of[t]);
    o << "    case " << t << ": if (a) " << run << "<true>(c, kThread" << t
      << ", call->state0, 0, call->first_pc, false, 0, call->first_pc); else " << run
      << "<false>(c, kThread" << t << ", call->state0, 0, call->first_pc, false, 0, call->first_pc); break;\n";
  }
  o << "    default: *status = PCMC_NATIVE_BAD_THREAD; return 0;\n  }\n"
    << "  *status = c.status;\n  return c.emitted;\n}\n"
    << "std::int32_t pcmc_native_eval_cond(std::int32_t cond, const std::uint8_t* s, "
       "std::uint8_t* error_kind, std::int64_t* error_value, std::uint8_t* block_crossed) {\n"
       "  switch (cond) {\n";
  for (ExprId id : conds)
    o << "    case " << id << ": return cond_" << id << "(s, error_kind, error_value, block_crossed);\n";
  o << "    default: (void)s; (void)error_kind; (void)error_value; (void)block_crossed; return PCMC_NATIVE_COND_UNKNOWN;\n  }\n}\n"
    << "}  // extern \"C\"\n";
  return o.str();
}

}  // namespace pcmc::model
