// The exit codes of `pcmc`, documented in README.md ("Exit codes"). Scripts rely on them.
#pragma once

namespace pcmc::cli {

enum ExitCode : int {
  kHolds = 0,          // every property holds (complete search)
  kViolated = 10,      // a property is violated (counterexample printed); replay: reproduced
  kDiverged = 11,      // replay: the trace does not reproduce on this variant (where and why)
  kIncomplete = 20,    // a limit, Ctrl-C or SIGTERM stopped the search before a verdict
  kTooLarge = 21,      // graph: more states than --max-nodes; nothing drawn
  kMismatch = 30,      // --judge: the results differ from the scenario's expectations
  kUsage = 64,         // bad command line: an option or its value, an undeclared -D or
                       // --variants switch, --judge without expect blocks
  kBadModel = 65,      // malformed model (file:line:col: error), an unreadable scenario or trace
                       // file (a folder, a device), a model error at run time (also in graph),
                       // a malformed trace, explain: a trace that does not fit the scenario
  kIoError = 74,       // an output file could not be written
  kNativeFailed = 69,  // --engine native: the model's C++ could not be compiled or loaded
  kInternal = 70,      // internal error (a bug in pcmc)
  kNoMpi = 78,         // started by mpirun with several ranks, but built without MPI
};

}  // namespace pcmc::cli
