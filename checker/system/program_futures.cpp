// The futures of a Program for the reductions (program_system.hpp): model::NarrowFootprints'
// static parts and keys, the keys evaluated against the state (the current value of each stable
// pointer local), for POR's C1 (may_interfere), lock-aware persistence (cut_future,
// barrier_holders) and the transaction reduction's one-step bound (next_step_bound).
#include <algorithm>
#include <bit>

#include "checker/system/program_system.hpp"

namespace pcmc::checker {

using NF = model::NarrowFootprints;

// The elements [first, last) a narrowed key names in `state` (model/narrow_footprint.hpp): the
// one the thread's local names, or every element when it names none (null or out of range: the
// access would be a model error, widening keeps it sound).
std::pair<std::uint32_t, std::uint32_t> ProgramSystem::key_elements(
    const std::uint8_t* state, unsigned thread, const NF::Key& k) const {
  const std::int64_t r = model::Executor::load(
      state, exec_.program().threads[thread].area_offset + k.origin, k.origin_width);
  if (r >= 1 && r <= static_cast<std::int64_t>(k.count))
    return {static_cast<std::uint32_t>(r - 1), static_cast<std::uint32_t>(r)};
  return {0, k.count};
}

// The key's field of those elements, marked in `bits`.
void ProgramSystem::mark_key(const std::uint8_t* state, unsigned thread,
                             const NF::Key& k, std::uint64_t* bits) const {
  const model::Program& p = exec_.program();
  const auto [first, last] = key_elements(state, thread, k);
  for (std::uint32_t e = first; e < last; ++e)
    for (std::uint32_t b = k.offset + e * k.stride; b < k.offset + e * k.stride + k.width; ++b)
      if (b < p.globals_size) bits[b / 64] |= std::uint64_t{1} << (b % 64);
}

// Whether key `k` meets `fp` as may_interfere's test: a future write meets a read or write of
// the step, a future read meets a write.
bool ProgramSystem::key_meets(const std::uint8_t* state, unsigned thread,
                              const NF::Key& k, const Footprint& fp) const {
  const auto [first, last] = key_elements(state, thread, k);
  const bool write = k.kind == NF::Kind::Write;
  const std::size_t words = std::min(fp.reads.size(), fp.writes.size());
  for (std::uint32_t e = first; e < last; ++e)
    for (std::uint32_t b = k.offset + e * k.stride; b < k.offset + e * k.stride + k.width; ++b) {
      if (b / 64 >= words) continue;
      const std::uint64_t bit = std::uint64_t{1} << (b % 64);
      if ((fp.writes[b / 64] & bit) != 0 || (write && (fp.reads[b / 64] & bit) != 0)) return true;
    }
  return false;
}

// The narrowed future of `thread` at its pc against the step's footprint: a write of the step
// meets a future read or write, or a read of the step meets a future write.
bool ProgramSystem::may_interfere(const std::uint8_t* state, unsigned thread,
                                  const Footprint& fp) const {
  if (exec_.finished(state, thread)) return false;
  const std::uint32_t at = exec_.pc(state, thread);
  if (at >= futures_.code_size(thread)) return true;
  const std::uint64_t* r = narrow_.reads(NF::kFuture, thread, at);
  const std::uint64_t* w = narrow_.writes(NF::kFuture, thread, at);
  const std::size_t words = std::min(narrow_.words(), fp.reads.size());
  for (std::size_t i = 0; i < words; ++i)
    if ((fp.writes[i] & (r[i] | w[i])) != 0 || (fp.reads[i] & w[i]) != 0) return true;
  const auto& keys = narrow_.keys(thread);
  for (const std::uint32_t id : narrow_.keys_at(NF::kFuture, thread, at))
    if (key_meets(state, thread, keys[id], fp)) return true;
  return false;
}

// Whether lock conjunct `conjunct` of barrier `barrier`, narrowed, is closed by `among` for
// `thread` at `at`: every word it may wait on when the thread reaches the barrier — the one its
// stable pointer names now, every element's where some path kills the pointer first — holds a
// thread of `among`. Marks those words in `out->held` when given (call it closed first).
bool ProgramSystem::narrow_closed(const std::uint8_t* state, unsigned thread, std::uint32_t at,
                                  std::size_t barrier, std::size_t conjunct, std::uint64_t among,
                                  CutFuture* out) const {
  const std::int32_t tag = narrow_.lock_tag(thread, barrier, conjunct);
  const auto holds = [&](std::uint32_t offset, std::uint8_t width) {
    if (out != nullptr) {
      for (std::uint32_t b = offset; b < offset + width; ++b)
        out->held[b / 64] |= std::uint64_t{1} << (b % 64);
      return true;
    }
    const std::int64_t v = model::Executor::load(state, offset, width);
    return v >= 1 && v <= 64 && ((among >> (v - 1)) & 1) != 0;
  };
  const auto& places = futures_.barriers(thread)[barrier].conjuncts[conjunct];
  const auto all = [&] {
    for (const auto& lw : places)
      if (!holds(lw.offset, lw.width)) return false;
    return true;
  };
  const std::uint64_t* killed = narrow_.stop_killed_tags(thread, at);
  if (((killed[tag / 64] >> (tag % 64)) & 1) != 0 && !all()) return false;
  const model::Program& p = exec_.program();
  const auto& keys = narrow_.keys(thread);
  bool some = false;
  for (const std::uint32_t id : narrow_.keys_at(NF::kStop, thread, at)) {
    const NF::Key& k = keys[id];
    if (k.kind != NF::Kind::Lock || k.tag != static_cast<std::uint32_t>(tag))
      continue;
    some = true;
    const std::int64_t r =
        model::Executor::load(state, p.threads[thread].area_offset + k.origin, k.origin_width);
    if (r < 1 || r > static_cast<std::int64_t>(k.count)) {
      if (!all()) return false;
      continue;
    }
    if (!holds(k.offset + static_cast<std::uint32_t>(r - 1) * k.stride, k.width)) return false;
  }
  return some || ((killed[tag / 64] >> (tag % 64)) & 1) != 0;
}

// Lock-aware persistence (system.hpp, docs/por.md): the narrowed stop future of the pc, then,
// for each stop site reached, either the barrier is closed — some lock conjunct's every
// possible lock word holds a thread of `among`, a narrowed conjunct's the word its pointer will
// name — and its lock words are `held`, or the thread may get past it and what is reachable from
// the next pc without getting past a barrier is added. Past an open barrier the pointers may have
// changed since `at`: the wide stop futures and conjuncts (model::StaticFootprints) hold there.
bool ProgramSystem::cut_future(const std::uint8_t* state, unsigned thread, std::uint64_t among,
                               CutFuture& out) const {
  const std::size_t words = futures_.words();
  out.reads.assign(words, 0);
  out.writes.assign(words, 0);
  out.held.assign(words, 0);
  if (exec_.finished(state, thread)) return true;
  const std::uint32_t at = exec_.pc(state, thread);
  const std::size_t n = futures_.code_size(thread);
  if (at >= n) return false;
  {
    const std::uint64_t* r = narrow_.reads(NF::kStop, thread, at);
    const std::uint64_t* w = narrow_.writes(NF::kStop, thread, at);
    for (std::size_t i = 0; i < words; ++i) {
      out.reads[i] |= r[i];
      out.writes[i] |= w[i];
    }
    const auto& keys = narrow_.keys(thread);
    for (const std::uint32_t id : narrow_.keys_at(NF::kStop, thread, at)) {
      const NF::Key& k = keys[id];
      if (k.kind == NF::Kind::Lock) continue;
      mark_key(state, thread, k,
               k.kind == NF::Kind::Write ? out.writes.data()
                                                              : out.reads.data());
    }
  }
  const auto add_wide = [&](std::uint32_t pc) {
    const std::uint64_t* r = futures_.stop_reads(thread, pc);
    const std::uint64_t* w = futures_.stop_writes(thread, pc);
    for (std::size_t i = 0; i < words; ++i) {
      out.reads[i] |= r[i];
      out.writes[i] |= w[i];
    }
  };
  const auto& bars = futures_.barriers(thread);
  if (bars.empty()) return true;
  const std::size_t sw = futures_.site_words(thread);
  // Sites reached from `at` (narrowed conjuncts), then sites past an open barrier (wide).
  std::vector<std::uint64_t> seen(sw, 0), todo(sw, 0);
  const std::uint64_t* first = futures_.stop_sites(thread, at);
  const auto wide_closed = [&](const std::vector<model::StaticFootprints::LockWord>& conj) {
    for (const auto& lw : conj) {
      const std::int64_t v = model::Executor::load(state, lw.offset, lw.width);
      if (v < 1 || v > 64 || ((among >> (v - 1)) & 1) == 0) return false;
    }
    return true;
  };
  const auto hold_wide = [&](const std::vector<model::StaticFootprints::LockWord>& conj) {
    for (const auto& lw : conj)
      for (std::uint32_t byte = lw.offset; byte < lw.offset + lw.width; ++byte)
        out.held[byte / 64] |= std::uint64_t{1} << (byte % 64);
  };
  const auto open = [&](std::size_t b) {
    const std::uint32_t next = bars[b].pc + 1;
    if (next >= n) return false;
    add_wide(next);
    const std::uint64_t* s = futures_.stop_sites(thread, next);
    for (std::size_t k = 0; k < sw; ++k) todo[k] |= s[k];
    return true;
  };
  for (std::size_t i = 0; i < sw; ++i)
    for (std::uint64_t m = first[i]; m != 0; m &= m - 1) {
      const std::size_t b = i * 64 + static_cast<std::size_t>(std::countr_zero(m));
      const auto& conjs = bars[b].conjuncts;
      bool closed = false;
      for (std::size_t j = 0; j < conjs.size() && !closed; ++j) {
        if (narrow_.lock_tag(thread, b, j) < 0) {
          if ((closed = wide_closed(conjs[j]))) hold_wide(conjs[j]);
        } else if ((closed = narrow_closed(state, thread, at, b, j, among, nullptr))) {
          narrow_closed(state, thread, at, b, j, among, &out);
        }
      }
      if (!closed && !open(b)) return false;
    }
  for (;;) {
    std::size_t i = 0;
    while (i < sw && (todo[i] & ~seen[i]) == 0) ++i;
    if (i == sw) break;
    const std::uint64_t bits = todo[i] & ~seen[i];
    const std::size_t b = i * 64 + static_cast<std::size_t>(std::countr_zero(bits));
    seen[i] |= bits & -bits;
    const std::vector<model::StaticFootprints::LockWord>* closed = nullptr;
    for (const auto& conj : bars[b].conjuncts)
      if (wide_closed(conj)) {
        closed = &conj;
        break;
      }
    if (closed != nullptr) {
      hold_wide(*closed);
      continue;
    }
    if (!open(b)) return false;
  }
  // Both the cut and the narrowed full future contain every access the thread can make before
  // getting past a closed barrier: so does their intersection. It takes back the precision the
  // wide parts past open barriers lose.
  thread_local std::vector<std::uint64_t> fr, fw;
  const std::uint64_t* nr = narrow_.reads(NF::kFuture, thread, at);
  const std::uint64_t* nw = narrow_.writes(NF::kFuture, thread, at);
  fr.assign(nr, nr + words);
  fw.assign(nw, nw + words);
  const auto& keys = narrow_.keys(thread);
  for (const std::uint32_t id : narrow_.keys_at(NF::kFuture, thread, at))
    mark_key(state, thread, keys[id],
             keys[id].kind == NF::Kind::Write ? fw.data() : fr.data());
  for (std::size_t i = 0; i < words; ++i) {
    out.reads[i] &= fr[i];
    out.writes[i] &= fw[i];
  }
  return true;
}

// A conjunct some thread narrows may be closed by the one lock word its pointer names: any
// thread holding any of its words may close it (an over-approximation: more holders only cost
// time). Other conjuncts are closed only when every possible word holds a thread.
std::uint64_t ProgramSystem::barrier_holders(const std::uint8_t* state) const {
  std::uint64_t out = 0;
  for (std::size_t c = 0; c < conjuncts_.size(); ++c) {
    std::uint64_t m = 0;
    bool all = true;
    for (const auto& lw : conjuncts_[c]) {
      const std::int64_t v = model::Executor::load(state, lw.offset, lw.width);
      if (v < 1 || v > 64) {
        all = false;
        if (!conjunct_narrowed_[c]) break;
        continue;
      }
      m |= std::uint64_t{1} << (v - 1);
    }
    if (all || conjunct_narrowed_[c]) out |= m;
  }
  return out;
}

bool ProgramSystem::next_step_bound(const std::uint8_t* state, unsigned thread,
                                    Footprint& out) const {
  if (exec_.finished(state, thread)) return false;
  const std::uint32_t pc = exec_.pc(state, thread);
  const std::size_t w = narrow_.words();
  const std::uint64_t* sr = narrow_.reads(NF::kStep, thread, pc);
  const std::uint64_t* sw = narrow_.writes(NF::kStep, thread, pc);
  out.reads.assign(sr, sr + w);
  out.writes.assign(sw, sw + w);
  const auto& keys = narrow_.keys(thread);
  for (const std::uint32_t id : narrow_.keys_at(NF::kStep, thread, pc))
    mark_key(state, thread, keys[id],
             keys[id].kind == NF::Kind::Write ? out.writes.data()
                                                                    : out.reads.data());
  out.visible = false;
  out.forks = futures_.step_chooses(thread, pc);
  return true;
}

}  // namespace pcmc::checker
