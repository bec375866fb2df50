#include "checker/cli/options.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "checker/cli/exit_codes.hpp"
#include "checker/cli/library_root.hpp"
#include "checker/cli/option_table.hpp"
#include "model/constant_sets.hpp"
#include "model/exec.hpp"

namespace po = boost::program_options;

namespace pcmc::cli {

std::vector<std::string> kernel_list(const std::string& spec) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string t;
    for (char c : cur)
      if (c != ' ' && c != '\t') t += c;
    out.push_back(t);
    cur.clear();
  };
  for (char c : spec) {
    if (c == ';') flush();
    else cur += c;
  }
  flush();
  return out;
}

namespace {

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
  OptionChoices c;
  c.max_local_steps = std::to_string(model::kDefaultLocalBudget);
  const std::vector<OptionGroup> groups = option_groups(o, c);
  std::string& liveness = c.liveness;
  std::string& por = c.por;
  std::string& por_locks = c.por_locks;
  std::string& symmetry = c.symmetry;
  po::options_description hidden;
  hidden.add_options()("args", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("args", -1);
  po::options_description visible;
  for (const OptionGroup& g : groups) visible.add(*g.options);
  po::options_description all;
  all.add(visible).add(hidden);

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
    std::cout << usage_text() << "\n" << visible << "\n" << kExitCodesText << "\n";
    r.exit_now = true;
    return r;
  }
  if (vm.count("version")) {
    std::cout << version_text();
    r.exit_now = true;
    return r;
  }
  if (vm.count("patch"))
    for (const auto& p : vm["patch"].as<std::vector<std::string>>()) o.defines.push_back(p);
  o.kernel_given = !vm["kernel"].defaulted();
  if (vm.count("patch"))
    for (const auto& p : vm["patch"].as<std::vector<std::string>>()) o.defines.push_back(p);
  if (vm.count("set")) {
    for (const auto& s : vm["set"].as<std::vector<std::string>>()) {
      try {
        o.sets.push_back(model::parse_set(s));
      } catch (const model::SetError& e) {
        r.error = e.what();
        r.exit_code = kUsage;
        return r;
      }
    }
  }
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
    std::uint64_t jobs = 0, width = 0, local = 0, sb = 0;
    const std::uint64_t any = UINT64_MAX;
    for (const std::string& e :
         {count("shuffle", c.shuffle, 0, any, o.shuffle),
          count("jobs", c.jobs, 1, 256, jobs),
          count("max-states", c.max_states, 0, any, o.max_states),
          count("max-depth", c.max_depth, 0, any, o.max_depth),
          count("max-memory", c.max_memory, 0, (std::uint64_t{1} << 44) - 1, o.max_memory_mib),
          count("max-local-steps", c.max_local_steps, 1, UINT32_MAX, local),
          count("max-nodes", c.max_nodes, 1, any, o.max_nodes),
          count("width", c.width, 60, 200, width),
          count("store-buffer", c.store_buffer, 0, 255, sb)})
      if (!e.empty()) return fail(e);
    o.jobs = static_cast<unsigned>(jobs);
    o.width = static_cast<unsigned>(width);
    o.max_local_steps = static_cast<std::uint32_t>(local);
    o.store_buffer = static_cast<std::uint32_t>(sb);
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
  if (args.empty()) return fail("missing command\n" + usage_text());
  o.command = args[0];
  if (o.command == "check") {
    if (args.size() != 2) return fail("check takes exactly one scenario file");
    o.scenario = args[1];
  } else if (o.command == "list") {
    if (args.size() != 3 || (args[1] != "properties" && args[1] != "switches"))
      return fail("usage: pcmc list properties|switches SCENARIO.pcm");
    o.list_what = args[1];
    o.scenario = args[2];
  } else if (o.command == "graph") {
    if (args.size() != 2) return fail("graph takes exactly one scenario file");
    o.scenario = args[1];
    if (o.output_file.empty()) return fail("graph needs -o FILE.dot (or FILE.svg)");
    const std::string ext = std::filesystem::path(o.output_file).extension().string();
    if (ext != ".dot" && ext != ".svg" && ext != ".json")
      return fail("graph -o " + o.output_file +
                  ": the file must end in .dot (Graphviz DOT), .svg (rendered by dot) or .json "
                  "(the graph as data)");
    // JSON is for scripts, which read graphs far past what a picture can show.
    const std::string& out = o.output_file;
    if (vm["max-nodes"].defaulted() && out.size() >= 5 && out.compare(out.size() - 5, 5, ".json") == 0)
      o.max_nodes = kGraphJsonMaxNodes;
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
    return fail("unknown command '" + o.command + "'\n" + usage_text());
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
  o.liveness_given = vm.count("liveness") != 0 && !vm["liveness"].defaulted();
  if (o.store != "exact" && o.store != "hashcompact")
    return fail("--store must be exact or hashcompact");
  if (o.store == "hashcompact" && o.order == "dfs")
    return fail("--store hashcompact needs --search bfs (its counterexamples are rebuilt level by "
                "level)");
  if (o.store == "hashcompact" && o.command != "check")
    return fail("--store hashcompact is an option of pcmc check");
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
  o.symmetry_given = vm.count("symmetry") != 0 && !vm["symmetry"].defaulted();
  const bool symmetry_given = o.symmetry_given;
  if (c.dead_vars != "on" && c.dead_vars != "off") return fail("--dead-vars must be on or off");
  o.dead_vars = c.dead_vars == "on";
  if (c.transactions != "on" && c.transactions != "off")
    return fail("--transactions must be on or off");
  o.transactions = c.transactions == "on";
  if (o.no_reduce) {
    const bool dead_given = vm.count("dead-vars") != 0 && !vm["dead-vars"].defaulted();
    const bool tx_given = vm.count("transactions") != 0 && !vm["transactions"].defaulted();
    const bool sym_on = symmetry_given && o.symmetry;
    if ((o.por_given && por != "off") || sym_on || (dead_given && o.dead_vars) ||
        (tx_given && o.transactions))
      return fail("--no-reduce turns every reduction off: it cannot go with --por " + por +
                  (sym_on ? ", --symmetry on" : "") +
                  (dead_given && o.dead_vars ? ", --dead-vars on" : "") +
                  (tx_given && o.transactions ? ", --transactions on" : ""));
    o.por = o.sleep = o.dead_vars = o.symmetry = o.transactions = false;
  }
  // Memory models (docs/memory-models.md, "Reductions and passes"): the store buffers' flushes
  // are steps the static futures of POR do not know, symmetry does not permute buffers, and
  // the non-termination pass's per-thread fairness lets a spinning thread keep its own stores
  // buffered forever. Their defaults turn off quietly; asking for one is a usage error.
  if (o.memory_model != "sc" && o.memory_model != "tso" && o.memory_model != "pso")
    return fail("--memory-model must be sc, tso or pso");
  if (o.memory_model != "sc") {
    const std::string mm = "--memory-model " + o.memory_model;
    if (o.liveness && !vm["liveness"].defaulted())
      return fail(mm + " and --liveness on cannot be combined: the non-termination pass is not "
                  "sound with store buffers (docs/memory-models.md); use --liveness off");
    if (o.por_given && (o.por || o.sleep))
      return fail(mm + " and --por " + por + " cannot be combined: partial-order reduction does "
                  "not know the flush steps (docs/memory-models.md); use --por off");
    if (symmetry_given && o.symmetry)
      return fail(mm + " and --symmetry on cannot be combined: symmetry does not permute store "
                  "buffers (docs/memory-models.md)");
    if (vm.count("transactions") != 0 && !vm["transactions"].defaulted() && o.transactions)
      return fail(mm + " and --transactions on cannot be combined: the flush steps are unknown to "
                  "the futures that decide what merges (docs/transactions.md)");
    o.liveness = false;
    o.por = o.sleep = o.symmetry = o.transactions = false;
  } else if (o.store_buffer != 0) {
    return fail("--store-buffer needs --memory-model tso or pso");
  }
  if (o.store == "hashcompact" && o.liveness)
    return fail("--store hashcompact needs --liveness off (the non-termination pass walks the "
                "stored states, which hash compaction does not keep)");
  if (o.progress != "auto" && o.progress != "json" && o.progress != "off")
    return fail("--progress must be auto, json or off");
  if (o.max_time < 0) return fail("--max-time must not be negative");
  for (const std::string& k : kernel_list(o.kernels.empty() ? o.kernel : o.kernels))
    if (k.empty() || k.find('/') != std::string::npos || k.find("..") != std::string::npos)
      return fail("--kernel/--kernels: '" + k + "' is not a library version (e.g. v5.15, v6.12)");
    else if (std::error_code ec; !std::filesystem::is_directory(
                 std::filesystem::path(library_root()) / "kernel" / k, ec))
      return fail("--kernel/--kernels: no kernel library '" + k + "' (no folder " +
                  library_root() + "/kernel/" + k + ")");
  if (!o.kernels.empty() && o.command != "matrix") return fail("--kernels is for matrix; check takes --kernel");
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
