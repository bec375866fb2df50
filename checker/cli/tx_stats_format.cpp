// print_tx_stats (tx_stats_format.hpp): the merged steps, the stops by reason, and the objects
// whose other accessors stopped the most transactions.
#include "checker/cli/tx_stats_format.hpp"

namespace pcmc::cli {

void print_tx_stats(std::ostream& out, const checker::TxStats& s) {
  out << "  transactions: " << s.merged << " steps merged into " << s.transactions
      << " transitions (intermediate states neither stored nor interleaved); stopped before a "
         "step that is";
  const char* sep = " ";
  for (unsigned i = 0; i < checker::kTxStops; ++i) {
    out << sep << checker::to_string(static_cast<checker::TxStop>(i)) << " " << s.stops[i];
    sep = ", ";
  }
  out << "\n";
  if (s.conflicts.empty()) return;
  // The objects a stopped step shares with another thread's (cut) future: what makes it
  // observable (a lockless reader, data outside any lock, a lock word itself).
  constexpr std::size_t kShown = 10;
  out << "    observable through:";
  for (std::size_t i = 0; i < s.conflicts.size() && i < kShown; ++i)
    out << (i == 0 ? " " : ", ") << s.conflicts[i].first << " " << s.conflicts[i].second;
  out << (s.conflicts.size() > kShown ? ", ..." : "") << "\n";
}

}  // namespace pcmc::cli
