// `pcmc check --reduce-stats`: which locals the dead-variable reduction (model/liveness.hpp)
// clears and where, for people on stdout.
#pragma once

#include <ostream>

#include "model/program.hpp"
#include "model/source.hpp"

namespace pcmc::cli {

void print_dead_stats(std::ostream& out, const model::Program& program,
                      const model::SourceManager& sm);

}  // namespace pcmc::cli
