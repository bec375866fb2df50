// Counterexample reconstruction: turns the checker's choice path (thread, successor index per
// step) into a readable trace by re-executing it with the executor, recording per step the
// thread, function and call chain, file:line and source text, the shared fields that changed
// (old→new, in the model's own names: "C0.PG_locked 0→1"), the locks held and the events raised.
//
// traces/ depends on model/ only (DESIGN §2): the checker hands it the violated property as a
// PropertyRef and the path as a ChoicePath.
//
// Contract: the Program, Executor and SourceManager must be the ones the search used.
// Throws std::logic_error when the path does not replay (an internal error: the search and the
// executor disagree).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "model/exec.hpp"
#include "model/program.hpp"
#include "model/source.hpp"

namespace pcmc::traces {

struct Change {
  std::string name;
  std::string before, after;
};

struct TraceStep {
  unsigned thread = 0;
  std::string thread_name;
  std::uint16_t index = 0;               // successor (choice) index
  std::string function;                  // innermost function of the step's statement
  std::vector<std::string> call_chain;   // thread body → ... → function
  std::string file;
  std::uint32_t line = 0, col = 0;
  std::string source;                    // the statement's source line, trimmed
  std::vector<Change> changes;           // shared fields changed by the step
  std::vector<std::string> locks_held;   // thread_t fields equal to this thread after the step
  std::vector<std::string> events;       // "WARN_ON A4 fired", "discipline: ...", model errors
  // tso/pso (docs/memory-models.md): what the memory model did; empty under sc.
  std::string flush;                     // a flush step: the store that reached memory, "x=1"
  std::vector<std::string> buffered;     // stores this step put in its store buffer, "x=1"
  std::vector<std::string> reads;        // loads of globals not from memory as under sc:
                                         // "x=1 from P0's store buffer", or stale ones, "y=0
                                         // from memory, P1 has y=1 buffered"
};

struct Trace {
  std::string property;   // name
  std::string cls;        // class name
  std::string macro;
  std::string function;   // where the property is written
  std::string location;   // file:line:col of the property ("" for builtins)
  std::string text;       // condition text
  std::string thread_name;  // violating thread ("" for state properties)
  std::string detail;     // one line: what exactly went wrong
  std::vector<TraceStep> steps;
  std::int64_t loop_start = -1;
  std::vector<std::pair<std::string, std::string>> final_state;  // shared scalars
  std::vector<std::pair<std::uint16_t, std::uint16_t>> choice_path;
};

struct TraceContext {
  const model::Program& program;
  const model::Executor& exec;
  const model::SourceManager& sources;
};

// The violated property, as the properties module describes it.
struct PropertyRef {
  std::string name;
  std::string cls;        // "debug", "harm", "deadlock", "nontermination", ...
  std::string macro;
  std::string function;
  model::SrcLoc loc;
  std::string text;
};

// A path from the initial state: (thread, successor index) per step; for a lasso, the steps
// from loop_start on form the cycle.
struct ChoicePath {
  std::vector<std::pair<std::uint16_t, std::uint16_t>> steps;
  std::int64_t loop_start = -1;
  std::int32_t thread = -1;  // the violating thread, -1 for state properties
};

Trace build_trace(const TraceContext& ctx, const PropertyRef& prop, const ChoicePath& path);

// One executed step: thread `thread` took successor `index` from `before` to `after`, running
// yielding instruction `main_pc` and raising `events`. (build_trace and replay share it.)
TraceStep describe_step(const TraceContext& ctx, const std::uint8_t* before,
                        const std::uint8_t* after, unsigned thread, std::uint16_t index,
                        std::uint32_t main_pc, std::span<const model::Event> events);

// tso/pso: fills `ts`'s flush, buffered and reads (memory_steps.cpp). `flush` is the
// successor's Successor::flush; `access` the step's footprint (null: no reads listed).
void describe_memory(const TraceContext& ctx, const std::uint8_t* before,
                     const std::uint8_t* after, unsigned thread, std::int16_t flush,
                     const model::Access* access, TraceStep& ts);

// An executor event in kernel words: "VM_BUG_ON_PAGE(PageTail(page)) fired: A3", ...
std::string event_text(const TraceContext& ctx, const model::Event& e);

// A value as the model names it: element names for references, thread names, enumerators.
std::string format_value(const model::Program& p, const model::Scalar& s, std::int64_t v);

// Shared scalars of a state as (name, value), in symbol order.
std::vector<std::pair<std::string, std::string>> shared_values(const model::Program& p,
                                                                const std::uint8_t* state);

}  // namespace pcmc::traces
