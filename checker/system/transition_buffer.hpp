// A TransitionSink that copies what it is handed: a system passes a successor's bytes and
// reports for the duration of the call only, so a caller that looks at successors after
// generating them (POR's probe, the transaction wrapper) keeps them here. Record i's state is
// state(i); its reports are reports[rep_begin, rep_end). One thread; cleared by the owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "checker/system/system.hpp"

namespace pcmc::checker {

struct TransitionBuffer : TransitionSink {
  struct Rec {
    std::uint16_t index = 0;
    bool fatal = false;
    std::uint32_t rep_begin = 0, rep_end = 0;
  };
  std::size_t size = 0;  // state size
  std::vector<Rec> recs;
  std::vector<std::uint8_t> bytes;
  std::vector<Report> reports;

  void clear() {
    recs.clear();
    bytes.clear();
    reports.clear();
  }
  const std::uint8_t* state(std::size_t i) const { return bytes.data() + i * size; }
  void on_transition(const Transition& t) override {
    Rec r;
    r.index = t.index;
    r.fatal = t.fatal;
    r.rep_begin = static_cast<std::uint32_t>(reports.size());
    reports.insert(reports.end(), t.reports.begin(), t.reports.end());
    r.rep_end = static_cast<std::uint32_t>(reports.size());
    recs.push_back(r);
    bytes.insert(bytes.end(), t.state, t.state + size);
  }
};

}  // namespace pcmc::checker
