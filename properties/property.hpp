// What "wrong" means: the named properties of a model and their classes.
//
// A property is identified by its name, which is what expectations and reports use:
// an assertion's label ("A3"), HARM_ON's name ("H_badfree"), "function:line" for an unlabelled
// assertion, "<assertion>.discipline" for the guarded-read discipline of an assertion's
// condition, an invariant's or final condition's name, and the builtins "deadlock",
// "nontermination" and "model_error".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/source.hpp"

namespace pcmc::properties {

enum class PropertyClass : std::uint8_t {
  Debug,           // VM_BUG_ON*: checked only with --debug-vm; fatal then
  Warn,            // WARN_ON*: reported; the thread continues
  Bug,             // BUG_ON: fatal
  Harm,            // HARM_ON: real damage; fatal
  Discipline,      // an assertion read a guarded field without holding its guard
  Invariant,       // must hold in every reachable state
  Final,           // must hold in every quiescent end state (all threads finished)
  Deadlock,        // some thread unfinished and no thread can step
  Nontermination,  // a reachable, weakly fair cycle in which some thread never finishes
  ModelError,      // the model itself went wrong at run time (range, NULL, bounds, ...)
};

const char* to_string(PropertyClass c);
// Parses a class name as written in expectations ("debug", "harm", ...). Returns false if unknown.
bool parse_class(const std::string& s, PropertyClass& out);

// True when a violation of this class ends the path it happens on.
bool is_fatal(PropertyClass c);

struct Property {
  std::string name;
  PropertyClass cls = PropertyClass::Bug;
  std::string macro;     // assertion macro, or "invariant", "final", ... for the others
  std::string function;  // where it is written ("" for builtins and state conditions)
  model::SrcLoc loc;     // first site (an assertion name may have several sites)
  std::string text;      // condition text as written
};

using PropertyId = std::uint32_t;

}  // namespace pcmc::properties
