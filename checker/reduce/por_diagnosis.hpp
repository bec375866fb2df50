// Counts for PorStats (por_stats.hpp): fed by the search at each expansion when
// SearchOptions::por_stats is set, never otherwise (the search pays one pointer test).
//
// Contract: one PorDiagnosis per worker; merge() the workers' into one at the end. full() reads
// the probe's footprints of the state being expanded (already probed by candidates(): it runs
// no step the search would not run) and the system's static futures; it changes nothing the
// search sees.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/reduce/por.hpp"
#include "checker/reduce/por_stats.hpp"
#include "checker/system/system.hpp"

namespace pcmc::checker::detail {

class PorDiagnosis {
 public:
  // `locks`: conflicts are counted against the futures cut at the barriers t keeps closed
  // (SearchOptions::por_locks; the search's own check also needs no cut future to write a held
  // lock word, which the diagnosis does not repeat).
  explicit PorDiagnosis(const TransitionSystem& sys, bool locks = false);

  void reduced() { ++s_.reduced; }
  // Candidates passed C0–C2 but C3 refused them all.
  void proviso() {
    ++s_.full;
    ++s_.proviso;
  }
  // A state expanded fully without candidates: `why` is what candidates() said per thread.
  void full(PorProbe& probe, const std::uint8_t* state, Context& ctx,
            const PorProbe::Outcome* why);
  void merge(const PorDiagnosis& other);
  // The counts, with the `top` most frequent objects and fields.
  PorStats result(std::size_t top) const;

 private:
  const TransitionSystem& sys_;
  bool locks_ = false;
  TransitionSystem::CutFuture cut_;
  ObjectNames names_;
  std::vector<std::uint64_t> lock_bits_;  // objects that are lock words
  std::vector<std::uint64_t> slot_bits_;  // objects that are array slots
  PorStats s_;  // counts only (objects and fields are filled by result())
  std::vector<std::uint64_t> name_states_, name_widened_, field_states_, field_widened_;
  // Per state scratch: union of the conflicts and of their widened part; stamps dedup names.
  std::vector<std::uint64_t> objs_, wide_, t_objs_, t_wide_, state_objs_, state_wide_;
  std::vector<std::uint64_t> name_seen_, field_seen_, name_wseen_, field_wseen_;
  std::uint64_t stamp_ = 0;
};

}  // namespace pcmc::checker::detail
