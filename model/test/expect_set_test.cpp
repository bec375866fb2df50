// `expect set NAME=VALUE ... B { }` blocks (docs/language.md, "Expected verdicts"): kept only by
// a parse whose --set values (ParseOptions::sets, a later set of a name winning) are exactly the
// block's; a block without `set` only by a parse without --set.
#include <catch2/catch.hpp>

#include <string>

#include "model/parser.hpp"

using namespace pcmc::model;

namespace {

ast::Model parse(const std::string& text, std::vector<std::pair<std::string, std::int64_t>> sets) {
  SourceManager sm;
  ParseOptions o;
  o.sets = std::move(sets);
  return parse_text(sm, "scenario.pcm", text, o);
}

const char* const kSrc =
    "switch F1;\n"
    "switch set;\n"
    "expect B { states 1; }\n"
    "expect set HPAGE_PMD_NR=8 B, F1 nodebug { states 2; }\n"
    "expect set HPAGE_PMD_NR=8 NR_SLOTS=16 B { states 3; }\n"
    "expect set NR_SLOTS=-2 B { states 4; }\n"
    "expect set debug { states 5; }\n";  // `set` not followed by NAME '=': the switch `set`

std::vector<std::int64_t> counts(const ast::Model& m) {
  std::vector<std::int64_t> c;
  for (const auto& e : m.expects) c.push_back(e.items.at(0).count);
  return c;
}

}  // namespace

TEST_CASE("expect set: a block is kept only for exactly its --set values", "[expect]") {
  CHECK(counts(parse(kSrc, {})) == std::vector<std::int64_t>{1, 5});
  CHECK(counts(parse(kSrc, {{"HPAGE_PMD_NR", 8}})) == std::vector<std::int64_t>{2});
  // Order does not matter; a later set of the same name wins.
  CHECK(counts(parse(kSrc, {{"NR_SLOTS", 16}, {"HPAGE_PMD_NR", 8}})) ==
        std::vector<std::int64_t>{3});
  CHECK(counts(parse(kSrc, {{"HPAGE_PMD_NR", 4}, {"NR_SLOTS", 16}, {"HPAGE_PMD_NR", 8}})) ==
        std::vector<std::int64_t>{3});
  CHECK(counts(parse(kSrc, {{"NR_SLOTS", -2}})) == std::vector<std::int64_t>{4});
  CHECK(counts(parse(kSrc, {{"HPAGE_PMD_NR", 16}})).empty());
}

TEST_CASE("expect set: the block records its values and the variants after them", "[expect]") {
  ast::Model m = parse(kSrc, {{"HPAGE_PMD_NR", 8}});
  REQUIRE(m.expects.size() == 1);
  CHECK(m.expects[0].sets == std::vector<std::pair<std::string, std::int64_t>>{{"HPAGE_PMD_NR", 8}});
  CHECK(m.expects[0].variants ==
        std::vector<std::vector<std::string>>{{}, {"F1"}});
  ast::Model plain = parse(kSrc, {});
  REQUIRE(plain.expects.size() == 2);
  CHECK(plain.expects[1].variants == std::vector<std::vector<std::string>>{{"set"}});
}

TEST_CASE("expect set: malformed blocks are errors at their location", "[expect]") {
  auto error_of = [](const std::string& text) {
    try {
      parse(text, {});
    } catch (const CompileError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("expect set N=1 N=2 B { states 1; }\n").find("'N' is set twice") !=
        std::string::npos);
  CHECK(error_of("expect set N=x B { states 1; }\n").find("an integer value for N") !=
        std::string::npos);
}
