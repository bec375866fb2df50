// The memory models' part of the executor (docs/memory-models.md): when a thread is finished
// (halted and its store buffer empty) and the flush successors of a step. The stores, loads and
// barriers themselves are in the step (model/exec.cpp, model/exec_eval.cpp); the buffer's
// layout and rules are model/storebuf.h, shared with the native engine.
#include "model/exec.hpp"

#include <cstring>

#include "model/exec_eval.hpp"
#include "model/storebuf.h"

namespace pcmc::model {

const char* to_string(MemoryModel m) {
  switch (m) {
    case MemoryModel::Sc: return "sc";
    case MemoryModel::Tso: return "tso";
    case MemoryModel::Pso: return "pso";
  }
  return "?";
}

bool Executor::finished(const std::uint8_t* state, unsigned thread) const {
  return pc(state, thread) == kPcFinished &&
         (program_->memory_model == MemoryModel::Sc ||
          pcmc_sb_count(state + program_->sb_offset + thread * program_->sb_stride) == 0);
}

// tso/pso: one successor per store-buffer entry of `thread` that may flush, after the
// instruction's successors (`index` continues their numbering). A flush runs no instruction:
// the pc stays, no events.
unsigned Executor::flushes(const std::uint8_t* state, unsigned thread, std::uint16_t pc0,
                           unsigned index, Scratch& scratch, Sink& sink) const {
  const Program& p = *program_;
  const std::uint32_t at = p.sb_offset + thread * p.sb_stride;
  const std::uint32_t n = pcmc_sb_count(state + at);
  const int pso = p.memory_model == MemoryModel::Pso;
  unsigned out = 0;
  auto& buf = scratch.states[0];
  for (std::uint32_t j = 0; j < n; ++j) {
    if (!pcmc_sb_flushable(state + at, j, pso)) continue;
    std::memcpy(buf.data(), state, p.state_size);
    if (scratch.access != nullptr) {
      const std::uint32_t w = pcmc_sb_word(state + at, j);
      interp::mark(scratch.access->writes, p.globals_size, pcmc_sb_offset(w),
                   static_cast<std::uint8_t>(pcmc_sb_width(w)));
    }
    pcmc_sb_flush(buf.data(), buf.data() + at, j);
    Successor succ;
    succ.state = buf.data();
    succ.index = static_cast<std::uint16_t>(index + out++);
    succ.first_pc = pc0;
    succ.main_pc = pc0;
    succ.flush = static_cast<std::int16_t>(j);
    sink.on_successor(succ);
  }
  return out;
}

}  // namespace pcmc::model
