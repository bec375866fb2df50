// The judgement of expectations, on hand-built property tables and outcomes.
#include <catch2/catch.hpp>

#include "properties/judge.hpp"

using namespace pcmc;
using namespace pcmc::properties;
using model::ast::ExpectDecl;
using model::ast::ExpectItem;
using model::ast::ModeSel;
using model::ast::Quantifier;
using model::ast::Verdict;

namespace {

PropertyTable table() {
  PropertyTable t;
  t.props.push_back({"A1", PropertyClass::Debug, "VM_BUG_ON_PAGE", "find_lock_entries", {}, ""});
  t.props.push_back({"A4", PropertyClass::Warn, "WARN_ON", "truncate", {}, ""});
  t.props.push_back({"H_uaf", PropertyClass::Harm, "HARM_ON", "put_page", {}, ""});
  t.props.push_back({"deadlock", PropertyClass::Deadlock, "deadlock", "", {}, ""});
  return t;
}

ExpectItem prop(const std::string& name, Verdict v, std::uint32_t line = 1) {
  ExpectItem it;
  it.kind = ExpectItem::Property;
  it.name = name;
  it.verdict = v;
  it.loc = {0, line, 1};
  return it;
}

ExpectDecl block(std::vector<std::vector<std::string>> variants, ModeSel mode,
                 std::vector<ExpectItem> items) {
  ExpectDecl d;
  d.variants = std::move(variants);
  d.mode = mode;
  d.items = std::move(items);
  return d;
}

}  // namespace

TEST_CASE("runs_to_judge lists each variant and mode once, in order", "[judge]") {
  std::vector<ExpectDecl> e;
  e.push_back(block({{}, {"F3", "F1"}}, ModeSel::Both, {}));
  e.push_back(block({{"F1", "F3"}}, ModeSel::Debug, {}));
  auto runs = runs_to_judge(e);
  REQUIRE(runs.size() == 4);
  CHECK(runs[0].label() == "B");
  CHECK(runs[1].label() == "B --debug-vm");
  CHECK(runs[2].label() == "F1+F3");
  CHECK(runs[3].label() == "F1+F3 --debug-vm");
}

TEST_CASE("applies matches the switch set regardless of order, and the mode", "[judge]") {
  auto d = block({{"F3", "F1"}}, ModeSel::NoDebug, {});
  CHECK(applies(d, RunSpec{{"F1", "F3"}, false}));
  CHECK_FALSE(applies(d, RunSpec{{"F1", "F3"}, true}));
  CHECK_FALSE(applies(d, RunSpec{{"F1"}, false}));
}

TEST_CASE("property expectations: holds and violated both judged", "[judge]") {
  auto t = table();
  Outcome o;
  o.violated = {"A1"};
  std::vector<ExpectDecl> e{block({{}}, ModeSel::Both,
                                  {prop("A1", Verdict::Violated), prop("H_uaf", Verdict::Holds)})};
  CHECK(judge(e, RunSpec{{}, true}, t, {}, o).empty());
  o.violated = {"A1", "H_uaf"};
  auto m = judge(e, RunSpec{{}, true}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message.find("expected H_uaf holds, but it is violated") != std::string::npos);
  o.violated = {};
  m = judge(e, RunSpec{{}, true}, t, {}, o);
  REQUIRE(m.size() == 1);  // a Sometimes that is never reached fails
  CHECK(m[0].message.find("expected A1 violated, but it holds") != std::string::npos);
}

TEST_CASE("an unexpected violation is a mismatch; a class item covers it", "[judge]") {
  auto t = table();
  Outcome o;
  o.violated = {"A4"};
  std::vector<ExpectDecl> e{block({{}}, ModeSel::Both, {prop("A1", Verdict::Holds)})};
  auto m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message.find("unexpected violation of A4") != std::string::npos);
  ExpectItem cls;
  cls.kind = ExpectItem::Class;
  cls.name = "warn";
  cls.verdict = Verdict::Violated;
  e[0].items.push_back(cls);
  CHECK(judge(e, RunSpec{{}, false}, t, {}, o).empty());
}

TEST_CASE("unknown names: a removed assertion holds, a typo is reported", "[judge]") {
  auto t = table();
  Outcome o;
  std::vector<ExpectDecl> e{block({{"F1"}}, ModeSel::Both, {prop("A2", Verdict::Holds)})};
  CHECK(judge(e, RunSpec{{"F1"}, false}, t, {"A2"}, o).empty());
  auto m = judge(e, RunSpec{{"F1"}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message.find("no property named 'A2'") != std::string::npos);
  e[0].items[0].verdict = Verdict::Violated;
  m = judge(e, RunSpec{{"F1"}, false}, t, {"A2"}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message.find("does not contain it") != std::string::npos);
}

TEST_CASE("counts and exists quantifiers", "[judge]") {
  auto t = table();
  Outcome o;
  o.states = 12;
  o.transitions = 20;
  o.end_states = 3;
  o.exists["exists"] = 1;
  ExpectItem states;
  states.kind = ExpectItem::States;
  states.count = 12;
  ExpectItem trans;
  trans.kind = ExpectItem::Transitions;
  trans.count = 21;
  ExpectItem ex;
  ex.kind = ExpectItem::Exists;
  ex.quant = Quantifier::Sometimes;
  std::vector<ExpectDecl> e{block({{}}, ModeSel::Both, {states, trans, ex})};
  auto m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message == "expected 21 transitions, found 20");
  e[0].items[2].quant = Quantifier::Always;
  CHECK(judge(e, RunSpec{{}, false}, t, {}, o).size() == 2);
  e[0].items[2].quant = Quantifier::Never;
  CHECK(judge(e, RunSpec{{}, false}, t, {}, o).size() == 2);
  e[0].items[2].quant = Quantifier::Sometimes;
  e[0].items[2].count = 2;
  CHECK(judge(e, RunSpec{{}, false}, t, {}, o).size() == 2);
}

TEST_CASE("named exists clauses are judged each on its own count", "[judge][exists]") {
  auto t = table();
  Outcome o;
  o.end_states = 4;
  o.exists["reused"] = 0;
  o.exists["reached"] = 4;
  auto item = [](std::string name, Quantifier q, std::int64_t count = -1) {
    ExpectItem it;
    it.kind = ExpectItem::Exists;
    it.name = std::move(name);
    it.quant = q;
    it.count = count;
    return it;
  };
  std::vector<ExpectDecl> e{block({{}}, ModeSel::Both,
                                  {item("reused", Quantifier::Never),
                                   item("reached", Quantifier::Always, 4)})};
  CHECK(judge(e, RunSpec{{}, false}, t, {}, o).empty());
  e[0].items[0].quant = Quantifier::Sometimes;
  auto m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message == "expected exists reused sometimes, but it holds in 0 of 4 end states");
  e[0].items[0] = item("gone", Quantifier::Never);
  m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message == "the scenario has no exists clause named 'gone'");
  e[0].items[0] = item("", Quantifier::Never);  // the unnamed form: none declared here
  m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message.find("no unnamed exists clause") != std::string::npos);
}

TEST_CASE("counts pinned with a reduction are judged by runs with exactly that reduction",
          "[judge]") {
  auto t = table();
  Outcome o;
  o.states = 12;
  o.reduced = kDefaultReductions;
  ExpectItem plain;
  plain.kind = ExpectItem::States;
  plain.count = 30;
  plain.reduced = kDefaultReductions;  // what the parser writes for a plain pin
  ExpectItem sym = plain;
  sym.count = 12;
  sym.reduced = "dead variables, symmetry";
  ExpectItem none = plain;
  none.count = 40;
  none.reduced = "";  // `with none`
  std::vector<ExpectDecl> e{block({{}}, ModeSel::Both, {plain, sym, none})};
  // The default run: the plain pin (30 != 12), not the symmetry one nor the unreduced one.
  auto m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message == "expected 30 states, found 12");
  // With symmetry: the symmetry pin holds, the plain pin is not this run's.
  o.reduced = "dead variables, symmetry";
  CHECK(judge(e, RunSpec{{}, false}, t, {}, o).empty());
  o.states = 13;
  m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message == "expected 12 states, found 13");
  // --no-reduce: the `with none` pin.
  o.reduced = "";
  o.states = 40;
  CHECK(judge(e, RunSpec{{}, false}, t, {}, o).empty());
  // Another reduction, with nothing pinned for it: the plain pin says why it cannot judge.
  o.reduced = "dead variables, por, sleep sets, symmetry";
  m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message.find("counts of the default reductions") != std::string::npos);
  // Without a `with none` pin, a --no-reduce run is told the same.
  e[0].items.pop_back();
  o.reduced = "";
  m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message.find("but this run applied none") != std::string::npos);
}

// A plain pin is the default run's count: dead variables, POR, symmetry and transactions, or
// without POR and transactions where POR cannot apply (tso/pso, more than 64 threads), or without
// symmetry where nothing is interchangeable. A `--por off`, `--symmetry off` or `--transactions
// off` run applies fewer too, but its counts are not the default run's: the plain pin must not
// judge it.
TEST_CASE("plain pins judge a run without POR or symmetry only where they could not apply",
          "[judge]") {
  auto t = table();
  ExpectItem plain;
  plain.kind = ExpectItem::States;
  plain.count = 30;
  plain.reduced = kDefaultReductions;
  std::vector<ExpectDecl> e{block({{}}, ModeSel::Both, {plain})};
  Outcome o;
  o.states = 12;
  o.reduced = "dead variables, symmetry, transactions";
  o.por_unavailable = false;  // --por off
  auto m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message.find("counts of the default reductions") != std::string::npos);
  o.reduced = "dead variables, symmetry";
  o.por_unavailable = true;  // e.g. more than 64 threads: this is the default run
  m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message == "expected 30 states, found 12");
  o.reduced = "dead variables, por, transactions";
  o.por_unavailable = false;
  o.symmetry_unavailable = false;  // --symmetry off
  m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message.find("counts of the default reductions") != std::string::npos);
  o.symmetry_unavailable = true;  // nothing interchangeable: the default run
  m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message == "expected 30 states, found 12");
  o.reduced = "dead variables, por, symmetry";  // --transactions off
  o.symmetry_unavailable = false;
  m = judge(e, RunSpec{{}, false}, t, {}, o);
  REQUIRE(m.size() == 1);
  CHECK(m[0].message.find("counts of the default reductions") != std::string::npos);
  o.reduced = "dead variables";  // tso: neither applies
  o.por_unavailable = true;
  o.symmetry_unavailable = true;
  o.states = 30;
  CHECK(judge(e, RunSpec{{}, false}, t, {}, o).empty());
  o.symmetry_unavailable = false;  // tso with a --symmetry off: not the default run
  CHECK(judge(e, RunSpec{{}, false}, t, {}, o).size() == 1);
}
