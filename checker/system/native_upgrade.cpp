// --engine auto: the background build and the switch (native_upgrade.hpp).
#include "checker/system/native_upgrade.hpp"

#include <chrono>
#include <exception>

namespace pcmc::checker {

NativeUpgrade::NativeUpgrade(const model::Program& program, model::Executor& exec,
                             model::NativeBuildOptions build, double delay_seconds,
                             std::function<void(const Outcome&)> on_switch)
    : on_switch_(std::move(on_switch)) {
  build.cancel = &cancel_;
  thread_ = std::thread([this, &program, &exec, build = std::move(build), delay_seconds] {
    run(program, exec, build, delay_seconds);
  });
}

NativeUpgrade::~NativeUpgrade() { finish(); }

void NativeUpgrade::run(const model::Program& program, model::Executor& exec,
                        model::NativeBuildOptions build, double delay_seconds) {
  const auto start = std::chrono::steady_clock::now();
  {
    std::unique_lock<std::mutex> lock(mu_);
    const auto delay = std::chrono::duration<double>(delay_seconds);
    if (cv_.wait_for(lock, delay, [this] { return stop_; })) return;
  }
  bool report = false;
  try {
    auto module = model::NativeModule::build(program, exec.options(), build);
    outcome_.compile_seconds = module->compile_seconds();
    outcome_.cached = module->cached();
    // The search ended while the module loaded: it ran interpreted; do not claim otherwise.
    if (cancel_.load()) throw model::NativeCancelled();
    exec.set_native(std::move(module));
    outcome_.switched = true;
    outcome_.after_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report = true;
  } catch (const model::NativeCancelled&) {
  } catch (const std::exception& e) {  // a failed compile or load: the interpreter goes on
    outcome_.error = e.what();
    report = true;
  }
  if (report && on_switch_) on_switch_(outcome_);
  std::lock_guard<std::mutex> lock(mu_);
  done_ = true;
  cv_.notify_all();
}

NativeUpgrade::Outcome NativeUpgrade::finish() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cancel_.store(true);
    cv_.notify_all();
    thread_.join();
  }
  return outcome_;
}

void NativeUpgrade::wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return done_ || stop_; });
}

}  // namespace pcmc::checker
