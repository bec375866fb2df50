// The fix matrix (checker/session/matrix.hpp): --variants parsing, and the table of lost_update over
// its baseline and its LOCKED fix, whose verdicts the scenario's expect blocks state.
#include <catch2/catch.hpp>

#include "checker/session/matrix.hpp"
#include "model/parser.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
using checker::parse_variants;

TEST_CASE("variants list: semicolons between variants, plus between switches, B the baseline", "[matrix]") {
  using V = std::vector<std::vector<std::string>>;
  CHECK(parse_variants("B; F1; F1+F3; F1+F4") == V{{}, {"F1"}, {"F1", "F3"}, {"F1", "F4"}});
  CHECK(parse_variants(" B ;F1 + F3;") == V{{}, {"F1", "F3"}});
  CHECK_THROWS_AS(parse_variants("B;;F1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_variants("F1+"), std::invalid_argument);
  CHECK_THROWS_AS(parse_variants(""), std::invalid_argument);
}

TEST_CASE("lost_update: both_counted violated in B, holds with LOCKED", "[matrix]") {
  model::SourceManager sm;
  model::ParseOptions po;
  po.include_path.push_back(PCMC_SOURCE_DIR + "/model");
  auto ast = model::parse_file(sm, PCMC_SOURCE_DIR + "/examples/basics/lost_update.pcm", po);
  checker::Matrix m = checker::compute_matrix(ast, sm, parse_variants("B; LOCKED"), {false, true},
                                              checker::SearchOptions{});
  CHECK(m.scenario == "lost_update");
  REQUIRE(m.columns.size() == 4);
  CHECK(m.columns[0].label == "B");
  CHECK(m.columns[1].label == "B dbg");
  CHECK(m.columns[2].label == "LOCKED");
  CHECK(m.columns[0].stats.states == 12);
  CHECK(m.columns[2].stats.states == 16);
  REQUIRE(m.rows.size() == 1);  // the scenario names one property; nothing else is violated
  const checker::MatrixRow& row = m.rows[0];
  CHECK(row.property == "both_counted");
  CHECK(row.cls == "final");
  using checker::Cell;
  CHECK(row.cells == std::vector<Cell>{Cell::Violated, Cell::Violated, Cell::Holds, Cell::Holds});
  REQUIRE(row.trace[0] >= 0);
  CHECK(m.columns[0].traces[static_cast<std::size_t>(row.trace[0])].steps.size() == 4);
  CHECK(row.trace[2] == -1);
}

TEST_CASE("a run cut short gives 'unknown', not 'holds'", "[matrix]") {
  model::SourceManager sm;
  model::ParseOptions po;
  auto ast = model::parse_file(sm, PCMC_SOURCE_DIR + "/examples/basics/lost_update.pcm", po);
  checker::SearchOptions few;
  few.max_states = 3;
  checker::Matrix m = checker::compute_matrix(ast, sm, parse_variants("LOCKED"), {false}, few);
  REQUIRE(m.rows.size() == 1);
  CHECK(m.rows[0].cells[0] == checker::Cell::Unknown);
  CHECK_FALSE(m.columns[0].incomplete_reason.empty());
}

TEST_CASE("an assertion a variant removes is 'absent' there, not 'holds'", "[matrix][absent]") {
  model::SourceManager sm;
  auto ast = model::parse_text(sm, "absent.pcm",
                               "switch F1 \"drop the check\";\n"
                               "int[0..2] g;\n"
                               "thread P0 { g = 1; if (!F1) { A1: BUG_ON(g == 2); } }\n"
                               "thread P1 { g = 2; }\n",
                               {});
  checker::Matrix m = checker::compute_matrix(ast, sm, parse_variants("B; F1"), {false},
                                              checker::SearchOptions{});
  REQUIRE(m.rows.size() == 1);
  CHECK(m.rows[0].property == "A1");
  using checker::Cell;
  CHECK(m.rows[0].cells == std::vector<Cell>{Cell::Violated, Cell::Absent});
  CHECK(std::string(checker::to_string(Cell::Absent)) == "absent");
}
