#include "properties/property.hpp"

#include <array>
#include <utility>

namespace pcmc::properties {

namespace {
constexpr std::array<std::pair<PropertyClass, const char*>, 10> kNames{{
    {PropertyClass::Debug, "debug"},
    {PropertyClass::Warn, "warn"},
    {PropertyClass::Bug, "bug"},
    {PropertyClass::Harm, "harm"},
    {PropertyClass::Discipline, "discipline"},
    {PropertyClass::Invariant, "invariant"},
    {PropertyClass::Final, "final"},
    {PropertyClass::Deadlock, "deadlock"},
    {PropertyClass::Nontermination, "nontermination"},
    {PropertyClass::ModelError, "model_error"},
}};
}  // namespace

const char* to_string(PropertyClass c) {
  for (const auto& [k, n] : kNames)
    if (k == c) return n;
  return "?";
}

bool parse_class(const std::string& s, PropertyClass& out) {
  for (const auto& [k, n] : kNames)
    if (s == n) {
      out = k;
      return true;
    }
  return false;
}

bool is_fatal(PropertyClass c) {
  // A WARN_ON is logged and the kernel goes on; a discipline violation is a report about how the
  // condition was read, not an event in the kernel. Everything else ends the path.
  return c != PropertyClass::Warn && c != PropertyClass::Discipline;
}

}  // namespace pcmc::properties
