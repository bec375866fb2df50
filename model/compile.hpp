// The compiler: checks a parsed model (names, types, ranges, gotos, recursion, atomic blocks)
// and lowers it for one variant into a Program (model/program.hpp).
//
// Lowering rules that the rest of pcmc relies on:
// * Calls are inlined; a call inside an expression is hoisted into a temporary in C evaluation
//   order, respecting the short-circuit of && / || and ?:. A function whose body is a single
//   `return expr;` is inlined as an expression (usable in guards, invariants and conditions).
// * A statement whose expressions read or write globals/pools becomes one yielding instruction,
//   so it is one atomic step; purely local statements never yield.
// * Locals of a frame are cleared (Instr Clear) when the frame returns, so dead values never
//   make two states differ.
// * Switches are compile-time bool constants: `if (F1) ...` is folded, so a variant costs no
//   steps. Every name passed in CompileOptions::defines must be a declared switch.
#pragma once

#include <string>
#include <vector>

#include "model/ast.hpp"
#include "model/parser.hpp"
#include "model/program.hpp"
#include "model/source.hpp"

namespace pcmc::model {

struct CompileOptions {
  std::vector<std::string> defines;  // switches turned on (-D NAME)
  bool debug_vm = false;  // CONFIG_DEBUG_VM: without it VM_BUG_ON* are compiled out (no code,
                          // no step), as in the kernel
  MemoryModel memory_model = MemoryModel::Sc;  // tso/pso: barriers are compiled to Fence
                          // instructions and each thread gets a store buffer (under sc the
                          // barriers compile to nothing)
  std::uint32_t store_buffer = 0;  // entries per buffer; 0: computed (compile.cpp)
};

// Throws CompileError on a malformed model.
Program compile(const ast::Model& model, const SourceManager& sm, const CompileOptions& opts);

// parse_file + compile.
Program load_program(SourceManager& sm, const std::string& path, const ParseOptions& popts,
                     const CompileOptions& copts);

}  // namespace pcmc::model
