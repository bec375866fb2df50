// Adapts a compiled Program (model/) and its PropertyTable (properties/) to the checker's
// TransitionSystem: executor events become property reports.
//
// Contract: holds references to the Executor and the table, which must outlive it. Thread-safe
// for concurrent use with one Context per worker. With an executor that checks blocks
// (model::ExecOptions::ref_blocks), a step or a condition that crosses a block throws
// BlockCrossing (after the step's successors were handed on): the block-permuting search that
// uses such a system must be abandoned (checker/session/session.cpp falls back).
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>
#include <utility>

#include "checker/system/system.hpp"
#include "model/exec.hpp"
#include "model/footprint.hpp"
#include "model/narrow_footprint.hpp"
#include "properties/table.hpp"

namespace pcmc::checker {

// A reference operation crossed a block of a block-permuted pool (docs/frame-blocks.md):
// what did, for the note.
class BlockCrossing : public std::runtime_error {
 public:
  explicit BlockCrossing(const std::string& where)
      : std::runtime_error("reference arithmetic or order crossed a block: " + where),
        where_(where) {}
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

class ProgramSystem final : public TransitionSystem {
 public:
  ProgramSystem(const model::Executor& exec, const properties::PropertyTable& table);

  std::size_t state_size() const override { return exec_.program().state_size; }
  unsigned thread_count() const override {
    return static_cast<unsigned>(exec_.program().threads.size());
  }
  const std::vector<properties::Property>& properties() const override { return table_.props; }
  PropertyId deadlock_property() const override { return table_.deadlock; }
  PropertyId nontermination_property() const override { return table_.nontermination; }

  std::vector<std::uint32_t> state_parts() const override;
  std::unique_ptr<Context> make_context() const override;
  void initial_state(std::uint8_t* out) const override;
  bool finished(const std::uint8_t* state, unsigned thread) const override {
    return exec_.finished(state, thread);
  }
  unsigned successors(const std::uint8_t* state, unsigned thread, Context& ctx,
                      TransitionSink& sink) const override;
  void check_state(const std::uint8_t* state, Context& ctx,
                   std::vector<Report>& out) const override;
  ExistsMask check_end(const std::uint8_t* state, Context& ctx,
                 std::vector<Report>& out) const override;
  bool has_exists() const override { return !exec_.program().exists.empty(); }

  // Partial-order reduction: objects are the bytes of the globals block; the dynamic footprint
  // comes from the executor (model::Access), the future one from model::NarrowFootprints (the
  // static futures with accesses through a stable pointer local evaluated against the state).
  bool supports_por() const override { return true; }
  unsigned successors_with_footprint(const std::uint8_t* state, unsigned thread, Context& ctx,
                                     TransitionSink& sink, Footprint& fp) const override;
  bool on_loop(const std::uint8_t* state, unsigned thread) const override {
    return !exec_.finished(state, thread) &&
           futures_.on_cycle(thread, exec_.pc(state, thread));
  }
  bool may_interfere(const std::uint8_t* state, unsigned thread,
                     const Footprint& fp) const override;
  bool cut_future(const std::uint8_t* state, unsigned thread, std::uint64_t among,
                  CutFuture& out) const override;
  std::uint64_t barrier_holders(const std::uint8_t* state) const override;
  bool next_step_bound(const std::uint8_t* state, unsigned thread, Footprint& out) const override;
  std::int64_t control_point(const std::uint8_t* state, unsigned thread) const override {
    return exec_.finished(state, thread) ? -1 : std::int64_t{exec_.pc(state, thread)};
  }
  // Diagnostics: objects are named by the program's global symbols (program_objects.cpp).
  void interference(const std::uint8_t* state, unsigned thread, const Footprint& fp,
                    std::vector<std::uint64_t>& objects,
                    std::vector<std::uint64_t>& widened) const override;
  ObjectNames object_names() const override;
  bool holds_lock(const std::uint8_t* state, unsigned thread) const override;

  // tso/pso: some step so far found its store buffer full (model::Scratch::sb_full): states
  // behind that store were not explored, so the search is not exhaustive.
  bool store_buffer_full() const { return sb_full_.load(std::memory_order_relaxed); }

  // The report an executor event maps to (kNoProperty for none).
  PropertyId property_of(const model::Event& e) const;

 private:
  const model::Executor& exec_;
  const properties::PropertyTable& table_;
  mutable std::atomic<bool> sb_full_{false};
  model::StaticFootprints futures_;
  model::NarrowFootprints narrow_;
  // Narrowed keys against `state` (program_futures.cpp).
  std::pair<std::uint32_t, std::uint32_t> key_elements(
      const std::uint8_t* state, unsigned thread, const model::NarrowFootprints::Key& k) const;
  void mark_key(const std::uint8_t* state, unsigned thread, const model::NarrowFootprints::Key& k,
                std::uint64_t* bits) const;
  bool key_meets(const std::uint8_t* state, unsigned thread,
                 const model::NarrowFootprints::Key& k, const Footprint& fp) const;
  bool narrow_closed(const std::uint8_t* state, unsigned thread, std::uint32_t at,
                     std::size_t barrier, std::size_t conjunct, std::uint64_t among,
                     CutFuture* held) const;
  // Diagnostics: the global holder words of locks (thread_t lock words: xa_lock, lock_owner).
  struct Holder {
    std::uint32_t offset;
    std::uint8_t width;
  };
  static std::vector<Holder> holders_of(const model::Program& p);
  std::vector<Holder> holders_;
  // Every distinct lock conjunct of every thread's barriers (model::StaticFootprints), and per
  // conjunct whether some thread narrows it (then any thread holding one of its words may close
  // a barrier: barrier_holders).
  std::vector<std::vector<model::StaticFootprints::LockWord>> conjuncts_;
  std::vector<bool> conjunct_narrowed_;
};

}  // namespace pcmc::checker
