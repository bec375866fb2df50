#include "checker/session/session.hpp"

#include <optional>
#include <stdexcept>

#include "checker/reduce/dead_lasso.hpp"
#include "checker/system/native_upgrade.hpp"
#include "checker/reduce/program_symmetry.hpp"
#include "checker/system/program_system.hpp"
#include "checker/reduce/symmetric_system.hpp"
#include "checker/reduce/transactions.hpp"
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

const char* to_string(Engine e) {
  switch (e) {
    case Engine::Native: return "native";
    case Engine::Auto: return "auto";
    case Engine::Interp: break;
  }
  return "interp";
}

namespace {

// The engine SearchOptions::engine asks for, attached to one executor for one search: Native
// builds the module now (NativeError propagates: exit 69); Auto starts a NativeUpgrade that
// switches to it mid-search; Interp, or options the native engine does not implement
// (model::native_supports), leave the interpreter.
class EngineScope {
 public:
  EngineScope(const model::Program& program, model::Executor& exec, const SearchOptions& options) {
    if (options.engine == Engine::Interp || !model::native_supports(exec.options())) return;
    model::NativeBuildOptions bo;
    bo.cache_dir = options.native_cache;
    if (options.engine == Engine::Native) {
      // Ctrl-C or SIGTERM while the compiler runs kills it; the search then starts on the
      // interpreter and stops at once, interrupted (the verdict incomplete, not a failure).
      bo.cancel = options.interrupt;
      std::shared_ptr<const model::NativeModule> module;
      try {
        module = model::NativeModule::build(program, exec.options(), bo);
      } catch (const model::NativeCancelled&) {
        return;
      }
      compile_seconds_ = module->compile_seconds();
      if (options.on_native) options.on_native(compile_seconds_, module->cached());
      exec.set_native(std::move(module));
      native_ = true;
      return;
    }
    auto on_native = options.on_native;
    auto on_failed = options.on_native_failed;
    upgrade_.emplace(program, exec, std::move(bo), options.native_delay,
                     [on_native, on_failed](const NativeUpgrade::Outcome& o) {
                       if (o.switched && on_native) on_native(o.compile_seconds, o.cached);
                       if (!o.switched && on_failed) on_failed(o.error);
                     });
  }

  // Ends a background build (Auto) and records in `stats` what ran the search.
  void finish(Stats& stats) {
    if (upgrade_) {
      const NativeUpgrade::Outcome o = upgrade_->finish();
      compile_seconds_ = o.compile_seconds;
      native_ = o.switched;
      stats.native_after = o.after_seconds;
      upgrade_.reset();
    }
    stats.engine = native_ ? Engine::Native : Engine::Interp;
  }
  double compile_seconds() const { return compile_seconds_; }

 private:
  bool native_ = false;
  double compile_seconds_ = 0;
  std::optional<NativeUpgrade> upgrade_;
};

// `search_fn()` with `exec` on the engine the options ask for; its stats say which ran it, and
// `*compile_seconds` grows by the build time (also when the search throws).
template <typename SearchFn>
Result with_engine(const model::Program& program, model::Executor& exec,
                   const SearchOptions& options, double* compile_seconds, SearchFn&& search_fn) {
  EngineScope engine(program, exec, options);
  Result r;
  try {
    r = search_fn();
  } catch (...) {
    Stats discarded;
    engine.finish(discarded);
    *compile_seconds += engine.compile_seconds();
    throw;
  }
  engine.finish(r.stats);
  *compile_seconds += engine.compile_seconds();
  return r;
}

// Transactions (checker/reduce/transactions.hpp, docs/reductions.md): `search_fn` runs on
// `system` wrapped in a TransactionSystem when the options ask for it and it can apply (the
// system supports POR, at most 64 threads, sequential consistency); its counterexamples, paths of that wrapper, are
// rewritten step by step as paths of `system`, and a BFS re-derives them as the shortest ones
// (rederive_shortest: the wrapper's paths are real but not shortest). That BFS is
// `search_fn(system, o)` with POR off: through the symmetry quotient when `search_fn` searches
// one, which keeps every path's length (docs/por.md, "Shortest counterexamples").
// Sleep sets are off while it applies (docs/transactions-proof.md).
template <typename SearchFn>
Result with_transactions(const TransitionSystem& system, const SearchOptions& options,
                         SearchFn&& search_fn) {
  // Under tso/pso the flush steps are not in the static futures (docs/memory-models.md).
  if (!options.transactions || !system.supports_por() || system.thread_count() > 64 ||
      options.memory_model != model::MemoryModel::Sc)
    return search_fn(system, options);
  const TransactionSystem tx(system, options.transaction_stats);
  SearchOptions o = options;
  o.sleep = false;
  o.rederive = false;
  Result r = search_fn(static_cast<const TransitionSystem&>(tx), o);
  for (Counterexample& c : r.violations) refine(tx, c);
  auto stats = std::make_shared<TxStats>(tx.stats());
  r.stats.transactions = true;
  const bool coarser = (r.stats.por && r.stats.ample_states > 0) || stats->merged > 0;
  r.stats.tx_stats = std::move(stats);
  if (coarser)
    rederive_shortest(r, options, [&](const SearchOptions& bounded) {
      return search_fn(system, bounded);
    });
  return r;
}

// A safety counterexample of a quotient that concretise() could not map to the program: beyond
// Canonicaliser::kMaxCandidates an orbit may have several stored forms, so the concrete
// successors need not canonicalise into the path's states (seen on a mutant with 60 tied page
// frames). search_with_symmetry then searches without symmetry.
struct Unconcretised {
  std::string what;
};

// The quotient of `system` under `spec`, searched; counterexamples concretised. Called twice
// when the counterexamples are re-derived (with_transactions): `spec` is copied.
Result search_quotient(const model::Program& program, const TransitionSystem& system,
                       SymmetrySpec spec, const SearchOptions& options) {
  const std::string classes = describe_classes(program, spec);
  const Canonicaliser canon(std::move(spec), system.state_size());
  const SymmetricSystem quotient(system, canon);
  // Sleep sets are masks of thread ids, and canonicalisation permutes thread ids: a mask stored
  // for a canonical state would have to be permuted along with every successor. Not done: sleep
  // sets are off while symmetry applies (Stats::sleep false; ample sets stay on).
  SearchOptions without_sleep = options;
  without_sleep.sleep = false;
  without_sleep.quotient = true;  // the lasso is lifted here, a fallback settled by the caller
  Result r = search(quotient, without_sleep);
  for (auto c = r.violations.begin(); c != r.violations.end();) {
    if (c->loop_start < 0) {
      try {
        concretise(quotient, *c);
      } catch (const std::logic_error& e) {
        throw Unconcretised{e.what()};
      }
    } else {
      try {
        concretise_lasso(quotient, *c, r.lasso_scc);
      } catch (const std::logic_error&) {
        // Beyond Canonicaliser::kMaxCandidates an orbit may have several stored forms, so a
        // program state over the SCC need not canonicalise into it: the full graph decides.
        r.stats.liveness_fallback = "the quotient's lasso did not lift to the program";
        r.stats.liveness_graph.clear();
        c = r.violations.erase(c);
        continue;
      }
    }
    ++c;
  }
  r.lasso_scc.clear();
  r.stats.symmetry = true;
  r.stats.symmetry_classes = classes;
  return r;
}

// The non-termination verdict a quotient's graph left open (Stats::liveness_fallback), settled
// on the full graph of the program (with dead variables, without POR or symmetry).
void settle_on_program(const model::Program& program, model::Executor& exec,
                       const ProgramSystem& system, const SearchOptions& options,
                       double* compile_seconds, Result& r) {
  if (r.stats.liveness_fallback.empty()) return;
  settle_nontermination(r, options, [&](const SearchOptions& o) {
    return with_engine(program, exec, o, compile_seconds, [&] { return search(system, o); });
  });
}

// Symmetry (docs/symmetry.md): with the option on, some
// interchangeable threads or page frames, search the quotient system and concretise its
// counterexamples, so that everything after this (traces, replay) sees paths of the program
// itself. Pools permuted in blocks are searched with an executor that checks every reference
// operation on them; when one crosses a block (BlockCrossing), that search is abandoned and the
// search runs again without blocks (Stats::symmetry_fallback says why). Each search runs on the
// engine the options ask for (with_engine): the block-checking executor on a native module of
// its own options (the block sizes are baked in). `*compile_seconds` sums the builds.
Result search_with_symmetry_once(const model::Program& program, model::Executor& exec,
                                 const properties::PropertyTable& table,
                                 const ProgramSystem& system, const SearchOptions& options,
                                 double* compile_seconds) {
  const auto plain = [](const TransitionSystem& s, const SearchOptions& o) { return search(s, o); };
  if (!options.symmetry)
    return with_engine(program, exec, options, compile_seconds,
                       [&] { return with_transactions(system, options, plain); });
  ProgramSymmetry sym = program_symmetry(program);
  std::string fallback;
  if (!sym.ref_blocks.empty()) {
    model::ExecOptions checking = exec.options();
    checking.ref_blocks = sym.ref_blocks;
    model::Executor checked_exec(program, checking);
    const ProgramSystem checked_system(checked_exec, table);
    try {
      Result r = with_engine(program, checked_exec, options, compile_seconds, [&] {
        return with_transactions(checked_system, options,
                                 [&](const TransitionSystem& s, const SearchOptions& o) {
                                   return search_quotient(program, s, sym.spec, o);
                                 });
      });
      settle_on_program(program, exec, system, options, compile_seconds, r);
      return r;
    } catch (const BlockCrossing& e) {
      fallback = e.where();
    }
    sym = program_symmetry(program, false);
  }
  Result r = with_engine(program, exec, options, compile_seconds, [&] {
    return with_transactions(system, options, [&](const TransitionSystem& s, const SearchOptions& o) {
      return sym.spec.empty() ? search(s, o) : search_quotient(program, s, sym.spec, o);
    });
  });
  r.stats.symmetry_fallback = fallback;
  r.stats.symmetry_unavailable = !r.stats.symmetry;
  settle_on_program(program, exec, system, options, compile_seconds, r);
  return r;
}

// search_with_symmetry_once, or, when a counterexample of the quotient does not concretise,
// the search without symmetry (Stats::symmetry_dropped says why).
Result search_with_symmetry(const model::Program& program, model::Executor& exec,
                            const properties::PropertyTable& table, const ProgramSystem& system,
                            const SearchOptions& options, double* compile_seconds) {
  try {
    return search_with_symmetry_once(program, exec, table, system, options, compile_seconds);
  } catch (const Unconcretised& e) {
    const auto plain = [](const TransitionSystem& s, const SearchOptions& o) {
      return search(s, o);
    };
    Result r = with_engine(program, exec, options, compile_seconds,
                           [&] { return with_transactions(system, options, plain); });
    r.stats.symmetry_dropped = e.what;
    r.stats.symmetry_unavailable = true;
    return r;
  }
}

}  // namespace

VariantRun run_variant(const model::ast::Model& model, const model::SourceManager& sm,
                       const std::vector<std::string>& defines, bool debug_vm,
                       const SearchOptions& options) {
  VariantRun run;
  model::CompileOptions copts;
  copts.defines = defines;
  copts.debug_vm = debug_vm;
  copts.memory_model = options.memory_model;
  copts.store_buffer = options.store_buffer;
  run.program = model::compile(model, sm, copts);
  run.scenario_hash = traces::scenario_hash(sm);
  model::ExecOptions eopts;
  eopts.debug_vm = debug_vm;
  if (options.max_local_steps != 0) eopts.local_budget = options.max_local_steps;
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

  run.table = properties::build_property_table(run.program);
  // Dead-variable reduction: the search runs on an executor that clears dead locals; run.exec
  // stays concrete, so the traces (and replay, explain, graph) show the values threads hold.
  std::unique_ptr<model::Executor> reduced;
  if (options.dead_vars) {
    model::ExecOptions r = eopts;
    r.dead_vars = true;
    reduced = std::make_unique<model::Executor>(run.program, r);
  }
  model::Executor& search_exec = reduced ? *reduced : *run.exec;
  ProgramSystem system(search_exec, run.table);
  double compile_seconds = 0;
  run.result = search_with_symmetry(run.program, search_exec, run.table, system, options,
                                    &compile_seconds);
  run.result.stats.compile_seconds = compile_seconds;
  if (reduced) {
    run.result.stats.dead_vars = true;
    run.result.stats.dead_bytes = reduced->dead_locals()->total_bytes();
    const ProgramSystem concrete(*run.exec, run.table);
    for (Counterexample& cex : run.result.violations) close_lasso(concrete, cex);
  }
  // A store that found its buffer full was not taken: what lies behind it is unexplored, so
  // "holds" and the exists counts are not totals (docs/memory-models.md, "Bounds").
  if (system.store_buffer_full()) {
    const std::string why = "store buffer bound " + std::to_string(run.program.sb_entries) +
                            " reached (--store-buffer)";
    if (run.result.status == Status::Holds) run.result.status = Status::Incomplete;
    run.result.exhaustive = false;
    run.result.incomplete_reason = run.result.incomplete_reason.empty()
                                       ? why
                                       : run.result.incomplete_reason + "; " + why;
  }
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
  for (std::size_t i = 0; i < run.program.exists.size(); ++i)
    o.exists[run.program.exists[i].name] = run.result.stats.exists_of(i);
  const Stats& st = run.result.stats;
  for (const auto& [on, name] :
       {std::pair{st.dead_vars, "dead variables"}, std::pair{st.por, "por"},
        std::pair{st.sleep, "sleep sets"}, std::pair{st.symmetry, "symmetry"},
        std::pair{st.transactions, "transactions"}})
    if (on) o.reduced += (o.reduced.empty() ? "" : ", ") + std::string(name);
  // Under tso/pso the cli turns POR off itself (flush steps are unknown to its static futures,
  // docs/memory-models.md): that run is the default run too.
  o.por_unavailable = st.por_unavailable || run.program.memory_model != model::MemoryModel::Sc;
  // Nothing interchangeable, or symmetry off by itself under tso/pso: plain pins judge the run.
  o.symmetry_unavailable =
      st.symmetry_unavailable || run.program.memory_model != model::MemoryModel::Sc;
  return o;
}

}  // namespace pcmc::checker
