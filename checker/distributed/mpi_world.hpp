// The MPI processes of one distributed run (docs/distributed.md): MPI_Init/MPI_Finalize around
// the program, this process's rank and the number of ranks, and the way out when one rank cannot
// go on (MPI_Abort: Open MPI then ends every rank, so no rank waits forever in a collective).
//
// Contract: at most one World exists, created by the thread that runs main() before any other
// MPI call and destroyed after the last one. Only that thread calls MPI (MPI_THREAD_FUNNELED is
// enough: the native engine's background build does not touch MPI).
#pragma once

#include <string>

namespace pcmc::distributed {

class World {
 public:
  World(int* argc, char*** argv);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Ranks other than 0 print nothing: their stdout and stderr go to /dev/null (rank 0 prints the
  // report; every rank computes the same errors from the same input). fatal() still reaches the
  // real stderr.
  void silence_if_not_root();

  // Prints "pcmc: rank R: what" on the real stderr and ends the whole job with `code`
  // (MPI_Abort). For a failure one rank meets alone (an internal error, an allocation failure):
  // the other ranks may be waiting for it in a collective.
  [[noreturn]] void fatal(const std::string& what, int code) const;

  // The World of this process, or null before/after it (for fatal() from library code).
  static World* current();

 private:
  int rank_ = 0;
  int size_ = 1;
  int stderr_fd_ = 2;  // the real stderr, kept by silence_if_not_root()
};

}  // namespace pcmc::distributed
