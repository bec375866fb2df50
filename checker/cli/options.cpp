#include "checker/cli/options.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "checker/cli/exit_codes.hpp"
#include "checker/cli/library_root.hpp"
#include "checker/cli/option_table.hpp"
#include "model/constant_sets.hpp"

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

ParseResult parse_options(int argc, const char* const* argv) {
  ParseResult r;
  Options& o = r.options;
  OptionChoices c;
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
  std::vector<std::string> args;
  if (vm.count("args")) args = vm["args"].as<std::vector<std::string>>();
  auto fail = [&](const std::string& msg) {
    r.error = msg;
    r.exit_code = kUsage;
    return r;
  };
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
    if (o.max_nodes == 0) return fail("--max-nodes must be at least 1");
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
  if (o.width < 60 || o.width > 200) return fail("--width must be between 60 and 200");
  if (o.order != "bfs" && o.order != "dfs") return fail("--search must be bfs or dfs");
  if (o.jobs < 1 || o.jobs > 256) return fail("-j must be between 1 and 256");
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
  return r;
}

}  // namespace pcmc::cli
