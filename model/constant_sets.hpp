// `--set NAME=VALUE`: overriding a library's `#default` constant from the command line, so that
// one scenario file serves several sizes (HPAGE_PMD_NR, NR_SLOTS, PAGEVEC_SIZE, ...) without a
// generated copy per size (docs/language.md, "Lexical structure").
//
// Rules: NAME must be declared by some `#default` of the model; the model must not also fix it
// with `#define` or `const` (that one would win over the #default, and silently over --set);
// VALUE is a decimal or 0x-hex integer, optionally negative. Setting is done on the parsed
// model (the #default's value expression becomes the literal), so every command and both engines
// see the same program as if the #default had said VALUE; compile-time checks (array sizes,
// ranges, `blocks(N)`) then apply to VALUE as to any constant.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "model/ast.hpp"

namespace pcmc::model {

using ConstantSets = std::vector<std::pair<std::string, std::int64_t>>;

// A --set that cannot apply: a malformed NAME=VALUE, or a name with no #default to override.
// The message names the option and the reason; a command-line error (exit 64).
class SetError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Parses "NAME=VALUE". Throws SetError.
std::pair<std::string, std::int64_t> parse_set(const std::string& text);

// Applies every set to `model` in order (a later set of the same name wins). Throws SetError.
void apply_sets(ast::Model& model, const ConstantSets& sets);

}  // namespace pcmc::model
