#include "checker/cli/options.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "checker/cli/exit_codes.hpp"
#include "model/exec.hpp"
#include "pcmc_version.hpp"

namespace po = boost::program_options;

namespace pcmc::cli {

namespace {

const char* kUsageText =
    "usage: pcmc check SCENARIO.pcm [options]      explore every interleaving, print the verdict\n"
    "       pcmc check --judge SCENARIO.pcm        run every variant/mode the scenario's expect\n"
    "                                              blocks name and compare (exit 30 on mismatch)\n"
    "       pcmc list properties SCENARIO.pcm      list the named properties and their classes\n"
    "       pcmc graph SCENARIO.pcm -o FILE.dot|.svg draw the state graph, the shortest path to\n"
    "                                              the first violation in red (exit 21: too large)\n"
    "       pcmc matrix SCENARIO.pcm --variants \"B; F1; F1+F3\"  properties x variants table\n"
    "       pcmc replay SCENARIO.pcm TRACE.json [-D ..] re-run a saved trace on a variant: exit 10\n"
    "                                              reproduced, 11 diverged (where and why)\n"
    "       pcmc explain SCENARIO.pcm TRACE.json   print a saved trace in CPU columns\n"
    "       pcmc --help | --version\n";

// The count options as typed: Boost would read "-1" into an unsigned option as 2^64 - 1.
struct CountTexts {
  std::string shuffle, jobs, max_states, max_depth, max_memory, max_nodes, width;
  // No "(=1000000)" in --help: it would widen the option column.
  std::string max_local_steps = std::to_string(model::kDefaultLocalBudget);
};

// `text` as a decimal count in [lo, hi]; otherwise the usage error for option `name`.
std::string count(const char* name, const std::string& text, std::uint64_t lo, std::uint64_t hi,
                  std::uint64_t& out) {
  const std::string range = " (" + std::to_string(lo) + ".." + std::to_string(hi) + ")";
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    return std::string("--") + name + " takes a whole number" + range + ", not '" + text + "'";
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE || v < lo || v > hi)
    return std::string("--") + name + " " + text + " is out of range" + range;
  out = v;
  return {};
}

// Two paths that name the same file (or would, once created).
bool same_file(const std::string& a, const std::string& b) {
  std::error_code ea, eb;
  const auto ca = std::filesystem::weakly_canonical(a, ea);
  const auto cb = std::filesystem::weakly_canonical(b, eb);
  return ea || eb ? a == b : ca == cb;
}

}  // namespace

ParseResult parse_options(int argc, const char* const* argv) {
  ParseResult r;
  Options& o = r.options;
  CountTexts counts;
  std::string liveness = "on";
  std::string por = "on";
  std::string por_locks = "on";
  std::string symmetry = "off";
  po::options_description model("Model");
  model.add_options()
      ("define,D", po::value<std::vector<std::string>>(&o.defines)->composing(),
       "turn on a declared switch (a proposed fix), e.g. -D F1 -D F3")
      ("patch", po::value<std::vector<std::string>>()->composing(), "same as -D")
      ("include,I", po::value<std::vector<std::string>>(&o.include_path)->composing(),
       "add a folder to the #include search path (after the scenario's own folder)")
      ("debug-vm", po::bool_switch(&o.debug_vm),
       "CONFIG_DEBUG_VM: VM_BUG_ON* assertions are compiled in and fatal");
  po::options_description search("Search");
  search.add_options()
      ("search", po::value<std::string>(&o.order)->default_value("bfs"),
       "bfs (shortest counterexamples) | dfs")
      ("all", po::bool_switch(&o.all),
       "do not stop at the first violation: one shortest trace per violated property")
      ("liveness", po::value<std::string>(&liveness)->default_value("on"),
       "on | off: the non-termination check (a second pass over the state graph)")
      ("shuffle", po::value<std::string>(&counts.shuffle)->default_value("0"),
       "permute the successor order with this seed (0: the documented order)")
      ("jobs,j", po::value<std::string>(&counts.jobs)->default_value("1"),
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
  po::options_description reduction("Reduction");
  reduction.add_options()
      ("por", po::value<std::string>(&por)->default_value("on"),
       "on | off | persistent | sleep: partial-order reduction of the safety search "
       "(docs/reductions.md); applied with --liveness off only (the non-termination pass needs "
       "the full graph). on (default): persistent and sleep together. persistent: ample "
       "(persistent) sets: same verdicts, fewer states. sleep: sleep sets: the same states, "
       "fewer transitions (BFS only; not applied with symmetry). off: none. BFS "
       "counterexamples are those of --por off (re-derived without POR up to their depth)")
      ("por-locks", po::value<std::string>(&por_locks)->default_value("on"),
       "on | off: with ample sets, lock-aware independence: the other threads' futures stop at "
       "lock awaits (await(lock == NO_THREAD)) that the ample set's threads hold closed "
       "(docs/reductions.md, \"C1 with locks\"); off: the full static futures")
      ("symmetry", po::value<std::string>(&symmetry)->default_value("off"),
       "on | off: symmetry reduction of interchangeable threads (same code) and page frames (pool "
       "elements no code names), found automatically ("
       "docs/reductions.md); same verdicts, fewer states, concrete traces; needs --liveness off; "
       "combines with --por on")
      ("por-stats", po::bool_switch(&o.por_stats),
       "with --por on|persistent: count why each state was or was not expanded with an ample "
       "set and which objects made the threads dependent; a summary on stdout and "
       "stats.por_stats in --json (the same search: counts unchanged)");
  po::options_description limits("Limits (reaching one gives the verdict 'incomplete', exit 20)");
  limits.add_options()
      ("max-states", po::value<std::string>(&counts.max_states)->default_value("0"),
       "stop after this many distinct states (0: no limit)")
      ("max-depth", po::value<std::string>(&counts.max_depth)->default_value("0"),
       "do not expand states deeper than this (0: no limit)")
      ("max-time", po::value<double>(&o.max_time)->default_value(0), "seconds (0: no limit)")
      ("max-memory", po::value<std::string>(&counts.max_memory)->default_value("0"),
       "MiB for the visited set and frontier (0: 3/4 of physical memory; a native compiler "
       "that --engine auto or native starts is not counted)")
      ("max-local-steps", po::value<std::string>(&counts.max_local_steps),
       "instructions one step may run without reaching a scheduling point (a loop over locals) "
       "before it is the model error local-divergence (default 1000000): raise it for a long "
       "loop that does end");
  po::options_description output("Output");
  output.add_options()
      ("json", po::value<std::string>(&o.json_file),
       "write the counterexample(s) and statistics as JSON to this file")
      ("progress", po::value<std::string>(&o.progress)->default_value("auto"),
       "auto (stderr, once a second, when it is a terminal) | json (JSON lines) | off")
      ("judge", po::bool_switch(&o.judge), "judge the scenario against its expect blocks")
      ("quiet,q", po::bool_switch(&o.quiet), "print only the verdict lines")
      ("help,h", "show this help")
      ("version", "show the version");
  po::options_description pictures("Pictures and tables (graph, matrix, check --html)");
  pictures.add_options()
      ("html", po::value<std::string>(&o.html_file),
       "check: write the trace(s) as one self-contained HTML page (swimlanes + state per step)")
      ("output,o", po::value<std::string>(&o.output_file),
       "graph: the DOT file to write (FILE.svg: SVG through Graphviz's dot)")
      ("svg", po::bool_switch(&o.svg), "graph: also write FILE.svg with Graphviz's dot")
      ("max-nodes", po::value<std::string>(&counts.max_nodes)->default_value("2000"),
       "graph: refuse to draw more states than this")
      ("variants", po::value<std::string>(&o.variants),
       "matrix: variants separated by ';', switches by '+'; B is the baseline")
      ("format", po::value<std::string>(&o.format),
       "check: text (default) | columns (one column per CPU); matrix: text | md | json")
      ("width", po::value<std::string>(&counts.width)->default_value("80"),
       "check --format columns, explain: text width, 60..200 (e.g. 100)")
      ("trace-dir", po::value<std::string>(&o.trace_dir),
       "matrix: folder for one trace JSON per violation (default: matrix-traces)")
      ("rows", po::value<std::string>(&o.rows)->default_value("all"),
       "matrix: all (every named property) | violated (only those violated somewhere)")
      ("debug-vm-mode", po::value<std::string>(&o.debug_vm_mode),
       "same as --debug-vm on|off|both (both: matrix only, runs each variant in both modes)");
  po::options_description hidden;
  hidden.add_options()("args", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("args", -1);
  po::options_description all;
  all.add(model).add(search).add(reduction).add(limits).add(output).add(pictures).add(hidden);
  po::options_description visible;
  visible.add(model).add(search).add(reduction).add(limits).add(output).add(pictures);

  po::variables_map vm;
  try {
    // `--debug-vm on|off|both` (matrix) next to the plain switch `--debug-vm`: a mode word
    // right after it becomes --debug-vm-mode (Boost would otherwise take a scenario file
    // following a plain --debug-vm as its value).
    std::vector<std::string> words(argv + std::min(argc, 1), argv + argc);
    for (std::size_t i = 0; i + 1 < words.size(); ++i)
      if (words[i] == "--debug-vm" &&
          (words[i + 1] == "on" || words[i + 1] == "off" || words[i + 1] == "both")) {
        words[i] = "--debug-vm-mode=" + words[i + 1];
        words.erase(words.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      }
    for (auto& w : words)
      if (w.rfind("--debug-vm=", 0) == 0) w = "--debug-vm-mode=" + w.substr(11);
    po::store(po::command_line_parser(words).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    r.error = e.what();
    r.exit_code = kUsage;
    return r;
  }
  if (vm.count("help")) {
    std::cout << kUsageText << "\n" << visible << "\nExit codes: 0 holds, 10 violated, "
              << "20 incomplete, 30 expectation mismatch, 64 usage, 65 bad model, 69 native "
              << "engine build failed, 70 internal error, 74 output file error; graph: 21 too large to draw; replay: 11 diverged.\n";
    r.exit_now = true;
    return r;
  }
  if (vm.count("version")) {
    std::cout << "pcmc " << PCMC_VERSION << "\n";
    r.exit_now = true;
    return r;
  }
  if (vm.count("patch"))
    for (const auto& p : vm["patch"].as<std::vector<std::string>>()) o.defines.push_back(p);
  // -D X -D X is X once (the variant is a set of switches).
  std::vector<std::string> defines;
  for (const std::string& d : o.defines)
    if (std::find(defines.begin(), defines.end(), d) == defines.end()) defines.push_back(d);
  o.defines = std::move(defines);
  std::vector<std::string> args;
  if (vm.count("args")) args = vm["args"].as<std::vector<std::string>>();
  auto fail = [&](const std::string& msg) {
    r.error = msg;
    r.exit_code = kUsage;
    return r;
  };
  {
    std::uint64_t jobs = 0, width = 0, local = 0;
    const std::uint64_t any = UINT64_MAX;
    for (const std::string& e :
         {count("shuffle", counts.shuffle, 0, any, o.shuffle),
          count("jobs", counts.jobs, 1, 256, jobs),
          count("max-states", counts.max_states, 0, any, o.max_states),
          count("max-depth", counts.max_depth, 0, any, o.max_depth),
          count("max-memory", counts.max_memory, 0, (std::uint64_t{1} << 44) - 1, o.max_memory_mib),
          count("max-local-steps", counts.max_local_steps, 1, UINT32_MAX, local),
          count("max-nodes", counts.max_nodes, 1, any, o.max_nodes),
          count("width", counts.width, 60, 200, width)})
      if (!e.empty()) return fail(e);
    o.jobs = static_cast<unsigned>(jobs);
    o.width = static_cast<unsigned>(width);
    o.max_local_steps = static_cast<std::uint32_t>(local);
  }
  // An option that names a file needs a name ("--json ''" would write nothing, silently).
  for (const char* name : {"json", "html", "output", "trace-dir"})
    if (vm.count(name) && vm[name].as<std::string>().empty())
      return fail(std::string("--") + name + " needs a file name");
  for (const std::string& dir : o.include_path) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec))
      return fail("-I " + dir + ": no such folder");
    if (!std::filesystem::is_directory(dir, ec)) return fail("-I " + dir + ": not a folder");
  }
  if (args.empty()) return fail("missing command\n" + std::string(kUsageText));
  o.command = args[0];
  if (o.command == "check") {
    if (args.size() != 2) return fail("check takes exactly one scenario file");
    o.scenario = args[1];
  } else if (o.command == "list") {
    if (args.size() != 3 || args[1] != "properties")
      return fail("usage: pcmc list properties SCENARIO.pcm");
    o.list_what = args[1];
    o.scenario = args[2];
  } else if (o.command == "graph") {
    if (args.size() != 2) return fail("graph takes exactly one scenario file");
    o.scenario = args[1];
    if (o.output_file.empty()) return fail("graph needs -o FILE.dot (or FILE.svg)");
    const std::string ext = std::filesystem::path(o.output_file).extension().string();
    if (ext != ".dot" && ext != ".svg")
      return fail("graph -o " + o.output_file +
                  ": the file must end in .dot (Graphviz DOT) or .svg (rendered by dot)");
  } else if (o.command == "matrix") {
    if (args.size() != 2) return fail("matrix takes exactly one scenario file");
    o.scenario = args[1];
    if (o.variants.empty()) return fail("matrix needs --variants \"B; F1; F1+F3\"");
    if (!o.format.empty() && o.format != "text" && o.format != "md" && o.format != "json")
      return fail("--format must be text, md or json");
    if (o.rows != "all" && o.rows != "violated") return fail("--rows must be all or violated");
  } else if (o.command == "replay" || o.command == "explain") {
    if (args.size() != 3) return fail(o.command + " takes a scenario file and a trace file");
    o.scenario = args[1];
    o.trace_file = args[2];
  } else {
    return fail("unknown command '" + o.command + "'\n" + kUsageText);
  }
  if (vm.count("debug-vm-mode")) {
    if (o.debug_vm_mode != "on" && o.debug_vm_mode != "off" && o.debug_vm_mode != "both")
      return fail("--debug-vm takes on, off or both");
    if (o.debug_vm_mode == "both" && o.command != "matrix")
      return fail("--debug-vm both is for matrix; run check twice, with and without --debug-vm");
    o.debug_vm = o.debug_vm_mode == "on";
  } else if (o.debug_vm) {
    o.debug_vm_mode = "on";
  }
  if (o.command == "check" && !o.format.empty() && o.format != "text" && o.format != "columns")
    return fail("--format must be text or columns");
  if (o.order != "bfs" && o.order != "dfs") return fail("--search must be bfs or dfs");
  if (o.jobs > 1 && o.order == "dfs") return fail("--search dfs runs on one thread; drop -j");
  if (liveness != "on" && liveness != "off") return fail("--liveness must be on or off");
  o.liveness = liveness == "on";
  if (o.store != "exact" && o.store != "hashcompact")
    return fail("--store must be exact or hashcompact");
  if (o.store == "hashcompact" && o.order == "dfs")
    return fail("--store hashcompact needs --search bfs (its counterexamples are rebuilt level by "
                "level)");
  if (o.store == "hashcompact" && o.command != "check")
    return fail("--store hashcompact is an option of pcmc check");
  if (o.store == "hashcompact" && o.liveness)
    return fail("--store hashcompact needs --liveness off (the non-termination pass walks the "
                "stored states, which hash compaction does not keep)");
  if (o.engine != "auto" && o.engine != "interp" && o.engine != "native")
    return fail("--engine must be auto, interp or native");
  if (por != "on" && por != "off" && por != "persistent" && por != "sleep")
    return fail("--por must be off, on, persistent or sleep");
  o.por_given = vm.count("por") != 0 && !vm["por"].defaulted();
  o.por = por == "on" || por == "persistent";
  o.sleep = por == "on" || por == "sleep";
  if (por_locks != "on" && por_locks != "off") return fail("--por-locks must be on or off");
  o.por_locks = por_locks == "on";
  if (symmetry != "on" && symmetry != "off") return fail("--symmetry must be on or off");
  o.symmetry = symmetry == "on";
  if (o.progress != "auto" && o.progress != "json" && o.progress != "off")
    return fail("--progress must be auto, json or off");
  if (o.max_time < 0) return fail("--max-time must not be negative");
  if (o.judge && !o.defines.empty())
    return fail("--judge runs the variants named by the scenario's expect blocks; drop -D");
  if (o.judge && o.debug_vm)
    return fail("--judge runs the modes named by the scenario's expect blocks; drop --debug-vm");
  // No two files of the command line the same: an output would overwrite an input or another
  // output (--json X --html X).
  const std::vector<std::pair<std::string, std::string>> files{
      {"the scenario", o.scenario},   {"the trace", o.trace_file}, {"--json", o.json_file},
      {"--html", o.html_file},        {"-o", o.output_file}};
  for (std::size_t i = 0; i < files.size(); ++i)
    for (std::size_t j = std::max<std::size_t>(i + 1, 2); j < files.size(); ++j)
      if (!files[i].second.empty() && !files[j].second.empty() &&
          same_file(files[i].second, files[j].second))
        return fail(files[i].first + " and " + files[j].first + " name the same file, " +
                    files[j].second);
  return r;
}

}  // namespace pcmc::cli
