#include "checker/cli/check_json.hpp"

#include "checker/cli/library_root.hpp"
#include "checker/cli/por_stats_format.hpp"
#include "traces/render.hpp"

namespace pcmc::cli {

// The `exists` clauses over the quiescent end states, herd7's words: never, sometimes, always;
// "undecided" when the search stopped before it had seen them all (the counts are then of the
// end states seen, and a later one may still satisfy it or not).
const char* exists_word(std::uint64_t hits, std::uint64_t ends, bool exhaustive) {
  if (!exhaustive) return "undecided";
  return hits == 0 ? "never" : hits == ends ? "always" : "sometimes";
}

nlohmann::json run_json(const checker::VariantRun& run, const Scenario& l, const Options& o,
                        const std::vector<std::string>& defines, bool debug_vm) {
  traces::RunInfo info{run.program.scenario, o.scenario, variant_label(defines), debug_vm,
                       defines, run.scenario_hash, o.kernel, o.sets, o.memory_model};
  nlohmann::json j;
  j["schema_version"] = traces::kTraceSchemaVersion;
  j["scenario"] = info.scenario;
  j["file"] = info.file;
  j["variant"] = info.variant;
  j["kernel"] = o.kernel;
  j["memory_model"] = o.memory_model;
  j["debug_vm"] = debug_vm;
  const char* status[] = {"holds", "violated", "incomplete"};
  j["verdict"] = status[static_cast<int>(run.result.status)];
  j["incomplete_reason"] = run.result.incomplete_reason;
  const auto& st = run.result.stats;
  j["stats"] = {{"states", st.states},         {"transitions", st.transitions},
                {"state_bytes", run.program.state_size},
                {"end_states", st.end_states}, {"exists_hits", st.exists_hits},
                {"max_depth", st.max_depth},   {"seconds", st.seconds},
                {"store_bytes", st.store_bytes}, {"peak_rss", st.peak_rss},
                {"store_bytes_per_state",  // the whole visited set over the states stored
                 st.states != 0 ? static_cast<double>(st.store_bytes) / static_cast<double>(st.states) : 0.0},
                {"workers", o.jobs},
                {"por", st.por}, {"ample_states", st.ample_states},
                {"por_off_after", st.por_off_after},
                {"rerun_states", st.rerun_states}, {"rerun_seconds", st.rerun_seconds},
                {"rerun_failed", st.rerun_failed},
                {"sleep", st.sleep}, {"slept", st.slept},
                {"symmetry", st.symmetry}, {"symmetry_classes", st.symmetry_classes},
                {"symmetry_fallback", st.symmetry_fallback},
                {"dead_vars", st.dead_vars},
                {"transactions", st.transactions},
                {"liveness_graph", st.liveness_graph}, {"liveness_cyclic", st.liveness_cyclic},
                {"fallback_states", st.fallback_states},
                {"liveness_rounds", st.liveness_rounds}, {"expanded_fully", st.expanded_fully},
                {"engine", checker::to_string(st.engine)},
                {"compile_seconds", st.compile_seconds}};
  if (st.por_stats) j["stats"]["por_stats"] = por_stats_json(*st.por_stats);
  if (st.tx_stats) {  // docs/transactions-proof.md
    nlohmann::json stops = nlohmann::json::object();
    for (unsigned i = 0; i < checker::kTxStops; ++i)
      stops[checker::to_string(static_cast<checker::TxStop>(i))] = st.tx_stats->stops[i];
    nlohmann::json objects = nlohmann::json::object();
    for (const auto& [name, n] : st.tx_stats->conflicts) objects[name] = n;
    j["stats"]["transaction_stats"] = {{"transactions", st.tx_stats->transactions},
                                       {"merged_steps", st.tx_stats->merged},
                                       {"stops", stops},
                                       {"observed_objects", objects}};
  }
  // --engine auto: when the native module took over in the middle of the search.
  if (st.engine == checker::Engine::Native && st.native_after > 0)
    j["stats"]["native_after_seconds"] = st.native_after;
  // The visited set: with "lossy", "holds" means no violation among the states explored, and
  // omission_bound bounds the probability that some state was omitted (docs/hash-compaction.md).
  if (st.store == checker::StoreMode::HashCompact)
    j["store"] = {{"mode", "hashcompact"}, {"lossy", true},
                  {"signature_bits", st.signature_bits},
                  {"omission_bound", st.omission_bound},
                  {"bound", "birthday: states*(states-1)/2^(signature_bits+1)"}};
  else
    j["store"] = {{"mode", "exact"}, {"lossy", false}};
  j["stats"]["exhaustive"] = run.result.exhaustive;
  // The distributed search (docs/distributed.md): the ranks and each one's figures.
  if (!st.ranks.empty()) {
    j["stats"]["ranks"] = st.ranks.size();
    j["stats"]["path_hops_across"] = st.path_hops_across;
    nlohmann::json per = nlohmann::json::array();
    for (const auto& r : st.ranks)
      per.push_back({{"states", r.states}, {"transitions", r.transitions},
                     {"sent_states", r.sent_states}, {"sent_bytes", r.sent_bytes},
                     {"sent_bytes_per_state",
                      r.states ? static_cast<double>(r.sent_bytes) / static_cast<double>(r.states) : 0.0},
                     {"store_bytes", r.store_bytes}, {"link_bytes", r.link_bytes},
                     {"peak_rss", r.peak_rss},
                     {"seconds", r.seconds}});
    j["stats"]["per_rank"] = per;
  }
  // One entry per exists clause, in declaration order (the unnamed one is named "exists").
  nlohmann::json ex = nlohmann::json::array();
  for (std::size_t i = 0; i < run.program.exists.size(); ++i) {
    const auto& c = run.program.exists[i];
    ex.push_back({{"name", c.name}, {"condition", c.text},
                  {"result", exists_word(st.exists_of(i), st.end_states, run.result.exhaustive)},
                  {"hits", st.exists_of(i)}, {"end_states", st.end_states}});
  }
  j["exists"] = ex;
  // The kernel library and every file the scenario included (docs/language.md, "Includes").
  j["library"] = library_root();
  j["includes"] = nlohmann::json::array();
  for (std::uint32_t i = 1; i < l.sm.size(); ++i) j["includes"].push_back(l.sm.file(i).path);
  nlohmann::json tr = nlohmann::json::array();
  for (const auto& t : run.traces) tr.push_back(traces::to_json(t, info));
  j["violations"] = tr;
  return j;
}

}  // namespace pcmc::cli
