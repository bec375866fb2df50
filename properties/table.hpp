// The property table of one compiled variant: every property the run can report, and the maps
// from executor events (assertion sites, invariants, finals) to property ids.
//
// Contract: built once per Program; immutable afterwards.
#pragma once

#include <string>
#include <vector>

#include "model/ast.hpp"
#include "model/program.hpp"
#include "properties/property.hpp"

namespace pcmc::properties {

inline constexpr PropertyId kNoProperty = 0xFFFFFFFFu;

struct PropertyTable {
  std::vector<Property> props;               // PropertyId = index
  std::vector<PropertyId> site_prop;         // per AssertSite
  std::vector<PropertyId> site_discipline;   // per AssertSite; kNoProperty when its condition
                                             // reads no guarded field
  std::vector<PropertyId> invariant_prop;    // per Program::invariants
  std::vector<PropertyId> final_prop;        // per Program::finals
  PropertyId deadlock = kNoProperty;
  PropertyId nontermination = kNoProperty;
  PropertyId model_error = kNoProperty;

  PropertyId find(const std::string& name) const;  // kNoProperty when absent
};

PropertyTable build_property_table(const model::Program& program);

// Names of every assertion written in the model's source, in every variant (labels of assertion
// statements and HARM_ON names), so that expectations can name an assertion that a switch
// removes (it then trivially holds) while a misspelt name is still an error.
std::vector<std::string> declared_assertion_names(const model::ast::Model& model);

// True when expression `e` of `program` reads a guarded field (through any Deref).
bool reads_guarded_field(const model::Program& program, model::ExprId e);

}  // namespace pcmc::properties
