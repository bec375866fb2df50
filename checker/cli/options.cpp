#include "checker/cli/options.hpp"

#include <iostream>

#include <boost/program_options.hpp>

#include "checker/cli/exit_codes.hpp"
#include "pcmc_version.hpp"

namespace po = boost::program_options;

namespace pcmc::cli {

namespace {

const char* kUsageText =
    "usage: pcmc check SCENARIO.pcm [options]      explore every interleaving, print the verdict\n"
    "       pcmc check --judge SCENARIO.pcm        run every variant/mode the scenario's expect\n"
    "                                              blocks name and compare (exit 30 on mismatch)\n"
    "       pcmc list properties SCENARIO.pcm      list the named properties and their classes\n"
    "       pcmc --help | --version\n";

}  // namespace

ParseResult parse_options(int argc, const char* const* argv) {
  ParseResult r;
  Options& o = r.options;
  std::string liveness = "on";
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
      ("shuffle", po::value<std::uint64_t>(&o.shuffle)->default_value(0),
       "permute the successor order with this seed (0: the documented order)");
  po::options_description limits("Limits (reaching one gives the verdict 'incomplete', exit 20)");
  limits.add_options()
      ("max-states", po::value<std::uint64_t>(&o.max_states)->default_value(0),
       "stop after this many distinct states (0: no limit)")
      ("max-depth", po::value<std::uint64_t>(&o.max_depth)->default_value(0),
       "do not expand states deeper than this (0: no limit)")
      ("max-time", po::value<double>(&o.max_time)->default_value(0), "seconds (0: no limit)")
      ("max-memory", po::value<std::uint64_t>(&o.max_memory_mib)->default_value(0),
       "MiB for the visited set and frontier (0: 3/4 of physical memory)");
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
  po::options_description hidden;
  hidden.add_options()("args", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("args", -1);
  po::options_description all;
  all.add(model).add(search).add(limits).add(output).add(hidden);
  po::options_description visible;
  visible.add(model).add(search).add(limits).add(output);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    r.error = e.what();
    r.exit_code = kUsage;
    return r;
  }
  if (vm.count("help")) {
    std::cout << kUsageText << "\n" << visible << "\nExit codes: 0 holds, 10 violated, "
              << "20 incomplete, 30 expectation mismatch, 64 usage, 65 bad model, 70 internal "
              << "error, 74 output file error.\n";
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
  std::vector<std::string> args;
  if (vm.count("args")) args = vm["args"].as<std::vector<std::string>>();
  auto fail = [&](const std::string& msg) {
    r.error = msg;
    r.exit_code = kUsage;
    return r;
  };
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
  } else {
    return fail("unknown command '" + o.command + "'\n" + kUsageText);
  }
  if (o.order != "bfs" && o.order != "dfs") return fail("--search must be bfs or dfs");
  if (liveness != "on" && liveness != "off") return fail("--liveness must be on or off");
  o.liveness = liveness == "on";
  if (o.progress != "auto" && o.progress != "json" && o.progress != "off")
    return fail("--progress must be auto, json or off");
  if (o.max_time < 0) return fail("--max-time must not be negative");
  if (o.judge && !o.defines.empty())
    return fail("--judge runs the variants named by the scenario's expect blocks; drop -D");
  if (o.judge && o.debug_vm)
    return fail("--judge runs the modes named by the scenario's expect blocks; drop --debug-vm");
  return r;
}

}  // namespace pcmc::cli
