#include "checker/cli/mpi_launch.hpp"

#include <cstdlib>
#include <iostream>

#ifdef PCMC_HAVE_MPI
#include "checker/distributed/distributed_search.hpp"
#include "checker/distributed/mpi_world.hpp"
#endif

namespace pcmc::cli {

namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return *end == '\0' && n >= 0 && n < (1L << 30) ? static_cast<int>(n) : fallback;
}

const MpiLaunch* g_launch = nullptr;

}  // namespace

LaunchEnv launch_environment() {
  LaunchEnv e;
  e.size = env_int("OMPI_COMM_WORLD_SIZE", env_int("PMI_SIZE", 1));
  e.rank = env_int("OMPI_COMM_WORLD_RANK", env_int("PMIX_RANK", env_int("PMI_RANK", 0)));
  if (e.size < 1) e.size = 1;
  return e;
}

#ifdef PCMC_HAVE_MPI
struct MpiLaunch::Impl {
  Impl(int* argc, char*** argv) : world(argc, argv) {}
  distributed::World world;
};
#else
struct MpiLaunch::Impl {};
#endif

MpiLaunch::MpiLaunch(int* argc, char*** argv) : env_(launch_environment()) {
#ifdef PCMC_HAVE_MPI
  if (env_.size > 1) {
    impl_ = std::make_unique<Impl>(argc, argv);
    env_.rank = impl_->world.rank();
    env_.size = impl_->world.size();
    impl_->world.silence_if_not_root();
    g_launch = this;
  }
#else
  (void)argc;
  (void)argv;
#endif
}

MpiLaunch::~MpiLaunch() {
  if (g_launch == this) g_launch = nullptr;
}

bool MpiLaunch::distributed() const { return impl_ != nullptr; }

bool MpiLaunch::refuse_without_mpi() const {
  if (env_.size <= 1 || distributed()) return false;
  if (env_.rank == 0)
    std::cerr << "pcmc: started by mpirun with " << env_.size
              << " ranks, but this build has no MPI support (Open MPI was not found when it was "
                 "configured: install libopenmpi-dev and rebuild; docs/distributed.md)\n";
  return true;
}

std::string MpiLaunch::adapt(Options& o, std::string& notes) const {
  const std::string ranks = std::to_string(env_.size) + " MPI ranks";
  if (o.command != "check")
    return "only `pcmc check` runs distributed (" + ranks + "); run `pcmc " + o.command +
           "` without mpirun";
  if (o.judge) return "--judge does not run distributed (" + ranks + "); run it without mpirun";
  if (o.order == "dfs") return "--search dfs cannot run distributed: it is a BFS";
  if (o.store != "exact") return "--store " + o.store + " cannot run distributed";
  if (o.liveness && o.liveness_given)
    return "--liveness on cannot run distributed: the non-termination pass needs the whole "
           "graph on one process (docs/distributed.md); use --liveness off or run without mpirun";
  if (o.liveness)
    notes += "note: " + ranks + ": the non-termination pass does not run distributed "
             "(--liveness off; docs/distributed.md)\n";
  if (o.por_given && (o.por || o.sleep))
    notes += "note: " + ranks + ": --por is not applied (its cycle proviso needs other ranks' "
             "stored states; docs/distributed.md)\n";
  o.liveness = false;
  o.por = o.sleep = false;
  if (env_.rank != 0) {  // rank 0 prints and writes; the others only search
    o.json_file.clear();
    o.html_file.clear();
    o.progress = "off";
  }
  return {};
}

std::function<checker::Result(const checker::TransitionSystem&, const checker::SearchOptions&)>
distributed_hook() {
#ifdef PCMC_HAVE_MPI
  if (g_launch != nullptr && g_launch->distributed()) return distributed::distributed_search;
#endif
  return {};
}

}  // namespace pcmc::cli
