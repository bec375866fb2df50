// Internal to the code generator (model/codegen*.cpp): the writer of expressions and addresses
// as straight-line C++ with explicit error checks. Not a public header.
//
// Every expression becomes a sequence of statements that ends with its value in a fresh
// `const std::int64_t tN`; a model error jumps away at once (`env.fail`), which is exact: after
// the interpreter's Eval records its first error nothing observable happens any more (no load is
// marked, no guard is checked), so the first error is the one reported either way.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "model/exec.hpp"
#include "model/program.hpp"

namespace pcmc::model::codegen {

// Where an expression is evaluated.
struct Env {
  std::string state = "s";     // the state pointer
  std::string area;            // the executing thread's area offset (an expression)
  std::string thread;          // the executing thread's index (an expression)
  std::string self = "INT64_C(0)";  // Self's value (a guard's reference)
  std::string sb;              // tso/pso steps: the thread's store buffer (an expression);
                               // empty: loads read memory (sc, conditions)
  bool access = false;         // record shared reads (in `if constexpr (A)`)
  bool assertion = false;      // check guarded reads (an assertion's condition)
  std::uint32_t pc = 0;        // assertion mode: the instruction
  std::string site;            // assertion mode: the site (an expression)
  // The block check (ExecOptions::ref_blocks, baked in): per pool block sizes (null or 0: not
  // checked) and the statement that reports a crossing (empty: no check at all). As the
  // interpreter's Eval: RefAdd (also when it leaves the pool), RefDiff and ordered comparisons
  // of two non-NULL references (ENode::ref_pool) whose operands or result lie in different
  // blocks; reported before the operation's own error, never after an earlier one.
  const std::vector<std::uint32_t>* blocks = nullptr;
  std::string crossed;
  // Code for a model error of kind `k` with value `v` (both C++ expressions): jumps away.
  std::string (*fail)(ModelErrorKind k, const std::string& v, std::uint32_t pc) = nullptr;
};

// An evaluated address: a compile-time constant or a runtime offset in a temporary.
struct Addr {
  bool constant = false;
  std::uint32_t value = 0;  // constant
  std::string expr;         // the offset as a C++ expression (both cases)
};

class Writer {
 public:
  Writer(const Program& p, std::ostringstream& out) : p_(p), o_(out) {}

  std::string expr(ExprId id, const Env& env);
  Addr addr(AddrId id, const Env& env);
  // Marks a read or write of `width` bytes at `a` in `bits` ("c.reads"/"c.writes").
  void mark(const Addr& a, unsigned width, const char* bits);

  void line(const std::string& s);
  void open(const std::string& s) { line(s); ++indent_; }
  void close(const std::string& s = "}") { --indent_; line(s); }
  std::string tmp() { return "t" + std::to_string(next_++); }

  // The discipline checks and assertion sites met so far, in order (the per-thread tables).
  std::vector<std::int32_t> disc;
  std::vector<std::uint32_t> sites;

 private:
  const ENode& node(ExprId id) const;
  const ANode& anode(AddrId id) const;
  void check_guard(const ANode& a, AddrId id, const std::string& ref, const Env& env);

  const Program& p_;
  std::ostringstream& o_;
  int indent_ = 1;
  unsigned next_ = 0;
};

std::string literal(std::int64_t v);
// Whether `e` (an expression's result) is a literal written by literal(), and its value.
bool is_literal(const std::string& e, std::int64_t& v);
Addr constant(std::uint32_t offset);
const char* load_fn(unsigned width);   // "ld1", ... (throws on another width)
const char* store_fn(unsigned width);

}  // namespace pcmc::model::codegen
