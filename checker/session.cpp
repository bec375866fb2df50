#include "checker/session.hpp"

#include "checker/program_symmetry.hpp"
#include "checker/program_system.hpp"
#include "checker/symmetric_system.hpp"
#include "model/codegen.hpp"
#include "model/native.hpp"
#include "traces/scenario_hash.hpp"

namespace pcmc::checker {

traces::PropertyRef property_ref(const properties::PropertyTable& table, PropertyId id) {
  const properties::Property& p = table.props.at(id);
  return {p.name, properties::to_string(p.cls), p.macro, p.function, p.loc, p.text};
}

traces::ChoicePath choice_path(const Counterexample& cex) {
  traces::ChoicePath path;
  for (const Step& s : cex.steps) path.steps.emplace_back(s.thread, s.index);
  path.loop_start = cex.loop_start;
  path.thread = cex.thread == 0xFFFF ? -1 : cex.thread;
  return path;
}

const char* to_string(Engine e) { return e == Engine::Native ? "native" : "interp"; }

namespace {

// The quotient of `system` under `spec`, searched; counterexamples concretised.
Result search_quotient(const model::Program& program, const ProgramSystem& system,
                       SymmetrySpec spec, const SearchOptions& options) {
  const std::string classes = describe_classes(program, spec);
  const Canonicaliser canon(std::move(spec), system.state_size());
  const SymmetricSystem quotient(system, canon);
  // Sleep sets are masks of thread ids, and canonicalisation permutes thread ids: a mask stored
  // for a canonical state would have to be permuted along with every successor. Not done: sleep
  // sets are off while symmetry applies (Stats::sleep false; ample sets stay on).
  SearchOptions without_sleep = options;
  without_sleep.sleep = false;
  Result r = search(quotient, without_sleep);
  for (Counterexample& c : r.violations) concretise(quotient, c);
  r.stats.symmetry = true;
  r.stats.symmetry_classes = classes;
  return r;
}

// Symmetry (docs/reductions.md): with the option on, the non-termination pass off and some
// interchangeable threads or page frames, search the quotient system and concretise its
// counterexamples, so that everything after this (traces, replay) sees paths of the program
// itself. Pools permuted in blocks are searched with an executor that checks every reference
// operation on them; when one crosses a block (BlockCrossing), that search is abandoned and the
// search runs again without blocks (Stats::symmetry_fallback says why). The block-checking
// executor runs a second native module, built for its options (the block sizes are baked in),
// when `native` is set (the build options; null: the interpreter runs it, and `*interpreted`
// is set when its result is the one returned). `*compile_seconds` grows by that build's time.
Result search_with_symmetry(const model::Program& program, const model::Executor& exec,
                            const properties::PropertyTable& table, const ProgramSystem& system,
                            const SearchOptions& options, const model::NativeBuildOptions* native,
                            bool* interpreted, double* compile_seconds) {
  if (!options.symmetry || options.liveness) return search(system, options);
  ProgramSymmetry sym = program_symmetry(program);
  std::string fallback;
  if (!sym.ref_blocks.empty()) {
    model::ExecOptions checking = exec.options();
    checking.ref_blocks = sym.ref_blocks;
    model::Executor checked_exec(program, checking);
    const bool checked_native = native != nullptr && model::native_supports(checking);
    if (checked_native) {
      auto module = model::NativeModule::build(program, checking, *native);
      *compile_seconds += module->compile_seconds();
      if (options.on_native) options.on_native(module->compile_seconds(), module->cached());
      checked_exec.set_native(std::move(module));
    }
    const ProgramSystem checked(checked_exec, table);
    try {
      Result checked_result = search_quotient(program, checked, std::move(sym.spec), options);
      *interpreted = !checked_native;
      return checked_result;
    } catch (const BlockCrossing& e) {
      fallback = e.where();
    }
    sym = program_symmetry(program, false);
  }
  Result r = sym.spec.empty() ? search(system, options)
                              : search_quotient(program, system, std::move(sym.spec), options);
  r.stats.symmetry_fallback = fallback;
  return r;
}

}  // namespace

VariantRun run_variant(const model::ast::Model& model, const model::SourceManager& sm,
                       const std::vector<std::string>& defines, bool debug_vm,
                       const SearchOptions& options) {
  VariantRun run;
  model::CompileOptions copts;
  copts.defines = defines;
  copts.debug_vm = debug_vm;
  run.program = model::compile(model, sm, copts);
  run.scenario_hash = traces::scenario_hash(sm);
  model::ExecOptions eopts;
  eopts.debug_vm = debug_vm;
  run.exec = std::make_unique<model::Executor>(run.program, eopts);

  // The init block must run cleanly: a failure there is a malformed model, not a verdict.
  {
    std::vector<std::uint8_t> init(run.program.state_size);
    std::vector<model::Event> events;
    run.exec->initial_state(init.data(), events);
    if (!events.empty()) {
      const model::Event& e = events.front();
      const auto& code = run.program.init.code;
      model::SrcLoc loc = e.pc < code.size() ? code[e.pc].loc : model::SrcLoc{};
      std::string what = e.kind == model::Event::ModelError
                             ? std::string("model error in init: ") + model::to_string(e.error)
                             : "assertion " + run.program.asserts.at(e.site).name +
                                   " fires in init";
      throw model::CompileError(loc, what);
    }
  }

  // The native engine: refused (the interpreter runs) for options it does not implement.
  double compile_seconds = 0;
  const bool native = options.engine == Engine::Native && model::native_supports(eopts);
  model::NativeBuildOptions bo;
  bo.cache_dir = options.native_cache;
  if (native) {
    auto module = model::NativeModule::build(run.program, eopts, bo);
    compile_seconds = module->compile_seconds();
    if (options.on_native) options.on_native(compile_seconds, module->cached());
    run.exec->set_native(std::move(module));
  }

  run.table = properties::build_property_table(run.program);
  ProgramSystem system(*run.exec, run.table);
  bool interpreted = false;
  run.result = search_with_symmetry(run.program, *run.exec, run.table, system, options,
                                    native ? &bo : nullptr, &interpreted, &compile_seconds);
  run.result.stats.engine = native && !interpreted ? Engine::Native : Engine::Interp;
  run.result.stats.compile_seconds = compile_seconds;
  traces::TraceContext ctx = run.trace_context(sm);
  for (const Counterexample& cex : run.result.violations)
    run.traces.push_back(
        traces::build_trace(ctx, property_ref(run.table, cex.property), choice_path(cex)));
  return run;
}

properties::Outcome outcome_of(const VariantRun& run) {
  properties::Outcome o;
  o.complete = run.result.status != Status::Incomplete && run.result.incomplete_reason.empty();
  o.incomplete_reason = run.result.incomplete_reason;
  for (const Counterexample& c : run.result.violations)
    o.violated.insert(run.table.props.at(c.property).name);
  o.states = run.result.stats.states;
  o.transitions = run.result.stats.transitions;
  o.end_states = run.result.stats.end_states;
  o.exists_hits = run.result.stats.exists_hits;
  o.has_exists = !run.program.exists.empty();
  const Stats& st = run.result.stats;
  for (const auto& [on, name] : {std::pair{st.por, "por"}, std::pair{st.sleep, "sleep sets"},
                                 std::pair{st.symmetry, "symmetry"}})
    if (on) o.reduced += (o.reduced.empty() ? "" : ", ") + std::string(name);
  return o;
}

}  // namespace pcmc::checker
