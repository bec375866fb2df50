// `pcmc check --reduce-stats`: what the transaction reduction (checker/reduce/transactions.hpp)
// merged, what stopped it, and which objects other threads may observe, for people on stdout.
#pragma once

#include <ostream>

#include "checker/reduce/transactions.hpp"

namespace pcmc::cli {

void print_tx_stats(std::ostream& out, const checker::TxStats& s);

}  // namespace pcmc::cli
