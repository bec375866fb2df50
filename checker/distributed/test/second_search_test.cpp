// The distributed search's second search (two_searches.cpp: it rebuilds the counterexamples'
// paths) under the run's limits: --max-time counts both searches, and after an interrupt that
// stopped the first (with --all, to print what it found) a further signal ends the second. Either
// way the run is incomplete, its violations unprinted (none without its path), never a verdict.
// A tripwire around a small model makes the limits strike at a known point of each search.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "checker/distributed/distributed_search.hpp"
#include "checker/system/forwarding_system.hpp"
#include "checker/system/program_system.hpp"
#include "checker/testing/example_corpus.hpp"
#include "model/exec.hpp"
#include "properties/table.hpp"

using namespace pcmc;

namespace {

// x + y reaches 4 at depth 4 and 5; z keeps the search going for 3 levels past that, so a stop
// asked for when the violation is found is met at a later check of the same search.
const char* const kModel = R"(
scenario trip "an invariant fails four steps in";
int[0..3] x;
int[0..3] y;
int[0..3] z;
thread P0 { x = 1; x = 2; x = 3; }
thread P1 { y = 1; y = 2; }
thread P2 { z = 1; z = 2; z = 3; }
invariant small: x + y < 4;
)";

// Delegates to the model's system. `signals` > 0: the first invariant report on this rank sets
// the interrupt flag and counts that many signals (a Ctrl-C and perhaps another, at a point of
// the first search after the violation is known). `nap`: every expansion of the initial state
// (once per search, on its owner) sleeps that long.
class Tripwire final : public checker::ForwardingSystem {
 public:
  Tripwire(const checker::TransitionSystem& inner, unsigned signals,
           std::chrono::milliseconds nap)
      : ForwardingSystem(inner), signals_(signals), nap_(nap), init_(inner.state_size()) {
    inner.initial_state(init_.data());
  }
  // What the command line's signal handler sets (SearchOptions::interrupt, stop_signals).
  mutable std::atomic<bool> flag{false};
  mutable std::atomic<unsigned> count{0};

  std::unique_ptr<checker::Context> make_context() const override {
    return inner_.make_context();
  }
  unsigned successors(const std::uint8_t* s, unsigned t, checker::Context& ctx,
                      checker::TransitionSink& sink) const override {
    if (t == 0 && nap_.count() > 0 && std::memcmp(s, init_.data(), init_.size()) == 0)
      std::this_thread::sleep_for(nap_);
    return inner_.successors(s, t, ctx, sink);
  }
  void check_state(const std::uint8_t* s, checker::Context& ctx,
                   std::vector<checker::Report>& out) const override {
    const std::size_t before = out.size();
    inner_.check_state(s, ctx, out);
    if (out.size() > before && signals_ > 0 && !tripped_.exchange(true)) {
      count.fetch_add(signals_);
      flag.store(true);
    }
  }
  checker::ExistsMask check_end(const std::uint8_t* s, checker::Context& ctx,
                                std::vector<checker::Report>& out) const override {
    return inner_.check_end(s, ctx, out);
  }

 private:
  unsigned signals_;
  std::chrono::milliseconds nap_;
  std::vector<std::uint8_t> init_;
  mutable std::atomic<bool> tripped_{false};
};

struct Model {
  model::Program program = checker::test::compile_text(kModel);
  model::Executor exec{program, model::ExecOptions{}};
  properties::PropertyTable table = properties::build_property_table(program);
  checker::ProgramSystem sys{exec, table};
};

checker::SearchOptions options(Tripwire& trip) {
  checker::SearchOptions o;
  o.liveness = false;
  o.interrupt = &trip.flag;
  o.stop_signals = &trip.count;
  return o;
}

}  // namespace

TEST_CASE("distributed: an interrupted --all search prints what it found; a second signal "
          "ends that", "[distributed]") {
  const Model m;
  SECTION("one signal: the second search rebuilds the path") {
    Tripwire trip(m.sys, 1, std::chrono::milliseconds(0));
    checker::SearchOptions o = options(trip);
    o.all = true;
    const checker::Result r = distributed::distributed_search(trip, o);
    CHECK(r.incomplete_reason == "interrupted");
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].steps.size() == 4);
    CHECK(r.status == checker::Status::Violated);
  }
  SECTION("two signals: the second search stops, no violation without its path") {
    Tripwire trip(m.sys, 2, std::chrono::milliseconds(0));
    checker::SearchOptions o = options(trip);
    o.all = true;
    const checker::Result r = distributed::distributed_search(trip, o);
    CHECK(r.incomplete_reason == "interrupted; violations were found, their paths not rebuilt");
    CHECK(r.violations.empty());
    CHECK(r.status == checker::Status::Incomplete);
    CHECK(!r.exhaustive);
  }
}

TEST_CASE("distributed: --max-time counts both searches", "[distributed]") {
  // The first search naps 0.6 s and ends within the limit of 1 s; the second naps again and
  // passes it (0.6 s of its own, 1.2 s of the run).
  const Model m;
  Tripwire trip(m.sys, 0, std::chrono::milliseconds(600));
  checker::SearchOptions o = options(trip);
  o.max_seconds = 1.0;
  const checker::Result r = distributed::distributed_search(trip, o);
  CHECK(r.incomplete_reason == "time limit 1 s reached; violations were found, their paths not rebuilt");
  CHECK(r.violations.empty());
  CHECK(r.status == checker::Status::Incomplete);
}
