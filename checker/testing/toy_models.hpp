// Toy transition systems for the checker's tests (in the style of Stateright's BinaryClock and
// DGraph): each is small enough that its state and transition counts are computed by hand in
// the comment above it, independent of any kernel model.
//
// Property ids: 0 = deadlock, 1 = nontermination, then the model's own from kOwn = 2 on.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "checker/system/system.hpp"

namespace pcmc::checker::toy {

using properties::Property;
using properties::PropertyClass;

inline Property make_property(std::string name, PropertyClass cls) {
  Property p;
  p.name = std::move(name);
  p.cls = cls;
  p.macro = properties::to_string(cls);
  return p;
}

inline constexpr PropertyId kDeadlock = 0;
inline constexpr PropertyId kNontermination = 1;
inline constexpr PropertyId kOwn = 2;

// A system over a typed state S with threads stepping by plain C++ code.
template <class S>
class Toy : public TransitionSystem {
  static_assert(std::is_trivially_copyable_v<S> && std::has_unique_object_representations_v<S>,
                "a toy state must have one byte form");

 public:
  std::size_t state_size() const override { return sizeof(S); }
  unsigned thread_count() const override { return threads_; }
  const std::vector<Property>& properties() const override { return props_; }
  PropertyId deadlock_property() const override { return kDeadlock; }
  PropertyId nontermination_property() const override { return kNontermination; }
  std::unique_ptr<Context> make_context() const override { return std::make_unique<Context>(); }
  void initial_state(std::uint8_t* out) const override { put(out, initial()); }
  bool finished(const std::uint8_t* s, unsigned t) const override { return done(get(s), t); }
  unsigned successors(const std::uint8_t* s, unsigned t, Context&,
                      TransitionSink& sink) const override {
    Emit emit{sink, t};
    step(get(s), t, emit);
    return emit.count;
  }
  void check_state(const std::uint8_t* s, Context&, std::vector<Report>& out) const override {
    invariants(get(s), out);
  }
  ExistsMask check_end(const std::uint8_t* s, Context&, std::vector<Report>& out) const override {
    return end(get(s), out);
  }

  static S get(const std::uint8_t* p) {
    S s;
    std::memcpy(&s, p, sizeof s);
    return s;
  }
  static void put(std::uint8_t* p, const S& s) { std::memcpy(p, &s, sizeof s); }

 protected:
  explicit Toy(unsigned threads, std::vector<Property> own = {}) : threads_(threads) {
    props_.push_back(make_property("deadlock", PropertyClass::Deadlock));
    props_.push_back(make_property("nontermination", PropertyClass::Nontermination));
    for (Property& p : own) props_.push_back(std::move(p));
  }

  // Hands successors of one thread to the sink, numbering them in emission order.
  struct Emit {
    TransitionSink& sink;
    unsigned thread;
    unsigned count = 0;
    void operator()(const S& next, std::vector<Report> reports = {}, bool fatal = false) {
      std::array<std::uint8_t, sizeof(S)> bytes;
      put(bytes.data(), next);
      Transition t;
      t.state = bytes.data();
      t.thread = static_cast<std::uint16_t>(thread);
      t.index = static_cast<std::uint16_t>(count++);
      t.reports = reports;
      t.fatal = fatal;
      sink.on_transition(t);
    }
  };

  virtual S initial() const = 0;
  virtual bool done(const S& s, unsigned t) const = 0;
  virtual void step(const S& s, unsigned t, Emit& emit) const = 0;
  virtual void invariants(const S&, std::vector<Report>&) const {}
  virtual bool end(const S&, std::vector<Report>&) const { return false; }

 private:
  unsigned threads_;
  std::vector<Property> props_;
};

// ---------------------------------------------------------------- counter
// One thread counts 0..n. States n + 1, transitions n, end states 1, depth n.
struct CounterState {
  std::uint32_t v;
};
class Counter final : public Toy<CounterState> {
 public:
  explicit Counter(std::uint32_t n) : Toy(1), n_(n) {}

 private:
  CounterState initial() const override { return {0}; }
  bool done(const CounterState& s, unsigned) const override { return s.v == n_; }
  void step(const CounterState& s, unsigned, Emit& emit) const override {
    if (s.v < n_) emit({s.v + 1});
  }
  std::uint32_t n_;
};

// ---------------------------------------------------------------- counters (with footprints)
// n threads (2 or 3): thread t increments c[t] up to k. Two counters: states (k+1)^2;
// transitions: each of the two threads steps in the k(k+1) states where its counter is below k,
// so 2k(k+1); end states 1; depth 2k. For partial-order reduction (supports_por) the objects of
// a footprint are the counters (bit t = c[t]); no step is visible. With `coupled`, thread 1's
// steps also read c[0], so threads 0 and 1 are dependent while both run (thread 0 writes what
// thread 1 reads). may_interfere is exact: an unfinished thread u's future touches c[u] (and
// c[0] when u = 1, coupled). Counts: por_test.cpp, sleep_test.cpp.
struct CountersState {
  std::uint16_t c[3];
};
class FootprintCounters : public Toy<CountersState> {
 public:
  FootprintCounters(unsigned n, std::uint16_t k, bool coupled = false)
      : Toy(n), k_(k), coupled_(coupled) {}
  bool supports_por() const override { return true; }
  unsigned successors_with_footprint(const std::uint8_t* state, unsigned t, Context& ctx,
                                     TransitionSink& sink, Footprint& fp) const override {
    fp.reads.assign(1, reads_of(t));
    fp.writes.assign(1, std::uint64_t{1} << t);
    fp.visible = false;
    return successors(state, t, ctx, sink);
  }
  bool may_interfere(const std::uint8_t* state, unsigned u, const Footprint& fp) const override {
    if (get(state).c[u] == k_) return false;
    const std::uint64_t r = reads_of(u), w = std::uint64_t{1} << u;
    return (fp.writes.at(0) & (r | w)) != 0 || (fp.reads.at(0) & w) != 0;
  }

 private:
  std::uint64_t reads_of(unsigned t) const {
    return (std::uint64_t{1} << t) | (coupled_ && t == 1 ? 1u : 0u);
  }
  CountersState initial() const override { return {{0, 0, 0}}; }
  bool done(const CountersState& s, unsigned t) const override { return s.c[t] == k_; }
  void step(const CountersState& s, unsigned t, Emit& emit) const override {
    if (s.c[t] == k_) return;
    CountersState n = s;
    ++n.c[t];
    emit(n);
  }
  std::uint16_t k_;
  bool coupled_;
};
// The two-counter toy of the search, store and parallel tests: no footprints, so a system
// without partial-order reduction (sleep_test.cpp relies on that).
class TwoCounters final : public FootprintCounters {
 public:
  explicit TwoCounters(std::uint16_t k) : FootprintCounters(2, k) {}
  bool supports_por() const override { return false; }
};

// ---------------------------------------------------------------- two-thread mutex
// Correct (test-and-set): pc 0 = try (lock free: lock = 1, pc 1; held: spin, a self-loop),
// pc 1 = critical section (release: lock = 0, pc 2), pc 2 = done. State (lock, pcA, pcB):
//   (0,0,0) (1,1,0) (1,0,1) (0,2,0) (0,0,2) (1,2,1) (1,1,2) (0,2,2): 8 states;
//   transitions 2+2+2+1+1+1+1+0 = 10 (the two spins included); end states 1.
// Broken (check, then set): pc 0 = check (free: pc 1; held: spin), pc 1 = set lock = 1, pc 2,
// pc 2 = critical section (release: lock = 0, pc 3), pc 3 = done. All 16 (pcA, pcB) pairs are
// reachable (the lock is determined by them); (2,2) violates mutual exclusion and is not
// expanded; every other state has one successor per thread not at pc 3:
//   transitions = 2 * 12 - 2 = 22; end states 1. Shortest violation: A checks, B checks, A sets,
//   B sets: 4 steps.
struct MutexState {
  std::uint8_t lock;
  std::uint8_t pc[2];
};
inline constexpr PropertyId kMutualExclusion = kOwn;
class Mutex final : public Toy<MutexState> {
 public:
  explicit Mutex(bool broken)
      : Toy(2, {make_property("mutual_exclusion", PropertyClass::Invariant)}), broken_(broken) {}

 private:
  std::uint8_t cs() const { return broken_ ? 2 : 1; }
  MutexState initial() const override { return {0, {0, 0}}; }
  bool done(const MutexState& s, unsigned t) const override { return s.pc[t] == cs() + 1; }
  void step(const MutexState& s, unsigned t, Emit& emit) const override {
    MutexState n = s;
    const std::uint8_t pc = s.pc[t];
    if (pc == 0) {
      if (s.lock != 0) {
        emit(n);  // spin
        return;
      }
      n.pc[t] = 1;
      if (!broken_) n.lock = 1;  // test-and-set is one step
    } else if (pc == 1 && broken_) {
      n.lock = 1;
      n.pc[t] = 2;
    } else if (pc == cs()) {
      n.lock = 0;
      n.pc[t] = pc + 1;
    } else {
      return;  // done
    }
    emit(n);
  }
  void invariants(const MutexState& s, std::vector<Report>& out) const override {
    if (s.pc[0] == cs() && s.pc[1] == cs()) out.push_back({kMutualExclusion, 0xFFFF, 0});
  }
  bool broken_;
};

// ---------------------------------------------------------------- ABBA deadlock
// Thread 0 takes L0 then L1, thread 1 takes L1 then L0; pc 0 acquire first, 1 acquire second,
// 2 release second, 3 release first, 4 done; acquiring a held lock blocks (no successor).
// Of the 25 (pc0, pc1) pairs, 5 break mutual exclusion and (3,3) is unreachable: 19 states.
// Enabled threads summed over them: 22 transitions. One deadlock, (1,1), 2 steps from the start
// (thread 0 then thread 1 in BFS order); end states 1.
struct AbbaState {
  std::uint8_t pc[2];
  std::uint8_t owner[2];  // 0 = free, else thread + 1
};
class Abba final : public Toy<AbbaState> {
 public:
  Abba() : Toy(2) {}

 private:
  AbbaState initial() const override { return {{0, 0}, {0, 0}}; }
  bool done(const AbbaState& s, unsigned t) const override { return s.pc[t] == 4; }
  void step(const AbbaState& s, unsigned t, Emit& emit) const override {
    const unsigned first = t, second = 1 - t;
    const unsigned lock = (s.pc[t] == 0 || s.pc[t] == 3) ? first : second;
    AbbaState n = s;
    switch (s.pc[t]) {
      case 0:
      case 1:
        if (s.owner[lock] != 0) return;  // blocked
        n.owner[lock] = static_cast<std::uint8_t>(t + 1);
        break;
      case 2:
      case 3:
        n.owner[lock] = 0;
        break;
      default:
        return;
    }
    ++n.pc[t];
    emit(n);
  }
};

// ---------------------------------------------------------------- flag wait (livelock)
// Thread 0 waits for a flag: pc 0 = check (set: pc 2, done; clear: pc 1), pc 1 = retry (pc 0).
// Thread 1 finishes in one step, setting the flag if `sets_flag`.
// sets_flag = false: thread 0 retries forever once thread 1 has finished: a fair livelock.
//   States (a in {0,1}) x (b in {0,1}): 4; transitions 4 + 2 = 6; end states 0. Lasso in BFS:
//   stem [thread 1], cycle [thread 0, thread 0] (loop_start 1).
// sets_flag = true: a spin-wait that thread 1 ends; not a fair non-termination (thread 1 is
//   enabled throughout the retry cycle and never steps in it). States 5, transitions 6, end 1.
struct FlagState {
  std::uint8_t a, b, flag;
};
class FlagWait final : public Toy<FlagState> {
 public:
  explicit FlagWait(bool sets_flag) : Toy(2), sets_flag_(sets_flag) {}

 private:
  FlagState initial() const override { return {0, 0, 0}; }
  bool done(const FlagState& s, unsigned t) const override {
    return t == 0 ? s.a == 2 : s.b == 1;
  }
  void step(const FlagState& s, unsigned t, Emit& emit) const override {
    FlagState n = s;
    if (t == 1) {
      if (s.b != 0) return;
      n.b = 1;
      if (sets_flag_) n.flag = 1;
    } else if (s.a == 0) {
      n.a = s.flag != 0 ? 2 : 1;
    } else if (s.a == 1) {
      n.a = 0;
    } else {
      return;
    }
    emit(n);
  }
  bool sets_flag_;
};

// ---------------------------------------------------------------- starvation
// Thread 0 loops lock; unlock until `done` is set; thread 1 sets `done` in one step, but only
// while the lock is free. States: s0 (free), s1 (thread 0 holds; thread 1 disabled), s2 (done
// set), s3 (thread 0 finished): 4 states, 4 transitions, end states 1. {s0, s1} is a weakly fair
// cycle (thread 1 is not continuously enabled), so it is a non-termination under weak fairness
// though not under strong fairness. Lasso: stem [], cycle [thread 0, thread 0].
struct StarveState {
  std::uint8_t a, b, lock, done;
};
class Starvation final : public Toy<StarveState> {
 public:
  Starvation() : Toy(2) {}

 private:
  StarveState initial() const override { return {0, 0, 0, 0}; }
  bool done(const StarveState& s, unsigned t) const override {
    return t == 0 ? s.a == 2 : s.b == 1;
  }
  void step(const StarveState& s, unsigned t, Emit& emit) const override {
    StarveState n = s;
    if (t == 1) {
      if (s.b != 0 || s.lock != 0) return;
      n.b = 1;
      n.done = 1;
    } else if (s.a == 0) {
      if (s.done != 0) {
        n.a = 2;
      } else {
        if (s.lock != 0) return;
        n.lock = 1;
        n.a = 1;
      }
    } else if (s.a == 1) {
      n.lock = 0;
      n.a = 0;
    } else {
      return;
    }
    emit(n);
  }
};

// ---------------------------------------------------------------- explicit graph
// One thread walking a directed graph (Stateright's DGraph): a node's successors are its
// out-edges in list order. A node without out-edges is finished (an end state) unless it is
// `stuck` (a deadlock). Edges may carry a property report (pc = 100 + edge position), fatal as
// its class says; `bad` nodes violate an invariant, `final_bad` end nodes a final condition,
// and `exists` end nodes satisfy the exists condition.
struct GraphSpec {
  struct Edge {
    std::uint32_t from, to;
    int report = -1;  // index into props, or -1
  };
  std::vector<Edge> edges;
  std::vector<Property> props;          // own properties, ids kOwn + index
  std::map<std::uint32_t, int> bad;     // node -> invariant (index into props)
  std::map<std::uint32_t, int> final_bad;
  std::set<std::uint32_t> exists;
  std::set<std::uint32_t> stuck;
};
struct GraphState {
  std::uint32_t node;
};
class Graph final : public Toy<GraphState> {
 public:
  explicit Graph(GraphSpec spec) : Toy(1, spec.props), spec_(std::move(spec)) {}
  bool has_exists() const override { return !spec_.exists.empty(); }

 private:
  static Report report(int prop, std::uint16_t thread, std::uint32_t pc) {
    return Report{kOwn + static_cast<PropertyId>(prop), thread, pc};
  }
  GraphState initial() const override { return {0}; }
  bool done(const GraphState& s, unsigned) const override {
    if (spec_.stuck.count(s.node) != 0) return false;
    for (const auto& e : spec_.edges)
      if (e.from == s.node) return false;
    return true;
  }
  void step(const GraphState& s, unsigned, Emit& emit) const override {
    for (std::size_t i = 0; i < spec_.edges.size(); ++i) {
      const auto& e = spec_.edges[i];
      if (e.from != s.node) continue;
      if (e.report < 0) {
        emit({e.to});
      } else {
        const bool fatal = properties::is_fatal(spec_.props[static_cast<std::size_t>(e.report)].cls);
        emit({e.to}, {report(e.report, 0, static_cast<std::uint32_t>(100 + i))}, fatal);
      }
    }
  }
  void invariants(const GraphState& s, std::vector<Report>& out) const override {
    if (auto it = spec_.bad.find(s.node); it != spec_.bad.end())
      out.push_back(report(it->second, 0xFFFF, 0));
  }
  bool end(const GraphState& s, std::vector<Report>& out) const override {
    if (auto it = spec_.final_bad.find(s.node); it != spec_.final_bad.end())
      out.push_back(report(it->second, 0xFFFF, 0));
    return spec_.exists.count(s.node) != 0;
  }
  GraphSpec spec_;
};

// The diamond 0 -> {1, 2} -> 3, repeated k times (node 3i is the top of diamond i):
// states 3k + 1, transitions 4k, depth 2k, end states 1.
inline GraphSpec diamonds(std::uint32_t k) {
  GraphSpec g;
  for (std::uint32_t i = 0; i < k; ++i) {
    const std::uint32_t top = 3 * i;
    g.edges.push_back({top, top + 1});
    g.edges.push_back({top, top + 2});
    g.edges.push_back({top + 1, top + 3});
    g.edges.push_back({top + 2, top + 3});
  }
  return g;
}

// Three threads, thread t increments c[t] up to k: about (k+1)^3 states, so that k = 30 spans
// several parallel batches. Mixed in: threads 0 and 2 are blocked while c[0] == c[2] == k - 1
// (a deadlock once thread 1 has finished); thread 1 stepping from c[1] == 3 while c[0] == 2
// fires a non-fatal warning; thread 2 stepping at c[2] == c[0] + 5 with c[1] == 7 is fatal; the
// state (k/2, k/3, k/4) violates an invariant. `blocking = false` leaves the deadlock out.
// (parallel_test.cpp checks that all are reachable; hash_compact_test.cpp uses it too.)
struct LatticeState {
  std::uint8_t c[3];
};
class Lattice final : public Toy<LatticeState> {
 public:
  static constexpr PropertyId kWarn = kOwn, kFatal = kOwn + 1, kInv = kOwn + 2;
  explicit Lattice(std::uint8_t k, bool blocking = true)
      : Toy(3, {make_property("warn", properties::PropertyClass::Warn),
                make_property("fatal", properties::PropertyClass::Bug),
                make_property("inv", properties::PropertyClass::Invariant)}),
        k_(k),
        blocking_(blocking) {}

 private:
  LatticeState initial() const override { return {{0, 0, 0}}; }
  bool done(const LatticeState& s, unsigned t) const override { return s.c[t] == k_; }
  void step(const LatticeState& s, unsigned t, Emit& emit) const override {
    if (s.c[t] == k_) return;
    if (blocking_ && t != 1 && s.c[0] == k_ - 1 && s.c[2] == k_ - 1) return;  // blocked
    LatticeState n = s;
    ++n.c[t];
    if (t == 1 && s.c[1] == 3 && s.c[0] == 2) return emit(n, {{kWarn, 1, 11}});
    if (t == 2 && s.c[2] == s.c[0] + 5 && s.c[1] == 7) return emit(n, {{kFatal, 2, 22}}, true);
    emit(n);
  }
  void invariants(const LatticeState& s, std::vector<Report>& out) const override {
    if (s.c[0] == k_ / 2 && s.c[1] == k_ / 3 && s.c[2] == k_ / 4) out.push_back({kInv, 0xFFFF, 0});
  }
  std::uint8_t k_;
  bool blocking_;
};

// The toy systems the search oracles run on (parallel_test.cpp, the store oracles): between them
// every property class, blocking, livelock, diamonds of equal successors, and more states than
// one parallel batch. Owns them; `all()` lists them.
struct ToySet {
  Lattice lattice{30};
  TwoCounters two{150};
  Mutex broken{true};
  Abba abba;
  FlagWait livelock{false};
  Starvation starve;
  Graph diamond{diamonds(6)};
  std::vector<const TransitionSystem*> all() const {
    return {&lattice, &two, &broken, &abba, &livelock, &starve, &diamond};
  }
};

}  // namespace pcmc::checker::toy
