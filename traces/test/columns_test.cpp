// CPU-column rendering: golden files for the basics examples, and the width contract.
#include <catch2/catch.hpp>

#include "traces/columns.hpp"
#include "traces/test/fixture.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
using traces::test::check_golden;

namespace {

std::size_t display_width(const std::string& line) {
  std::size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

void check_width(const std::string& text, unsigned width) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    INFO(line);
    CHECK(display_width(line) <= width);
  }
}

}  // namespace

TEST_CASE("columns: lost_update, 80 and 100 wide", "[columns]") {
  traces::test::Scenario s("lost_update");
  traces::Trace t = traces::test::lost_update_trace(s);
  std::string c80 = traces::render_columns(t, 80), c100 = traces::render_columns(t, 100);
  check_golden("lost_update.80.txt", c80);
  check_golden("lost_update.100.txt", c100);
  check_width(c80, 80);
  check_width(c100, 100);
  CHECK(c80.find("    CPU0 (P0)") == 0);
  CHECK(c80.find("=> final both_counted fails: counter == 2 (counter=1)") != std::string::npos);
}

TEST_CASE("columns: abba_deadlock wraps long statements and the deadlock line", "[columns]") {
  traces::test::Scenario s("abba_deadlock");
  std::string c = traces::render_columns(traces::test::abba_trace(s), 80);
  check_golden("abba_deadlock.80.txt", c);
  check_width(c, 80);
  CHECK(c.find(PCMC_SOURCE_DIR) == std::string::npos);  // base names only
}

TEST_CASE("columns: livelock marks where the cycle starts", "[columns]") {
  traces::test::Scenario s("livelock");
  std::string c = traces::render_columns(traces::test::livelock_trace(s), 80);
  check_golden("livelock.80.txt", c);
  check_width(c, 80);
  CHECK(c.find("---- the steps below repeat forever ----") < c.find("\n  8 "));
  CHECK(c.find("=> nontermination: T never finishes: steps 8..12 repeat forever") !=
        std::string::npos);
}

TEST_CASE("columns: an assertion is summarised as the kernel prints it", "[columns]") {
  traces::Trace t;
  t.property = "A3";
  t.cls = "debug";
  t.macro = "VM_BUG_ON_PAGE";
  t.text = "PageTail(page)";
  t.function = "truncate_inode_page";
  CHECK(traces::violation_summary(t) ==
        "VM_BUG_ON_PAGE(PageTail(page)) A3 fires in truncate_inode_page()");
  CHECK(traces::render_columns(t, 80) ==
        "=> VM_BUG_ON_PAGE(PageTail(page)) A3 fires in truncate_inode_page()\n");
}

TEST_CASE("columns: a narrow column wraps without losing text", "[columns]") {
  traces::Trace t;
  t.property = "x";
  t.cls = "final";
  for (unsigned th = 0; th < 4; ++th) {
    traces::TraceStep st;
    st.thread = th;
    st.thread_name = "T" + std::to_string(th);
    st.source = "truncate_inode_pages_range(mapping, lstart, lend_which_is_long);";
    st.changes.push_back({"mapping.nrpages", "4", "0"});
    t.steps.push_back(st);
  }
  std::string c = traces::render_columns(t, 60);
  check_width(c, 60);
  CHECK(c.find("CPU3 (T3)") != std::string::npos);
  CHECK(c.find("lstart,") != std::string::npos);  // words that fit are never split
}
