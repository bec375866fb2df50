#include "checker/cli/trace_input.hpp"

#include <iostream>

#include "checker/cli/exit_codes.hpp"
#include "model/constant_sets.hpp"
#include "traces/scenario_hash.hpp"

namespace pcmc::cli {

std::string mode_label(const std::string& variant, bool debug_vm) {
  return "variant " + variant + ", CONFIG_DEBUG_VM " + (debug_vm ? "on" : "off");
}

int load_trace_input(const Options& o, TraceInput& in) {
  try {
    in.saved = traces::read_trace_file(o.trace_file);
  } catch (const traces::TraceFormatError& e) {
    std::cerr << "pcmc: " << e.what() << "\n";
    return kBadModel;
  }
  if (in.saved.empty()) {
    std::cerr << "pcmc: " << o.trace_file << " holds no counterexample (the run it records holds)\n";
    return kBadModel;
  }
  // The library the trace was found on, unless --kernel says otherwise (then a note: the same
  // steps on another library's code may well diverge).
  Options with_kernel = o;
  if (!o.kernel_given) with_kernel.kernel = in.saved.front().run.kernel;
  else if (in.saved.front().run.kernel != o.kernel)
    std::cerr << "pcmc: note: the trace was found on kernel " << in.saved.front().run.kernel
              << "; replaying it on " << o.kernel << " (--kernel)\n";
  try {
    parse_scenario(with_kernel, in.scenario);
  } catch (const model::CompileError& e) {
    std::cerr << in.scenario.sm.format(e);
    return kBadModel;
  }
  // The trace's --set values, so that the replay runs the program the trace was recorded on; a
  // --set of the same name on this command line wins (replaying on another size, like -D on
  // another variant).
  model::ConstantSets recorded;
  for (const auto& [name, value] : in.saved.front().run.constants) {
    bool given = false;
    for (const auto& s : o.sets) given = given || s.first == name;
    if (!given) recorded.emplace_back(name, value);
  }
  if (!recorded.empty()) {
    try {
      model::apply_sets(in.scenario.ast, recorded);
    } catch (const model::SetError& e) {
      std::cerr << "pcmc: " << o.trace_file << " was recorded with " << e.what() << "\n";
      return kBadModel;
    }
    std::cerr << "pcmc: note: the trace was recorded with";
    for (const auto& [name, value] : recorded) std::cerr << " --set " << name << "=" << value;
    std::cerr << "; applied again\n";
  }
  const std::string hash = traces::scenario_hash(in.scenario.sm);
  const auto& decls = in.scenario.ast.scenarios;
  const std::string name = decls.empty() ? "" : decls.front().name;
  bool warned_hash = false, warned_name = false;
  for (const auto& s : in.saved) {
    if (!warned_name && !name.empty() && s.run.scenario != name) {
      std::cerr << "pcmc: warning: the trace is of scenario '" << s.run.scenario << "', "
                << o.scenario << " is '" << name << "'\n";
      warned_name = true;
    }
    if (!warned_hash && !s.run.scenario_hash.empty() && s.run.scenario_hash != hash) {
      std::cerr << "pcmc: warning: " << o.scenario << " (or a file it includes) has changed since "
                << "the trace was recorded (" << s.run.scenario_hash << ", now " << hash << ")\n";
      warned_hash = true;
    }
  }
  return 0;
}

}  // namespace pcmc::cli
