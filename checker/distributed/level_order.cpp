// level_order.hpp: the next level's positions from the ranks' arrival keys.
#include "checker/distributed/level_order.hpp"

#include <mpi.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace pcmc::distributed::order {

namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string(what) + " failed");
}

int as_count(std::size_t n) {
  if (n > 0x7fffffffULL) throw std::length_error("distributed search: a level's order over 2^31 states per rank");
  return static_cast<int>(n);
}

}  // namespace

std::vector<std::uint64_t> positions(const std::vector<std::uint64_t>& sorted, std::uint64_t level,
                                     int rank, int ranks) {
  const std::size_t n = static_cast<std::size_t>(ranks);
  std::vector<int> scount(n, 0), sdispl(n, 0), rcount(n, 0), rdispl(n, 0);
  for (const std::uint64_t k : sorted) {
    const std::uint64_t p = position_of(k);
    if (p >= level) throw std::logic_error("distributed search: an arrival key beyond its level");
    ++scount[static_cast<std::size_t>(p * n / level)];
  }
  check(MPI_Alltoall(scount.data(), 1, MPI_INT, rcount.data(), 1, MPI_INT, MPI_COMM_WORLD),
        "MPI_Alltoall");
  std::size_t rtotal = 0;
  for (std::size_t r = 0; r < n; ++r) {
    rdispl[r] = as_count(rtotal);
    rtotal += static_cast<std::size_t>(rcount[r]);
    if (r > 0) sdispl[r] = sdispl[r - 1] + scount[r - 1];
  }
  std::vector<std::uint64_t> block(rtotal);
  check(MPI_Alltoallv(sorted.data(), scount.data(), sdispl.data(), MPI_UINT64_T, block.data(),
                      rcount.data(), rdispl.data(), MPI_UINT64_T, MPI_COMM_WORLD),
        "MPI_Alltoallv");
  // This block's keys in order (each sender's run is sorted; together they are not).
  std::vector<std::uint32_t> by_key(rtotal);
  std::iota(by_key.begin(), by_key.end(), 0u);
  std::sort(by_key.begin(), by_key.end(),
            [&block](std::uint32_t a, std::uint32_t b) { return block[a] < block[b]; });
  std::uint64_t mine = rtotal, below = 0;
  check(MPI_Exscan(&mine, &below, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Exscan");
  if (rank == 0) below = 0;  // MPI_Exscan leaves rank 0's result undefined
  std::vector<std::uint64_t> pos(rtotal);
  for (std::size_t j = 0; j < rtotal; ++j) pos[by_key[j]] = below + j;
  block.clear();
  block.shrink_to_fit();
  std::vector<std::uint64_t> out(sorted.size());
  check(MPI_Alltoallv(pos.data(), rcount.data(), rdispl.data(), MPI_UINT64_T, out.data(),
                      scount.data(), sdispl.data(), MPI_UINT64_T, MPI_COMM_WORLD),
        "MPI_Alltoallv");
  return out;
}

std::vector<std::uint64_t> positions_small(const std::vector<std::uint64_t>& sorted,
                                           const std::vector<int>& counts) {
  std::vector<int> displ(counts.size(), 0);
  for (std::size_t r = 1; r < counts.size(); ++r) displ[r] = displ[r - 1] + counts[r - 1];
  std::vector<std::uint64_t> all(static_cast<std::size_t>(displ.back() + counts.back()));
  check(MPI_Allgatherv(sorted.data(), as_count(sorted.size()), MPI_UINT64_T, all.data(),
                       counts.data(), displ.data(), MPI_UINT64_T, MPI_COMM_WORLD),
        "MPI_Allgatherv");
  std::sort(all.begin(), all.end());
  std::vector<std::uint64_t> out(sorted.size());
  for (std::size_t j = 0; j < sorted.size(); ++j)
    out[j] = static_cast<std::uint64_t>(std::lower_bound(all.begin(), all.end(), sorted[j]) - all.begin());
  return out;
}

}  // namespace pcmc::distributed::order
