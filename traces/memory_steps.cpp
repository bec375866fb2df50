// What a tso/pso memory model did in one trace step (docs/memory-models.md, "Counterexamples"):
// the stores the step buffered, the store a flush step wrote to memory, and where the step's
// loads of globals came from (the thread's own store buffer, or memory while another CPU still
// buffers a newer value: the stale read a weak-memory race is made of).
#include "traces/trace.hpp"

#include "model/storebuf.h"

namespace pcmc::traces {

namespace {

// "x=1": the global scalar at `offset` with value `v`, in kernel words.
std::string store_text(const model::Program& p, std::uint32_t offset, std::int64_t v) {
  for (const model::Symbol& sym : p.symbols)
    if (sym.thread < 0 && !sym.is_pc && sym.offset == offset)
      return sym.name + "=" + format_value(p, sym.scalar, v);
  return "@" + std::to_string(offset) + "=" + std::to_string(v);
}

const std::uint8_t* buffer_of(const model::Program& p, const std::uint8_t* state, unsigned t) {
  return state + p.sb_offset + t * p.sb_stride;
}

}  // namespace

void describe_memory(const TraceContext& ctx, const std::uint8_t* before,
                     const std::uint8_t* after, unsigned thread, std::int16_t flush,
                     const model::Access* access, TraceStep& ts) {
  const model::Program& p = ctx.program;
  if (p.memory_model == model::MemoryModel::Sc) return;
  const std::uint8_t* sb0 = buffer_of(p, before, thread);
  const std::string cpu = p.threads.at(thread).name;
  if (flush >= 0) {
    const auto j = static_cast<std::uint32_t>(flush);
    ts.flush = store_text(p, pcmc_sb_offset(pcmc_sb_word(sb0, j)), pcmc_sb_value(sb0, j));
    ts.function = "store buffer";
    ts.call_chain.clear();
    ts.file.clear();
    ts.line = ts.col = 0;
    ts.source = "flush " + ts.flush + " (" + cpu + ")";
    ts.events.clear();
    return;
  }
  // The stores the step appended: no step removes entries (only flushes do) and a step appends
  // at the tail (an atomic step appends nothing, unless it is `atomic release`), so the new
  // ones are the tail.
  const std::uint8_t* sb1 = buffer_of(p, after, thread);
  for (std::uint32_t i = pcmc_sb_count(sb0); i < pcmc_sb_count(sb1); ++i)
    ts.buffered.push_back(
        store_text(p, pcmc_sb_offset(pcmc_sb_word(sb1, i)), pcmc_sb_value(sb1, i)));
  if (access == nullptr) return;
  for (const model::Symbol& sym : p.symbols) {
    if (sym.thread >= 0 || sym.is_pc || sym.offset >= p.globals_size) continue;
    const std::uint32_t b = sym.offset;
    if ((access->reads[b / 64] >> (b % 64) & 1) == 0) continue;
    std::int64_t v = 0;
    if (pcmc_sb_lookup(sb0, sym.offset, &v)) {
      ts.reads.push_back(sym.name + "=" + format_value(p, sym.scalar, v) + " from " + cpu +
                         "'s store buffer");
      continue;
    }
    // From memory: listed only when some other CPU still buffers a store to it (a stale read);
    // every other load reads memory, as under sc.
    v = model::Executor::load(before, sym.offset, sym.scalar.width);
    std::string text = sym.name + "=" + format_value(p, sym.scalar, v) + " from memory";
    bool stale = false;
    for (unsigned t = 0; t < p.threads.size(); ++t) {
      std::int64_t newer = 0;
      if (t != thread && pcmc_sb_lookup(buffer_of(p, before, t), sym.offset, &newer)) {
        text += ", " + p.threads[t].name + " has " + sym.name + "=" +
                format_value(p, sym.scalar, newer) + " buffered";
        stale = true;
      }
    }
    if (stale) ts.reads.push_back(text);
  }
}

}  // namespace pcmc::traces
