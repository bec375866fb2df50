// print_dead_stats (dead_stats_format.hpp): one line per local the reduction clears somewhere,
// with the first statements it is cleared before.
#include "checker/cli/dead_stats_format.hpp"

#include "model/liveness.hpp"

namespace pcmc::cli {

void print_dead_stats(std::ostream& out, const model::Program& program,
                      const model::SourceManager& sm) {
  const model::DeadLocals dead(program);
  const auto stats = model::dead_local_stats(program, dead);
  std::size_t shown = 0;
  for (const auto& s : stats) shown += s.dead > 0;
  out << "  dead variables: " << dead.total_bytes() << " bytes cleared over the steps' stops; "
      << shown << " of " << stats.size() << " locals are dead somewhere they may hold a value"
      << (shown ? ":" : "") << "\n";
  for (const auto& s : stats) {
    if (s.dead == 0) continue;
    out << "    " << program.symbols.at(static_cast<std::size_t>(s.symbol)).name << ": dead at "
        << s.dead << " of " << s.stops << " stops (before";
    for (const model::SrcLoc& at : s.where)
      out << " " << (at.file < sm.size() ? sm.file(at.file).path : std::string("?")) << ":"
          << at.line;
    out << (s.dead > s.where.size() ? " ..." : "") << ")\n";
  }
}

}  // namespace pcmc::cli
