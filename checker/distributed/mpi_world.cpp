#include "checker/distributed/mpi_world.hpp"

#include <fcntl.h>
#include <mpi.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace pcmc::distributed {

namespace {
World* g_world = nullptr;
}

World::World(int* argc, char*** argv) {
  int provided = 0;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Init_thread failed");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  g_world = this;
}

World::~World() {
  g_world = nullptr;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

World* World::current() { return g_world; }

void World::silence_if_not_root() {
  if (rank_ == 0) return;
  std::fflush(stdout);
  std::fflush(stderr);
  stderr_fd_ = dup(STDERR_FILENO);
  if (stderr_fd_ < 0) stderr_fd_ = STDERR_FILENO;
  const int null = open("/dev/null", O_WRONLY);
  if (null < 0) return;
  dup2(null, STDOUT_FILENO);
  dup2(null, STDERR_FILENO);
  close(null);
}

void World::fatal(const std::string& what, int code) const {
  const std::string line = "pcmc: rank " + std::to_string(rank_) + ": " + what + "\n";
  [[maybe_unused]] const ssize_t n = write(stderr_fd_, line.data(), line.size());
  MPI_Abort(MPI_COMM_WORLD, code);
  _exit(code);  // MPI_Abort does not return; if it did, this rank still must not go on
}

}  // namespace pcmc::distributed
