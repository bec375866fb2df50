#include "checker/cli/option_table.hpp"

#include <sstream>

#include <boost/program_options.hpp>

namespace po = boost::program_options;

namespace pcmc::cli {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> list = {
      {"pcmc check SCENARIO.pcm [options]", "explore every interleaving, print the verdict"},
      {"pcmc check --judge SCENARIO.pcm",
       "run every variant/mode the scenario's expect blocks name and compare (exit 30 on "
       "mismatch)"},
      {"pcmc list properties SCENARIO.pcm", "list the named properties and their classes"},
      {"pcmc list switches SCENARIO.pcm",
       "list the declared switches (-D NAME), one per line: the name, then its description"},
      {"pcmc graph SCENARIO.pcm -o FILE.dot|.svg|.json",
       "draw the state graph, the shortest path to the first violation in red (exit 21: too "
       "large)"},
      {"pcmc matrix SCENARIO.pcm --variants \"B; F1; F1+F3\"", "properties x variants table"},
      {"pcmc replay SCENARIO.pcm TRACE.json [-D ..]",
       "re-run a saved trace on a variant: exit 10 reproduced, 11 diverged (where and why)"},
      {"pcmc explain SCENARIO.pcm TRACE.json", "print a saved trace in CPU columns"},
      {"pcmc --help | --version", "this text | the version, git commit and kernel library in use"},
  };
  return list;
}

std::string usage_text() {
  // Two columns: the synopsis, then its description from column 46, wrapped at column 94.
  constexpr std::size_t kColumn = 46, kWidth = 94;
  std::string out;
  for (const Subcommand& sc : subcommands()) {
    std::string line = (out.empty() ? "usage: " : "       ") + std::string(sc.synopsis);
    line += line.size() + 2 <= kColumn ? std::string(kColumn - line.size(), ' ')
                                       : "\n" + std::string(kColumn, ' ');
    std::size_t used = kColumn;
    std::istringstream words(sc.description);
    bool first = true;
    for (std::string w; words >> w; first = false) {
      if (!first && used + 1 + w.size() > kWidth) {
        line += "\n" + std::string(kColumn, ' ');
        used = kColumn;
      } else if (!first) {
        line += ' ';
        ++used;
      }
      line += w;
      used += w.size();
    }
    out += line + "\n";
  }
  return out;
}

const char* const kExitCodesText =
    "Exit codes: 0 holds, 10 violated, 20 incomplete, 30 expectation mismatch, 64 usage, "
    "65 bad model, 69 native engine build failed, 70 internal error, 74 output file error, "
    "78 several MPI ranks but no MPI in this build; "
    "graph: 21 too large to draw; replay: 11 diverged.";

std::vector<OptionGroup> option_groups(Options& o, OptionChoices& c) {
  std::vector<OptionGroup> groups;
  auto add = [&groups](const std::string& caption) -> po::options_description& {
    groups.push_back({caption, std::make_shared<po::options_description>(caption)});
    return *groups.back().options;
  };
  po::options_description& model = add("Model");
  model.add_options()
      ("define,D", po::value<std::vector<std::string>>(&o.defines)->composing(),
       "turn on a declared switch (a proposed fix), e.g. -D F1 -D F3")
      ("patch", po::value<std::vector<std::string>>()->composing(), "same as -D")
      ("include,I", po::value<std::vector<std::string>>(&o.include_path)->composing(),
       "add a folder to the #include search path (after the scenario's own folder)")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "NAME=VALUE: override a library #default constant (HPAGE_PMD_NR, NR_SLOTS, "
       "PAGEVEC_SIZE, ...); recorded in traces, which replay applies again")
      ("kernel", po::value<std::string>(&o.kernel)->default_value("v5.15"),
       "the kernel library: #include \"kernel/NAME.pcm\" reads model/kernel/<VERSION>/NAME.pcm "
       "(v5.15 | v6.12), and only `expect` blocks for that library (or for none) are judged")
      ("kernels", po::value<std::string>(&o.kernels),
       "matrix: libraries side by side, e.g. \"v5.15; v6.12\" (each runs the --variants whose "
       "switches its library declares)")
      ("debug-vm", po::bool_switch(&o.debug_vm),
       "CONFIG_DEBUG_VM: VM_BUG_ON* assertions are compiled in and fatal")
      ("memory-model", po::value<std::string>(&o.memory_model)->default_value("sc"),
       "sc | tso | pso: sequential consistency, or per-CPU store buffers (x86-TSO; pso also "
       "reorders stores to different locations), docs/memory-models.md. tso/pso run with "
       "--liveness off and no POR or symmetry, and judge only `expect memory_model` blocks")
      ("store-buffer", po::value<std::string>(&c.store_buffer)->default_value("0"),
       "tso/pso: stores one store buffer holds (0: computed from the scenario; a run that "
       "fills a buffer is incomplete)");
  po::options_description& search = add("Search");
  search.add_options()
      ("search", po::value<std::string>(&o.order)->default_value("bfs"),
       "bfs (shortest counterexamples) | dfs")
      ("all", po::bool_switch(&o.all),
       "do not stop at the first violation: one shortest trace per violated property")
      ("liveness", po::value<std::string>(&c.liveness)->default_value("on"),
       "on | off: the non-termination check (a second pass over the state graph)")
      ("shuffle", po::value<std::string>(&c.shuffle)->default_value("0"),
       "permute the successor order with this seed (0: the documented order)")
      ("jobs,j", po::value<std::string>(&c.jobs)->default_value("1"),
       "BFS on this many threads: the same verdicts, counts and traces as -j 1 "
       "(the non-termination pass stays on one thread)")
      ("store", po::value<std::string>(&o.store)->default_value("exact"),
       "exact | hashcompact: the visited set. hashcompact (lossy) keeps a 64-bit signature per "
       "state: less memory, but states may be omitted, so 'holds' is probabilistic (the "
       "omission bound is printed); violations found are real. BFS, --liveness off")
      ("engine", po::value<std::string>(&o.engine)->default_value("auto"),
       "auto | interp | native: native compiles the model to C++ and loads it "
       "(docs/native-engine.md): about twice as fast per state, the same results, but the C++ "
       "compile costs seconds the first time (cached in $PCMC_CACHE, else ~/.cache/pcmc; "
       "compiler: $PCMC_CXX), which dominates sub-second runs. auto: the interpreter starts; a "
       "search still running after 1 s builds the module in the background and switches to it "
       "(a failed build leaves the interpreter). check, check --judge and matrix");
  po::options_description& reduction = add("Reduction");
  reduction.add_options()
      ("por", po::value<std::string>(&c.por)->default_value("on"),
       "on | off | persistent | sleep: partial-order reduction (docs/por.md). on (default): "
       "persistent and sleep together (sleep sets only with --liveness off: the "
       "non-termination pass runs on the ample sets' graph, or on the full graph where that "
       "cannot decide, docs/reductions.md). persistent: ample "
       "(persistent) sets: same verdicts, fewer states. sleep: sleep sets: the same states, "
       "fewer transitions (BFS only; not applied with symmetry). off: none. BFS "
       "counterexamples are those of --por off (re-derived without POR up to their depth)")
      ("por-locks", po::value<std::string>(&c.por_locks)->default_value("on"),
       "on | off: with ample sets, lock-aware independence: the other threads' futures stop at "
       "lock awaits (await(lock == NO_THREAD)) that the ample set's threads hold closed "
       "(docs/por.md, \"C1 with locks\"); off: the full static futures")
      ("symmetry", po::value<std::string>(&c.symmetry)->default_value("on"),
       "on | off: symmetry reduction of interchangeable threads (same code) and page frames (pool "
       "elements no code names), found automatically ("
       "docs/symmetry.md); same verdicts, fewer states, concrete traces; combines with --por on "
       "and with the non-termination pass (decided on the quotient, docs/reductions.md). On by "
       "default; off under --memory-model tso|pso")
      ("dead-vars", po::value<std::string>(&c.dead_vars)->default_value("on"),
       "on | off: dead-variable reduction (docs/reductions.md): a thread's locals that no path "
       "reads before overwriting them are stored as 0 where a step stops, so states differing "
       "only in dead values are one; same verdicts for every property (the non-termination "
       "pass included), same counterexamples with the values the threads hold")
      ("transactions", po::value<std::string>(&c.transactions)->default_value("on"),
       "on | off: transaction (Lipton) reduction (docs/transactions.md): a "
       "thread's steps that no other thread can observe in between (checked per state: lock-"
       "protected data while the thread holds the lock, private data) run as one step; same "
       "verdicts, counterexamples step by step and shortest (re-derived without it); sleep sets "
       "are off while it applies")
      ("no-reduce", po::bool_switch(&o.no_reduce),
       "every reduction off (dead variables, POR, sleep sets, symmetry, transactions): the oracle the "
       "reductions are tested against")
      ("reduce-stats", po::bool_switch(&o.reduce_stats),
       "print which locals the dead-variable reduction clears, and where, which graph the "
       "non-termination pass decided on (reduced, or full after a fallback, and why), and what "
       "stopped the transactions (which objects other threads may observe)")
      ("por-stats", po::bool_switch(&o.por_stats),
       "with --por on|persistent: count why each state was or was not expanded with an ample "
       "set and which objects made the threads dependent; a summary on stdout and "
       "stats.por_stats in --json (the same search: counts unchanged)");
  po::options_description& limits = add("Limits (reaching one gives the verdict 'incomplete', exit 20)");
  limits.add_options()
      ("max-states", po::value<std::string>(&c.max_states)->default_value("0"),
       "stop after this many distinct states (0: no limit)")
      ("max-depth", po::value<std::string>(&c.max_depth)->default_value("0"),
       "do not expand states deeper than this (0: no limit)")
      ("max-time", po::value<double>(&o.max_time)->default_value(0), "seconds (0: no limit)")
      ("max-memory", po::value<std::string>(&c.max_memory)->default_value("0"),
       "MiB for the visited set and frontier (0: 3/4 of physical memory; a native compiler "
       "that --engine auto or native starts is not counted)")
      ("max-local-steps", po::value<std::string>(&c.max_local_steps),
       "instructions one step may run without reaching a scheduling point (a loop over locals) "
       "before it is the model error local-divergence (default 1000000): raise it for a long "
       "loop that does end");
  po::options_description& output = add("Output");
  output.add_options()
      ("json", po::value<std::string>(&o.json_file),
       "write the counterexample(s) and statistics as JSON to this file")
      ("progress", po::value<std::string>(&o.progress)->default_value("auto"),
       "auto (stderr, once a second, when it is a terminal) | json (JSON lines) | off")
      ("judge", po::bool_switch(&o.judge), "judge the scenario against its expect blocks")
      ("quiet,q", po::bool_switch(&o.quiet), "print only the verdict lines")
      ("help,h", "show this help")
      ("version", "show the version");
  po::options_description& pictures = add("Pictures and tables (graph, matrix, check --html)");
  pictures.add_options()
      ("html", po::value<std::string>(&o.html_file),
       "check: write the trace(s) as one self-contained HTML page (swimlanes + state per step)")
      ("output,o", po::value<std::string>(&o.output_file),
       "graph: the DOT file to write (FILE.svg: SVG through Graphviz's dot; FILE.json: the "
       "graph as JSON for scripts, docs/graph-schema.json)")
      ("svg", po::bool_switch(&o.svg), "graph: also write FILE.svg with Graphviz's dot")
      ("max-nodes", po::value<std::string>(&c.max_nodes)->default_value("2000"),
       "graph: refuse to draw more states than this")
      ("variants", po::value<std::string>(&o.variants),
       "matrix: variants separated by ';', switches by '+'; B is the baseline")
      ("format", po::value<std::string>(&o.format),
       "check: text (default) | columns (one column per CPU); matrix: text | md | json")
      ("width", po::value<std::string>(&c.width)->default_value("80"),
       "check --format columns, explain: text width, 60..200 (e.g. 100)")
      ("trace-dir", po::value<std::string>(&o.trace_dir),
       "matrix: folder for one trace JSON per violation (default: matrix-traces)")
      ("rows", po::value<std::string>(&o.rows)->default_value("all"),
       "matrix: all (every named property) | violated (only those violated somewhere)")
      ("debug-vm-mode", po::value<std::string>(&o.debug_vm_mode),
       "same as --debug-vm on|off|both (both: matrix only, runs each variant in both modes)");
  return groups;
}

}  // namespace pcmc::cli
