// CPU-column rendering of a trace, the way kernel developers draw races in mail and commit
// messages: one column per thread ("CPU0 (P0)", "CPU1 (P1)", by thread id), one row group per
// step in its thread's column (the step number in the left margin), the functions entered as
// "name()" lines and the statement indented under them, the shared fields changed and the
// events raised under the statement, and the violation at the bottom:
//
//        CPU0 (P0)                             CPU1 (P1)
//        ------------------------------------  ------------------------------------
//     1  inc()
//          tmp = counter;
//     2                                        inc()
//                                                tmp = counter;
//     ...
//   => final both_counted fails: counter == 2 (counter=1)
//
// Contract: every line is at most `width` columns (code points; U+2192 counts one) as long as a
// column is at least 12 wide; longer text wraps onto continuation lines indented two more.
// Comments and runs of blanks in the source text are dropped. Paths are shown as base names, so
// the output does not depend on where the scenario lives (golden tests rely on it).
#pragma once

#include <string>

#include "traces/trace.hpp"

namespace pcmc::traces {

inline constexpr unsigned kDefaultColumnsWidth = 80;

std::string render_columns(const Trace& t, unsigned width = kDefaultColumnsWidth);

// The bottom line(s) alone: "=> VM_BUG_ON_PAGE(PageTail(page)) A3 fires in truncate_inode_page()"
std::string violation_summary(const Trace& t);

}  // namespace pcmc::traces
