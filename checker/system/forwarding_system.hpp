// The base of the TransitionSystem decorators (SymmetricSystem, TransactionSystem): every
// virtual that a decorator does not change is forwarded to the inner system here, once, so that
// a virtual added to TransitionSystem later is added here and reaches every decorator, instead
// of silently falling back to TransitionSystem's "not supported" default in the one decorator
// that forgot it (duplicates D1/D7/D10 of 2026-12-07; SymmetricSystem had not forwarded
// control_point).
//
// Not forwarded, so every decorator must define them: make_context, successors, check_state and
// check_end, which take the decorator's own Context (a decorator that has one must unwrap it for
// each call). successors_with_footprint keeps TransitionSystem's default (every step visible,
// sound but no reduction) unless the decorator overrides it.
//
// Contract: holds a reference to the inner system, which must outlive the decorator.
// Thread-safe like the inner system.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/system/system.hpp"

namespace pcmc::checker {

class ForwardingSystem : public TransitionSystem {
 public:
  const TransitionSystem& inner() const { return inner_; }

  std::size_t state_size() const override { return inner_.state_size(); }
  unsigned thread_count() const override { return inner_.thread_count(); }
  const std::vector<properties::Property>& properties() const override {
    return inner_.properties();
  }
  PropertyId deadlock_property() const override { return inner_.deadlock_property(); }
  PropertyId nontermination_property() const override {
    return inner_.nontermination_property();
  }
  std::vector<std::uint32_t> state_parts() const override { return inner_.state_parts(); }
  void initial_state(std::uint8_t* out) const override { inner_.initial_state(out); }
  bool finished(const std::uint8_t* state, unsigned thread) const override {
    return inner_.finished(state, thread);
  }
  bool has_exists() const override { return inner_.has_exists(); }

  bool supports_por() const override { return inner_.supports_por(); }
  bool may_interfere(const std::uint8_t* state, unsigned thread,
                     const Footprint& fp) const override {
    return inner_.may_interfere(state, thread, fp);
  }
  bool on_loop(const std::uint8_t* state, unsigned thread) const override {
    return inner_.on_loop(state, thread);
  }
  bool cut_future(const std::uint8_t* state, unsigned thread, std::uint64_t among,
                  CutFuture& out) const override {
    return inner_.cut_future(state, thread, among, out);
  }
  std::uint64_t barrier_holders(const std::uint8_t* state) const override {
    return inner_.barrier_holders(state);
  }
  bool next_step_bound(const std::uint8_t* state, unsigned thread,
                       Footprint& out) const override {
    return inner_.next_step_bound(state, thread, out);
  }
  std::int64_t control_point(const std::uint8_t* state, unsigned thread) const override {
    return inner_.control_point(state, thread);
  }
  void interference(const std::uint8_t* state, unsigned thread, const Footprint& fp,
                    std::vector<std::uint64_t>& objects,
                    std::vector<std::uint64_t>& widened) const override {
    inner_.interference(state, thread, fp, objects, widened);
  }
  ObjectNames object_names() const override { return inner_.object_names(); }
  bool holds_lock(const std::uint8_t* state, unsigned thread) const override {
    return inner_.holds_lock(state, thread);
  }

 protected:
  explicit ForwardingSystem(const TransitionSystem& inner) : inner_(inner) {}

  const TransitionSystem& inner_;
};

}  // namespace pcmc::checker
