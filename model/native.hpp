// The native engine's loader: compiles the C++ that model/codegen.hpp generates for a Program
// into a shared library (cached by a hash of source, compiler and flags), loads it, checks its
// ABI, and runs its step / eval_cond for model::Executor (docs/native-engine.md).
//
// Contract: a NativeModule is immutable once loaded and may be shared between threads (the
// generated code is reentrant; per-call memory is the caller's Scratch). The library stays
// loaded while the module lives. Library code: failures throw NativeError, never exit().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/exec.hpp"

namespace pcmc::model {

// A compile or load failure. `stderr_path` names the compiler's output when there is one.
class NativeError : public std::runtime_error {
 public:
  NativeError(const std::string& what, std::string stderr_path)
      : std::runtime_error(what), stderr_path_(std::move(stderr_path)) {}
  const std::string& stderr_path() const { return stderr_path_; }

 private:
  std::string stderr_path_;
};

// build() was cancelled (NativeBuildOptions::cancel): the compiler was killed, nothing cached.
class NativeCancelled : public NativeError {
 public:
  NativeCancelled() : NativeError("native module build cancelled", "") {}
};

struct NativeBuildOptions {
  std::string cache_dir;   // empty: native_cache_dir()
  std::string compiler;    // empty: native_compiler()
  std::vector<std::string> extra_flags;  // after the defaults (tests add -Wall -Werror)
  // When set, build() polls it while the compiler runs; once it reads true the compiler is
  // killed, its files are removed and build() throws NativeCancelled (within ~10 ms).
  const std::atomic<bool>* cancel = nullptr;
};

// $PCMC_CACHE, else $XDG_CACHE_HOME/pcmc, else $HOME/.cache/pcmc (else /tmp/pcmc-cache).
std::string native_cache_dir();
// $PCMC_CXX (split on spaces: "ccache g++" works), else the compiler pcmc was configured with,
// else "c++".
std::vector<std::string> native_compiler();
// The flags every module is compiled with (docs/native-engine.md: why -O1); $PCMC_CXXFLAGS
// (split on spaces) is appended after them and after NativeBuildOptions::extra_flags.
std::vector<std::string> native_default_flags();

struct NativeModuleImpl;

class NativeModule {
 public:
  ~NativeModule();
  NativeModule(const NativeModule&) = delete;
  NativeModule& operator=(const NativeModule&) = delete;

  // Generates, compiles (or reuses a cached library) and loads the module of `program` under
  // `options` (native_supports(options) must hold). Throws NativeError.
  static std::shared_ptr<const NativeModule> build(const Program& program,
                                                   const ExecOptions& options,
                                                   const NativeBuildOptions& build = {});

  double compile_seconds() const;  // 0 when the cached library was reused
  bool cached() const;             // the library was already in the cache
  const std::string& library_path() const;
  const ExecOptions& options() const;  // the options the module was generated for

  // Executor::step's native half: `scratch.states[0]` already holds the state, events, access
  // and block_crossed were reset by the caller; a module built with ExecOptions::ref_blocks
  // sets scratch.block_crossed as the interpreter does. Throws std::logic_error on an internal
  // error.
  unsigned step(const Program& program, unsigned thread, std::uint16_t first_pc,
                Scratch& scratch, Sink& sink) const;
  // 0 false, 1 true, 2 model error (kind, value set), 3 not compiled (interpret it). With
  // ref_blocks, sets `*block_crossed` (when not null) to true if the evaluation crossed a block
  // (never to false), as Executor::eval_cond.
  int eval_cond(ExprId cond, const std::uint8_t* state, ModelErrorKind& kind,
                std::int64_t& value, bool* block_crossed = nullptr) const;

 private:
  NativeModule();
  std::unique_ptr<NativeModuleImpl> impl_;
};

}  // namespace pcmc::model
