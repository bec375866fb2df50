// The distributed tests' main: every rank runs the same Catch2 session (the same test cases in
// the same order, so their collectives meet), inside one MPI World. Ranks other than 0 print
// nothing; a failed check on any rank makes its exit code, hence mpirun's, non-zero.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "checker/distributed/mpi_world.hpp"

int main(int argc, char** argv) {
  pcmc::distributed::World world(&argc, &argv);
  world.silence_if_not_root();
  return Catch::Session().run(argc, argv);
}
