// The native engine's code generator: one Program (and the ExecOptions that change its
// semantics) as one self-contained C++ translation unit that implements Executor::step for
// every thread and Executor::eval_cond for every invariant, final and exists condition, with
// every offset, width, stride, count, range and constant baked in (docs/native-engine.md).
//
// The generated code speaks the C ABI of model/native_abi.h; model/native.hpp compiles and
// loads it. The interpreter (model/exec.cpp) is the oracle: the generated step must produce the
// same successors (bytes, index, fatal, first_pc, main_pc, events) and, with Scratch::access,
// the same footprint (model/test/native_oracle_test.cpp).
//
// Contract: pure functions of their arguments; thread-safe.
#pragma once

#include <string>

#include "model/exec.hpp"
#include "model/program.hpp"

namespace pcmc::model {

// The single place that decides whether the native engine implements `options`: false (and
// `why` set) for any option it does not implement, so the caller runs the interpreter instead.
// A new ExecOptions field must be decided here (a static_assert in codegen.cpp fails until it
// is).
bool native_supports(const ExecOptions& options, std::string* why = nullptr);

// The translation unit (only <cstdint> and <cstring> included). Throws std::logic_error on an
// internal inconsistency of the Program (a bad id, an unknown op, a scalar width not 1, 2 or 4)
// and std::invalid_argument when !native_supports(options).
std::string generate_native_source(const Program& program, const ExecOptions& options);

}  // namespace pcmc::model
