// `--engine auto` (docs/native-engine.md, "auto"): the search starts on the interpreter while a
// background thread, after a delay, builds the native module (from the cache, or by compiling
// the model's C++) and switches the executor to it in the middle of the search
// (model::Executor::set_native, which is safe while other threads step: both engines give the
// same successors, events and footprints step by step, so where the switch falls changes no
// state, count or counterexample). A search that ends before the delay never starts a
// compiler; one that ends while the compiler runs kills it (nothing is cached then).
//
// Thread-safety: the constructor, finish() and the destructor run on the owner's thread; the
// background thread only builds the module and calls exec.set_native() and `on_switch`.
// Ownership: `program` and `exec` must outlive the NativeUpgrade (the destructor joins).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "model/exec.hpp"
#include "model/native.hpp"

namespace pcmc::checker {

class NativeUpgrade {
 public:
  struct Outcome {
    bool switched = false;        // the native module took over
    double after_seconds = 0;     // ... this long after the NativeUpgrade was constructed
    double compile_seconds = 0;   // 0: loaded from the cache, or never built
    bool cached = false;
    std::string error;            // a failed build (the search went on interpreted)
  };

  // Precondition: model::native_supports(exec.options()). `on_switch` (may be empty) is called
  // on the background thread right after the switch, or after a failed build.
  NativeUpgrade(const model::Program& program, model::Executor& exec,
                model::NativeBuildOptions build, double delay_seconds,
                std::function<void(const Outcome&)> on_switch);
  ~NativeUpgrade();
  NativeUpgrade(const NativeUpgrade&) = delete;
  NativeUpgrade& operator=(const NativeUpgrade&) = delete;

  // Stops the background work — before the delay: no build; during a compile: the compiler is
  // killed — waits for it and reports. Idempotent.
  Outcome finish();
  // Blocks until the background work has ended on its own (switched or failed); for tests.
  void wait();

 private:
  void run(const model::Program& program, model::Executor& exec, model::NativeBuildOptions build,
           double delay_seconds);

  std::function<void(const Outcome&)> on_switch_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;             // under mu_: finish() was called
  bool done_ = false;             // under mu_: the background work ended
  std::atomic<bool> cancel_{false};
  Outcome outcome_;               // written by the background thread; read after join
  std::thread thread_;
};

}  // namespace pcmc::checker
