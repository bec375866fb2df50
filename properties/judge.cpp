#include "properties/judge.hpp"

#include <algorithm>

namespace pcmc::properties {

using model::ast::ExpectDecl;
using model::ast::ExpectItem;
using model::ast::ModeSel;
using model::ast::Quantifier;
using model::ast::Verdict;

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

bool mode_matches(ModeSel m, bool debug_vm) {
  return m == ModeSel::Both || (m == ModeSel::Debug) == debug_vm;
}

const char* verdict_word(bool violated) { return violated ? "violated" : "holds"; }

const char* quant_word(Quantifier q) {
  switch (q) {
    case Quantifier::Never: return "never";
    case Quantifier::Sometimes: return "sometimes";
    case Quantifier::Always: return "always";
  }
  return "?";
}

}  // namespace

std::string RunSpec::label() const {
  std::string s;
  for (const auto& d : defines) s += (s.empty() ? "" : "+") + d;
  if (s.empty()) s = "B";
  if (debug_vm) s += " --debug-vm";
  return s;
}

std::vector<RunSpec> runs_to_judge(const std::vector<ExpectDecl>& expects) {
  std::vector<RunSpec> runs;
  auto add = [&](const std::vector<std::string>& defs, bool dbg) {
    RunSpec r{sorted(defs), dbg};
    for (const auto& x : runs)
      if (x.defines == r.defines && x.debug_vm == r.debug_vm) return;
    runs.push_back(r);
  };
  for (const auto& e : expects)
    for (const auto& v : e.variants) {
      if (e.mode != ModeSel::Debug) add(v, false);
      if (e.mode != ModeSel::NoDebug) add(v, true);
    }
  return runs;
}

bool applies(const ExpectDecl& e, const RunSpec& run) {
  if (!mode_matches(e.mode, run.debug_vm)) return false;
  for (const auto& v : e.variants)
    if (sorted(v) == run.defines) return true;
  return false;
}

std::vector<std::string> absent_properties(const std::vector<ExpectDecl>& expects,
                                           const RunSpec& run, const PropertyTable& table,
                                           const std::vector<std::string>& known_names) {
  std::vector<std::string> out;
  for (const ExpectDecl& e : expects) {
    if (!applies(e, run)) continue;
    for (const ExpectItem& it : e.items)
      if (it.kind == ExpectItem::Property && table.find(it.name) == kNoProperty &&
          std::find(known_names.begin(), known_names.end(), it.name) != known_names.end() &&
          std::find(out.begin(), out.end(), it.name) == out.end())
        out.push_back(it.name);
  }
  return out;
}

std::vector<Mismatch> judge(const std::vector<ExpectDecl>& expects, const RunSpec& run,
                            const PropertyTable& table,
                            const std::vector<std::string>& known_names,
                            const Outcome& outcome) {
  std::vector<Mismatch> out;
  std::set<std::string> expected_violated;
  std::set<std::string> expected_holds;  // already reported when violated
  std::set<PropertyClass> expected_violated_classes;
  bool any = false;
  // Some applicable count is pinned under exactly this run's reductions: counts pinned under
  // other reductions (or none) are then not this run's to judge.
  bool pinned_here = false;
  for (const ExpectDecl& e : expects)
    if (applies(e, run))
      for (const ExpectItem& it : e.items)
        if ((it.kind == ExpectItem::States || it.kind == ExpectItem::Transitions) &&
            pinned_under(it.reduced, outcome.reduced, outcome.por_unavailable,
                           outcome.symmetry_unavailable))
          pinned_here = true;
  for (const ExpectDecl& e : expects) {
    if (!applies(e, run)) continue;
    any = true;
    if (!outcome.complete) {
      out.push_back({e.loc, "run " + run.label() + " is incomplete (" +
                                outcome.incomplete_reason + "): it cannot be judged"});
      continue;
    }
    for (const ExpectItem& it : e.items) {
      switch (it.kind) {
        case ExpectItem::Property: {
          bool want = it.verdict == Verdict::Violated;
          if (table.find(it.name) == kNoProperty) {
            bool known = std::find(known_names.begin(), known_names.end(), it.name) !=
                         known_names.end();
            if (!known) {
              out.push_back({it.loc, "no property named '" + it.name + "' in this model"});
            } else if (want) {
              out.push_back({it.loc, "expected " + it.name + " violated, but variant " +
                                         run.label() + " does not contain it"});
            }
            break;
          }
          bool got = outcome.violated.count(it.name) != 0;
          (want ? expected_violated : expected_holds).insert(it.name);
          if (got != want)
            out.push_back({it.loc, "expected " + it.name + " " + verdict_word(want) +
                                       ", but it " + (got ? "is violated" : "holds")});
          break;
        }
        case ExpectItem::Class: {
          PropertyClass c;
          if (!parse_class(it.name, c)) {
            out.push_back({it.loc, "unknown property class '" + it.name + "'"});
            break;
          }
          bool want = it.verdict == Verdict::Violated;
          if (want) expected_violated_classes.insert(c);
          std::vector<std::string> hit;
          for (const auto& p : table.props)
            if (p.cls == c && outcome.violated.count(p.name)) hit.push_back(p.name);
          bool got = !hit.empty();
          if (got != want) {
            std::string msg = std::string("expected class ") + it.name + " " +
                              verdict_word(want) + ", but ";
            if (got) {
              msg += "violated:";
              for (const auto& h : hit) msg += " " + h;
            } else {
              msg += "no property of that class is violated";
            }
            out.push_back({it.loc, msg});
          }
          break;
        }
        case ExpectItem::States:
        case ExpectItem::Transitions:
          if (!pinned_under(it.reduced, outcome.reduced, outcome.por_unavailable,
                           outcome.symmetry_unavailable) &&
              (pinned_here || it.reduced != kDefaultReductions))
            break;
          if (!pinned_under(it.reduced, outcome.reduced, outcome.por_unavailable,
                           outcome.symmetry_unavailable)) {
            out.push_back({it.loc, std::string("the pinned ") +
                                       (it.kind == ExpectItem::States ? "states" : "transitions") +
                                       " are counts of the default reductions (" +
                                       kDefaultReductions + "), but this run applied " +
                                       (outcome.reduced.empty() ? "none" : outcome.reduced) +
                                       " (judge without --por, --liveness off, --symmetry, --transactions or --no-reduce)"});
            break;
          }
          if (it.kind == ExpectItem::Transitions) {
            if (outcome.transitions != static_cast<std::uint64_t>(it.count))
              out.push_back({it.loc, "expected " + std::to_string(it.count) +
                                         " transitions, found " +
                                         std::to_string(outcome.transitions)});
            break;
          }
          if (outcome.states != static_cast<std::uint64_t>(it.count))
            out.push_back({it.loc, "expected " + std::to_string(it.count) + " states, found " +
                                       std::to_string(outcome.states)});
          break;
        case ExpectItem::Exists: {
          const std::string clause = it.name.empty() ? "exists" : it.name;
          const std::string label = it.name.empty() ? "exists" : "exists " + it.name;
          auto found = outcome.exists.find(clause);
          if (found == outcome.exists.end()) {
            out.push_back({it.loc, outcome.exists.empty()
                                       ? std::string("the scenario has no exists clause")
                                       : it.name.empty()
                                       ? std::string("the scenario has no unnamed exists clause "
                                                     "(name one: exists NAME sometimes;)")
                                       : "the scenario has no exists clause named '" + it.name +
                                             "'"});
            break;
          }
          const std::uint64_t hits = found->second;
          bool ok = false;
          switch (it.quant) {
            case Quantifier::Never: ok = hits == 0; break;
            case Quantifier::Sometimes: ok = hits > 0; break;
            case Quantifier::Always: ok = outcome.end_states > 0 && hits == outcome.end_states; break;
          }
          if (it.count >= 0 && hits != static_cast<std::uint64_t>(it.count)) ok = false;
          if (!ok)
            out.push_back({it.loc, "expected " + label + " " + quant_word(it.quant) +
                                       (it.count >= 0 ? " " + std::to_string(it.count) : "") +
                                       ", but it holds in " + std::to_string(hits) + " of " +
                                       std::to_string(outcome.end_states) + " end states"});
          break;
        }
      }
    }
  }
  if (!any) {
    out.push_back({{}, "no expect block applies to " + run.label()});
    return out;
  }
  if (!outcome.complete) return out;
  for (const auto& name : outcome.violated) {
    if (expected_violated.count(name) || expected_holds.count(name)) continue;
    PropertyId id = table.find(name);
    if (id != kNoProperty && expected_violated_classes.count(table.props[id].cls)) continue;
    out.push_back({id != kNoProperty ? table.props[id].loc : model::SrcLoc{},
                   "unexpected violation of " + name + " in " + run.label()});
  }
  return out;
}

}  // namespace pcmc::properties
