// `pcmc` started by mpirun (docs/distributed.md). MPI is initialised only when the launcher's
// environment says this process is one of several ranks, so a plain `pcmc` (and `mpirun -np 1
// pcmc`) never touches MPI. With several ranks, `pcmc check` runs the distributed search; rank 0
// prints and writes the files, the other ranks are silent and exit with the same code.
//
// Built with or without MPI (PCMC_HAVE_MPI, set when CMake finds it): without, several ranks
// are refused with exit 78 (kNoMpi) by rank 0, the others exit with the same code silently.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "checker/cli/options.hpp"
#include "checker/search/search.hpp"

namespace pcmc::cli {

// The ranks of this process from the launcher's environment: Open MPI (OMPI_COMM_WORLD_SIZE,
// OMPI_COMM_WORLD_RANK), PMIx (PMIX_RANK with OMPI_COMM_WORLD_SIZE) or MPICH's Hydra
// (PMI_SIZE, PMI_RANK). {1, 0} when none is set.
struct LaunchEnv {
  int size = 1;
  int rank = 0;
};
LaunchEnv launch_environment();

class MpiLaunch {
 public:
  // MPI_Init when built with MPI and launched with several ranks; otherwise nothing.
  MpiLaunch(int* argc, char*** argv);
  ~MpiLaunch();
  MpiLaunch(const MpiLaunch&) = delete;
  MpiLaunch& operator=(const MpiLaunch&) = delete;

  const LaunchEnv& env() const { return env_; }
  // Several ranks and MPI initialised: the distributed search runs.
  bool distributed() const;
  // Several ranks but no MPI in this build: prints why on rank 0; the caller exits kNoMpi.
  bool refuse_without_mpi() const;
  // Checks `o` for a distributed run and adapts it (the non-termination pass, POR and sleep
  // sets off; on ranks other than 0 no files and no progress). Returns a usage error (exit 64)
  // or "". `notes`: what was turned off, for rank 0 to print.
  std::string adapt(Options& o, std::string& notes) const;

 private:
  LaunchEnv env_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The search hook of the running MpiLaunch (SearchOptions::partitioned); empty when the search
// is not distributed.
std::function<checker::Result(const checker::TransitionSystem&, const checker::SearchOptions&)>
distributed_hook();

}  // namespace pcmc::cli
