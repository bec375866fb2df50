// Internal to the lowering files (model/lower_*.cpp): the few resolved-type constructors and
// tests they all use. The compiler's own tables and the Compiler class are model/compiler.hpp.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <utility>

#include "model/compiler.hpp"

namespace pcmc::model::detail {

inline TypeP mk(Type t) { return std::make_shared<const Type>(std::move(t)); }
inline TypeP int_type() {
  return mk(Type{Type::Int, std::numeric_limits<std::int32_t>::min(),
                 std::numeric_limits<std::int32_t>::max()});
}
inline TypeP bool_type() { return mk(Type{Type::Bool, 0, 1}); }
inline bool numeric(const TypeP& t) { return t->kind == Type::Int || t->kind == Type::Bool; }

}  // namespace pcmc::model::detail
