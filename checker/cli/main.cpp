// pcmc: the page-cache model checker. Parses options and dispatches; everything else lives in
// the libraries (model/, properties/, checker/, traces/).
#include <exception>
#include <iostream>

#include "checker/cli/cmd_util.hpp"
#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/library_root.hpp"
#include "checker/cli/mpi_launch.hpp"
#include "checker/cli/options.hpp"
#include "model/constant_sets.hpp"
#include "model/native.hpp"

int main(int argc, char** argv) {
  using namespace pcmc::cli;
  set_argv0(argc > 0 ? argv[0] : nullptr);
  // Under mpirun with several ranks: MPI_Init here, MPI_Finalize when main returns; every rank
  // parses and runs the same command, rank 0 alone prints (docs/distributed.md).
  MpiLaunch mpi(&argc, &argv);
  if (mpi.refuse_without_mpi()) return kNoMpi;
  try {
    ParseResult p = parse_options(argc, argv);
    if (p.exit_now) return kHolds;
    if (!p.error.empty()) {
      std::cerr << "pcmc: " << p.error << "\n";
      return p.exit_code;
    }
    if (mpi.distributed()) {
      std::string notes;
      if (const std::string error = mpi.adapt(p.options, notes); !error.empty()) {
        std::cerr << "pcmc: " << error << "\n";
        return kUsage;
      }
      if (!p.options.quiet) std::cout << notes;
    }
    if (p.options.command == "list") return run_list(p.options);
    if (p.options.command == "replay") return run_replay(p.options);
    if (p.options.command == "explain") return run_explain(p.options);
    if (p.options.command == "graph") return run_graph(p.options);
    if (p.options.command == "matrix") return run_matrix(p.options);
    return run_check(p.options);
  } catch (const pcmc::model::SetError& e) {  // --set names no #default of this scenario
    std::cerr << "pcmc: " << e.what() << "\n";
    return kUsage;
  } catch (const UsageError& e) {
    std::cerr << "pcmc: " << e.what() << "\n";
    return kUsage;
  } catch (const pcmc::model::NativeError& e) {
    std::cerr << "pcmc: native engine: " << e.what() << " (--engine interp runs without it)\n";
    return kNativeFailed;
  } catch (const std::bad_alloc&) {
    std::cerr << "pcmc: internal error: out of memory (use --max-memory to bound the search)\n";
    return kInternal;
  } catch (const std::exception& e) {
    std::cerr << "pcmc: internal error: " << e.what() << "\n";
    return kInternal;
  }
}
