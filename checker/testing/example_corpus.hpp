// Shared by the reduction oracle tests (por_test.cpp, symmetry_test.cpp, frame_*_test.cpp): the
// scenario corpus (every example except quarantine/ and the scale benchmarks under scaled/ and
// classic/large/, and every kernel library test), parsing with the library on the include path,
// the oracles' search options, the summary of a run that the oracles compare, and the check that
// every counterexample replays on the unreduced system.
#pragma once

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checker/system/program_system.hpp"
#include "checker/session/session.hpp"
#include "checker/testing/replay.hpp"
#include "model/compile.hpp"
#include "model/constant_sets.hpp"
#include "model/parser.hpp"
#include "properties/judge.hpp"
#include "model/test/source_dir.hpp"

namespace pcmc::checker::test {

struct Summary {
  checker::Status status;
  std::uint64_t states, transitions, end_states, exists_hits;
  std::set<std::string> violated;
};

// The reduction oracles' search: the safety search (the reductions need liveness off), `all`
// or first-violation mode, at most `cap` states; the caller turns its reduction on.
inline checker::SearchOptions safety_options(bool all, std::uint64_t cap) {
  checker::SearchOptions o;
  o.liveness = false;
  o.all = all;
  o.max_states = cap;
  return o;
}

// The symmetry oracles' search (symmetry_test.cpp, frame_*_test.cpp, frame_random_oracle.hpp):
// safety_options with symmetry on or off, and POR on for the tests of both together.
inline checker::SearchOptions symmetry_options(bool symmetry, bool all, std::uint64_t cap,
                                               bool por = false) {
  checker::SearchOptions o = safety_options(all, cap);
  o.symmetry = symmetry;
  o.por = por;
  return o;
}

inline Summary summary(const checker::VariantRun& r) {
  Summary s{r.result.status, r.result.stats.states, r.result.stats.transitions,
            r.result.stats.end_states, r.result.stats.exists_hits, {}};
  for (const auto& c : r.result.violations) s.violated.insert(r.table.props.at(c.property).name);
  return s;
}

// The counterexamples of `r` as (thread, successor index) paths: equal paths are the same
// counterexamples step by step.
inline std::vector<std::vector<std::pair<int, int>>> step_paths(const checker::Result& r) {
  std::vector<std::vector<std::pair<int, int>>> paths;
  for (const auto& c : r.violations) {
    std::vector<std::pair<int, int>> path;
    for (const auto& s : c.steps) path.emplace_back(s.thread, s.index);
    paths.push_back(path);
  }
  return paths;
}

// Every counterexample of `r` replays on the unreduced system (ProgramSystem::successors) to a
// violation of its property.
inline void require_replays(const checker::VariantRun& r) {
  const checker::ProgramSystem sys(*r.exec, r.table);
  REQUIRE(r.traces.size() == r.result.violations.size());  // traces/ replayed them as well
  for (const auto& c : r.result.violations) {
    INFO("counterexample of " << r.table.props.at(c.property).name);
    CHECK(check_counterexample(sys, c) == "");
  }
}

// The corpus in two tiers, so that the routine suite (.ci/run) stays inside CI's time budget on a
// 2-core machine. The long tier holds the examples whose every-variant oracle runs take minutes
// each: the two largest seed scenarios (C-R2 and C-stress: 33 expected runs, ~400 k pinned states
// between them; the smaller seeds cover the same kernel library functions), the scaled family and
// the large sizes of the classic models (examples/classic/large/, 0.2-20 M states each).
// Every "every example" oracle has one test per tier; the long one's name ends in "(long tier)",
// and .ci/run runs it only with PCMC_LONG_TESTS=1 (README.md, "Testing").
enum class Tier { routine, long_tier, both };

inline bool in_long_tier(const std::string& path) {
  return path.find("/examples/scaled/") != std::string::npos ||
         path.find("/examples/classic/large/") != std::string::npos ||
         path.ends_with("/examples/seed/c-r2.pcm") || path.ends_with("/examples/seed/c-stress.pcm");
}

// Lower bounds on the expected runs (variant x mode) the oracles visit in each tier (about 200 and
// 48 when this was written), so that a corpus or runs_to_judge() that silently shrinks fails them.
constexpr unsigned kRoutineRuns = 150, kLongRuns = 30;

inline std::vector<std::string> of_tier(const std::vector<std::string>& files, Tier tier) {
  std::vector<std::string> out;
  for (const std::string& f : files)
    if (tier == Tier::both || in_long_tier(f) == (tier == Tier::long_tier)) out.push_back(f);
  return out;
}

inline std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  for (const char* dir : {"/examples", "/model/kernel"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(PCMC_SOURCE_DIR +
                                                                       std::string(dir))) {
      const std::string p = e.path().string();
      // include/: the bodies that the scenarios of a folder include (examples/classic/).
      if (e.path().extension() != ".pcm" || p.find("/quarantine/") != std::string::npos ||
          (std::string(dir) == "/examples" && p.find("/include/") != std::string::npos) ||
          p.find("/scaled/") != std::string::npos ||
          p.find("/classic/large/") != std::string::npos)
        continue;
      if (std::string(dir) == "/model/kernel" && p.find("/test/") == std::string::npos) continue;
      files.push_back(p);
    }
  std::sort(files.begin(), files.end());
  return files;
}

inline model::ast::Model parse(model::SourceManager& sm, const std::string& file) {
  model::ParseOptions po;
  po.include_path.push_back(PCMC_SOURCE_DIR + "/model/kernel");
  po.include_path.push_back(PCMC_SOURCE_DIR + "/model");
  return model::parse_file(sm, file, po);
}

// A Program compiled from model text, or from a file (with the library include path).
inline model::Program compile_text(const std::string& text,
                                   const std::vector<std::string>& defines = {}) {
  model::SourceManager sm;
  const model::ast::Model ast = model::parse_text(sm, "t.pcm", text, model::ParseOptions{});
  model::CompileOptions co;
  co.defines = defines;
  return model::compile(ast, sm, co);
}

inline model::Program compile_file(const std::string& file,
                                   const std::vector<std::string>& defines = {}) {
  model::SourceManager sm;
  const model::ast::Model ast = parse(sm, file);
  model::CompileOptions co;
  co.defines = defines;
  return model::compile(ast, sm, co);
}

// The sizes a file is judged at: no --set first, then the values of each distinct
// `expect set NAME=VALUE ...` block (docs/language.md), as ctest adds one judge run per set.
inline std::vector<model::ConstantSets> expected_sets(const std::string& file) {
  model::SourceManager sm;
  model::ParseOptions po;
  po.include_path.push_back(PCMC_SOURCE_DIR + "/model/kernel");
  po.include_path.push_back(PCMC_SOURCE_DIR + "/model");
  po.every_expect = true;
  std::vector<model::ConstantSets> out{{}};
  for (const auto& e : model::parse_file(sm, file, po).expects) {
    model::ConstantSets s = e.sets;
    std::sort(s.begin(), s.end());
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

// parse() with --set values applied (the file's program at that size).
inline model::ast::Model parse_at(model::SourceManager& sm, const std::string& file,
                                  const model::ConstantSets& sets) {
  model::ParseOptions po;
  po.include_path.push_back(PCMC_SOURCE_DIR + "/model/kernel");
  po.include_path.push_back(PCMC_SOURCE_DIR + "/model");
  po.sets = sets;
  model::ast::Model ast = model::parse_file(sm, file, po);
  model::apply_sets(ast, sets);
  return ast;
}

inline std::string sets_label(const model::ConstantSets& sets) {
  std::string s;
  for (const auto& [n, v] : sets) s += " --set " + n + "=" + std::to_string(v);
  return s;
}

// Calls fn(file, ast, sm, spec) for every (size, variant, mode) that the expect blocks of each
// file name — one baseline run for a file without expect blocks — as `pcmc check --judge` runs
// them (and ctest, once per `expect set` size).
template <class Fn>
void for_each_expected_run(const std::vector<std::string>& files, Fn fn) {
  for (const std::string& file : files)
    for (const model::ConstantSets& sets : expected_sets(file)) {
      model::SourceManager sm;
      const model::ast::Model ast = parse_at(sm, file, sets);
      std::vector<properties::RunSpec> runs = properties::runs_to_judge(ast.expects);
      if (runs.empty() && !sets.empty()) continue;
      if (runs.empty()) runs.push_back({});
      for (const auto& spec : runs) {
        INFO(file << sets_label(sets) << " " << spec.label());
        fn(file, ast, sm, spec);
      }
    }
}

}  // namespace pcmc::checker::test
