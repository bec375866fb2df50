#include "checker/cli/commands.hpp"
#include "checker/cli/library_root.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "checker/session/session.hpp"
#include "checker/cli/check_json.hpp"
#include "checker/cli/cmd_html.hpp"
#include "checker/cli/cmd_util.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/mpi_launch.hpp"
#include "checker/cli/dead_stats_format.hpp"
#include "checker/cli/tx_stats_format.hpp"
#include "checker/cli/por_stats_format.hpp"
#include "model/parser.hpp"
#include "properties/judge.hpp"
#include "pcmc_version.hpp"
#include "traces/columns.hpp"
#include "traces/render.hpp"

namespace pcmc::cli {

namespace {

std::string human_bytes(std::uint64_t b) {
  char buf[64];
  if (b >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(b) / (1ull << 30));
  else if (b >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(b) / (1ull << 20));
  else std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(b) / 1024.0);
  return buf;
}

checker::SearchOptions search_options(const Options& o) {
  checker::SearchOptions s;
  s.order = o.order == "dfs" ? checker::Order::DFS : checker::Order::BFS;
  s.all = o.all || o.judge;
  s.liveness = o.liveness;
  s.por = o.por;
  s.sleep = o.sleep;
  s.symmetry = o.symmetry;
  s.dead_vars = o.dead_vars;
  s.transactions = o.transactions;
  s.transaction_stats = o.reduce_stats;
  s.por_stats = o.por_stats;
  s.por_locks = o.por_locks;
  s.max_states = o.max_states;
  s.max_depth = o.max_depth;
  s.max_seconds = o.max_time;
  s.max_memory = o.max_memory_mib ? o.max_memory_mib << 20 : default_memory_limit();
  s.max_local_steps = o.max_local_steps;
  s.memory_model = memory_model_of(o);
  s.store_buffer = o.store_buffer;
  s.shuffle_seed = o.shuffle;
  s.workers = o.jobs;
  s.store = o.store == "hashcompact" ? checker::StoreMode::HashCompact : checker::StoreMode::Exact;
  install_interrupt(s);
  s.partitioned = distributed_hook();  // under mpirun with several ranks (mpi_launch.hpp)
  const checker::SearchOptions lim = limit_options(o);  // the engine and its progress note
  s.engine = lim.engine;
  s.on_native = lim.on_native;
  bool tty = isatty(STDERR_FILENO) != 0;
  if (o.progress == "json") {
    s.progress = [](const checker::Stats& st) {
      nlohmann::json j = {{"states", st.states},     {"transitions", st.transitions},
                          {"depth", st.max_depth},   {"queue", st.queue},
                          {"seconds", st.seconds},   {"store_bytes", st.store_bytes},
                          {"peak_rss", st.peak_rss}};
      std::cerr << j.dump() << "\n";
    };
  } else if (o.progress == "auto" && tty) {
    s.progress = [](const checker::Stats& st) {
      double rate = st.seconds > 0 ? static_cast<double>(st.states) / st.seconds : 0;
      std::fprintf(stderr, "\r%llu states, %llu transitions, depth %llu, queue %llu, %.0f states/s, %s   ",
                   static_cast<unsigned long long>(st.states),
                   static_cast<unsigned long long>(st.transitions),
                   static_cast<unsigned long long>(st.max_depth),
                   static_cast<unsigned long long>(st.queue), rate,
                   human_bytes(st.peak_rss).c_str());
      std::fflush(stderr);
    };
  }
  return s;
}

std::string stats_line(const checker::Stats& st) {
  std::ostringstream os;
  os << st.states << " states, " << st.transitions << " transitions, " << st.end_states
     << " end states, depth " << st.max_depth << ", ";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", st.seconds);
  os << buf << ", " << human_bytes(st.store_bytes) << " stored";
  if (st.dead_vars) os << ", dead variables";
  if (st.transactions && st.tx_stats)
    os << ", transactions (" << st.tx_stats->merged << " steps merged into "
       << st.tx_stats->transactions << ")";
  if (st.por) {
    os << ", por (" << st.ample_states << " states expanded with an ample set";
    if (st.por_off_after != 0) os << "; off after " << st.por_off_after << ": too few";
    os << ")";
  }
  if (st.rerun_states != 0) {
    std::snprintf(buf, sizeof buf, "%.2f s", st.rerun_seconds);
    os << ", counterexamples re-derived without " << (st.transactions ? "POR and transactions" : "POR")
       << " (" << st.rerun_states << " states, " << buf << ")";
  }
  if (st.sleep) os << ", sleep sets (" << st.slept << " transitions slept)";
  if (st.symmetry) os << ", symmetry " << st.symmetry_classes;
  if (st.liveness_rounds > 1)
    os << ", non-termination in " << st.liveness_rounds << " rounds (" << st.expanded_fully
       << " states expanded fully)";
  if (st.fallback_states != 0)
    os << ", non-termination on the full graph (" << st.fallback_states << " states)";
  if (st.store == checker::StoreMode::HashCompact) os << ", hash compaction (lossy)";
  if (!st.ranks.empty()) {  // the distributed search (docs/distributed.md)
    std::uint64_t sent = 0, owned = 0;  // over the ranks' own states
    for (const auto& r : st.ranks) {
      sent += r.sent_bytes;
      owned += r.states;
    }
    std::snprintf(buf, sizeof buf, "%.1f", owned ? static_cast<double>(sent) / owned : 0.0);
    os << ", " << st.ranks.size() << " MPI ranks (" << buf << " bytes sent per state)";
    if (st.path_hops_across != 0)
      os << ", paths rebuilt across ranks (" << st.path_hops_across << " hops between ranks)";
  }
  return os.str();
}

// Hash compaction: what the verdict is worth (docs/hash-compaction.md).
std::string lossy_line(const checker::Stats& st) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "hash compaction (lossy): P(omission) <= %.2g (%u-bit signatures, %llu states; "
                "birthday bound n(n-1)/2^(b+1))",
                st.omission_bound, st.signature_bits, static_cast<unsigned long long>(st.states));
  return buf;
}

void print_trace(std::ostream& out, const traces::Trace& t) {
  out << "\nVIOLATED " << t.property << " (" << t.cls
      << (t.macro.empty() || t.macro == t.cls ? "" : ", " + t.macro) << ")";
  if (!t.function.empty()) out << " in " << t.function << "()";
  if (!t.thread_name.empty()) out << ", thread " << t.thread_name;
  out << "\n";
  if (!t.location.empty()) out << "  at " << t.location << ": " << t.text << "\n";
  out << "  " << t.detail << "\n";
  out << "Counterexample (" << t.steps.size() << " steps):\n" << traces::render_steps(t);
  if (t.cls == "final" || t.cls == "invariant" || t.cls == "deadlock") {
    std::string line = "  state:";
    for (const auto& [name, value] : t.final_state) {
      std::string item = " " + name + "=" + value;
      if (line.size() + item.size() > 96) {
        out << line << "\n";
        line = "        ";
      }
      line += item;
    }
    out << line << "\n";
  }
}

// The trace as numbered steps, or in CPU columns with --format columns (traces/columns.hpp).
void print_trace(std::ostream& out, const traces::Trace& t, const Options& o) {
  if (o.format != "columns") return print_trace(out, t);
  out << "\nVIOLATED " << t.property << " (" << t.cls << "), " << t.steps.size() << " steps:\n\n"
      << traces::render_columns(t, o.width);
}

// Why a reduction --por asked for was not applied (Search::Search, run_variant).
void por_notes(std::ostream& out, const Options& o, const checker::Stats& st) {
  const bool ample_missing = o.por && !st.por, sleep_missing = o.sleep && !st.sleep;
  if (!o.por_given || (!ample_missing && !sleep_missing)) return;
  const std::string flag = std::string("--por ") +
                           (o.por && o.sleep ? "on" : o.por ? "persistent" : "sleep");
  if (o.liveness && !ample_missing)
    out << "note: " << flag << ": sleep sets are not applied with the non-termination pass (they "
           "drop edges it needs; docs/reductions.md); add --liveness off\n";
  else if (ample_missing || (!o.por && o.order != "dfs" && !st.symmetry))
    out << "note: " << flag << " is not applied to more than 64 threads\n";
  else if (o.order == "dfs")
    out << "note: " << flag << ": sleep sets are not applied with --search dfs (state matching "
           "in DFS would need a re-exploration rule)\n";
  else
    out << "note: " << flag << ": sleep sets are not applied with symmetry (it permutes thread "
           "ids, which the sleep masks name)\n";
}

// Why the search stopped early, for an undecided exists line.
std::string stop_reason(const checker::Result& r) {
  if (!r.incomplete_reason.empty()) return r.incomplete_reason;
  return "stopped at the first violation; --all searches on";
}

int check_one(const Options& o, Scenario& l) {
  auto sopts = search_options(o);
  checker::VariantRun run = checker::run_variant(l.ast, l.sm, o.defines, o.debug_vm, sopts);
  if (sopts.progress && o.progress == "auto") std::fprintf(stderr, "\n");
  std::ostream& out = std::cout;
  out << "pcmc " << PCMC_VERSION << ": " << run.program.scenario << " (" << o.scenario
      << "), variant " << variant_label(o.defines) << sets_label(o) << ", CONFIG_DEBUG_VM "
      << (o.debug_vm ? "on" : "off") << "\n";
  if (const auto files = included_files(l); !o.quiet && !files.empty()) {
    out << "includes (library " << library_root() << "): ";
    for (const std::string& f : files) out << (&f == &files.front() ? "" : ", ") << f;
    out << "\n";
  }
  por_notes(out, o, run.result.stats);
  if (!run.result.stats.symmetry_dropped.empty())
    out << "note: symmetry: a counterexample of the quotient did not concretise ("
        << run.result.stats.symmetry_dropped << "); searched again without symmetry\n";
  if (!run.result.stats.symmetry_fallback.empty())
    out << "note: --symmetry on: " << run.result.stats.symmetry_fallback
        << " crossed a page-frame block (reference arithmetic or order); searched again without "
           "blocks (docs/frame-blocks.md)\n";
  if (o.symmetry && o.symmetry_given && !run.result.stats.symmetry)
    out << "note: --symmetry on found no interchangeable threads or page frames\n";
  if (!o.quiet)
    for (const auto& t : run.traces) print_trace(out, t, o);
  else  // the verdict line alone would say "model_error" without saying what or where
    for (const auto& t : run.traces)
      if (t.cls == "model_error")
        out << (t.location.empty() ? "" : t.location + ": ") << t.detail << "\n";
  const auto& r = run.result;
  out << "\n";
  const bool lossy = r.stats.store == checker::StoreMode::HashCompact;
  if (r.status == checker::Status::Holds && lossy)
    out << "verdict: all properties hold (probabilistic: no violation among the states "
           "explored; not a proof)\n";
  else if (r.status == checker::Status::Holds) out << "verdict: all properties hold\n";
  else if (r.status == checker::Status::Violated) {
    out << "verdict: violated:";
    for (const auto& t : run.traces) out << " " << t.property;
    out << "\n";
  } else out << "verdict: incomplete (" << r.incomplete_reason << ")\n";
  if (r.status != checker::Status::Incomplete && !r.incomplete_reason.empty())
    out << "note: the search was cut short (" << r.incomplete_reason << ")\n";
  if (!r.stats.rerun_failed.empty())
    out << "note: the counterexamples are from the reduced (POR) search and may not be the "
           "shortest: re-deriving them without POR stopped (" << r.stats.rerun_failed << ")\n";
  if (lossy)
    out << "  " << lossy_line(r.stats)
        << (r.status == checker::Status::Violated ? "; the violations found are real" : "")
        << "\n";
  out << "  " << stats_line(r.stats) << "\n";
  if (o.reduce_stats) {
    print_dead_stats(out, run.program, l.sm);
    if (!r.stats.liveness_graph.empty())
      out << "  non-termination graph: " << r.stats.liveness_graph << "\n";
    if (r.stats.tx_stats) print_tx_stats(out, *r.stats.tx_stats);
  }
  if (o.por_stats && r.stats.por_stats) print_por_stats(out, *r.stats.por_stats);
  else if (o.por_stats)
    out << "note: --por-stats: nothing to count, ample sets were not applied (they need --por "
           "on|persistent)\n";
  // herd7-style, one line per exists clause: how many quiescent end states satisfy it (a fatal
  // violation ends its path before an end state, so with --debug-vm the count can drop).
  for (std::size_t i = 0; i < run.program.exists.size(); ++i) {
    const auto& ex = run.program.exists[i];
    const auto hits = r.stats.exists_of(i), ends = r.stats.end_states;
    out << "  exists " << (ex.name == "exists" ? "" : ex.name + " ") << "(" << ex.text << "): ";
    if (r.exhaustive)
      out << exists_word(hits, ends, true) << " (" << hits << " of " << ends << " end states)\n";
    else
      out << "undecided (" << stop_reason(r) << "): " << hits << " of " << ends
          << " end states seen\n";
  }
  if (!o.json_file.empty()) {
    if (!write_file(o.json_file, run_json(run, l, o, o.defines, o.debug_vm).dump(2) + "\n")) {
      std::cerr << "pcmc: cannot write " << o.json_file << "\n";
      return kIoError;
    }
  }
  if (!o.html_file.empty())
    if (int rc = write_html_report(run, l.sm, o); rc != kHolds) return rc;
  for (const auto& cex : r.violations)
    if (run.table.props.at(cex.property).cls == properties::PropertyClass::ModelError)
      return kBadModel;
  switch (r.status) {
    case checker::Status::Holds: return kHolds;
    case checker::Status::Violated: return kViolated;
    case checker::Status::Incomplete: return kIncomplete;
  }
  return kInternal;
}

int judge_all(const Options& o, Scenario& l) {
  auto runs = properties::runs_to_judge(l.ast.expects);
  if (runs.empty()) {
    std::cerr << "pcmc: --judge: " << o.scenario << " has no expect block for kernel " << o.kernel
              << (o.memory_model == "sc" ? ""
                                         : " and memory model " + o.memory_model +
                                               " (expect memory_model \"" + o.memory_model + "\" ...)")
              << (o.sets.empty() ? ""
                                 : " and the --set values" + sets_label(o).substr(1) +
                                       " (expect set NAME=VALUE ... B { ... })")
              << ", so there is nothing to judge (run pcmc check without --judge, or add expect "
              << "blocks: docs/language.md)\n";
    return kUsage;
  }
  auto known = properties::declared_assertion_names(l.ast);
  int failed = 0;
  nlohmann::json all = nlohmann::json::array();
  for (const auto& spec : runs) {
    auto sopts = search_options(o);
    checker::VariantRun run = checker::run_variant(l.ast, l.sm, spec.defines, spec.debug_vm, sopts);
    auto outcome = checker::outcome_of(run);
    auto mism = properties::judge(l.ast.expects, spec, run.table, known, outcome);
    std::cout << (mism.empty() ? "ok       " : "MISMATCH ") << spec.label() << ": "
              << stats_line(run.result.stats) << "; violated:";
    if (outcome.violated.empty()) std::cout << " none";
    for (const auto& v : outcome.violated) std::cout << " " << v;
    std::cout << "\n";
    if (run.result.stats.store == checker::StoreMode::HashCompact)
      std::cout << "  " << lossy_line(run.result.stats) << "\n";
    // Named by an expectation, but removed by this variant's switches: not checked, not "holds".
    const auto absent = properties::absent_properties(l.ast.expects, spec, run.table, known);
    if (!absent.empty()) {
      std::cout << "  absent (this variant does not contain them):";
      for (const auto& a : absent) std::cout << " " << a;
      std::cout << "\n";
    }
    for (const auto& m : mism)
      std::cout << "  " << (m.loc.line ? l.sm.where(m.loc) + ": " : "") << m.message << "\n";
    if (!mism.empty()) {
      ++failed;
      if (!o.quiet)
        for (const auto& t : run.traces) print_trace(std::cout, t, o);
    }
    if (!o.json_file.empty()) {
      all.push_back(run_json(run, l, o, spec.defines, spec.debug_vm));
      all.back()["absent"] = absent;
    }
  }
  if (!o.json_file.empty() && !write_file(o.json_file, all.dump(2) + "\n")) {
    std::cerr << "pcmc: cannot write " << o.json_file << "\n";
    return kIoError;
  }
  std::cout << "judge: " << runs.size() - static_cast<std::size_t>(failed) << " of "
            << runs.size() << " runs as expected\n";
  return failed ? kMismatch : kHolds;
}

}  // namespace

int run_check(const Options& o) {
  Scenario l;
  try {
    parse_scenario(o, l);
    return o.judge ? judge_all(o, l) : check_one(o, l);
  } catch (const model::CompileError& e) {
    std::cerr << l.sm.format(e);
    // A function of the other kernel library (docs/kernel-model-v6.md): say which one this was.
    if (std::string(e.what()).rfind("unknown function", 0) == 0)
      std::cerr << "note: the kernel library is " << o.kernel
                << " (--kernel); the libraries do not have the same functions "
                   "(docs/kernel-model-v6.md)\n";
    return kBadModel;
  }
}

int run_list(const Options& o) {
  Scenario l;
  try {
    parse_scenario(o, l);
    if (o.list_what == "switches") {  // declared switches need no compile (nor a valid -D)
      for (const auto& sw : l.ast.switches)
        std::printf("%-12s %s\n", sw.name.c_str(), sw.doc.c_str());
      return kHolds;
    }
    model::CompileOptions copts;
    copts.defines = o.defines;
    copts.debug_vm = o.debug_vm;
    model::Program p = model::compile(l.ast, l.sm, copts);
    properties::PropertyTable t = properties::build_property_table(p);
    for (const auto& prop : t.props) {
      std::printf("%-28s %-15s %-16s %s\n", prop.name.c_str(), properties::to_string(prop.cls),
                  prop.function.c_str(), prop.loc.line ? l.sm.where(prop.loc).c_str() : "");
    }
    return kHolds;
  } catch (const model::CompileError& e) {
    std::cerr << l.sm.format(e);
    return kBadModel;
  }
}

}  // namespace pcmc::cli
