// Lexer, `#include` handling and recursive-descent parser of pcmc model files.
//
// Includes: `#include "path"` is looked up relative to the including file's folder, then to the
// main (scenario) file's folder, then in each folder of ParseOptions::include_path in order; the
// first match wins. The same rule holds for every file, library files included, so a file under
// the scenario's folder (or an earlier -I folder) with a library file's path, say a local
// kernel/v5.15/truncate.pcm, replaces that library file everywhere, also where other library
// files include it (docs/language.md, "Includes"). Each file is spliced in once (a second
// #include of the same canonical file is ignored, like #pragma once); an include cycle (a file
// including itself, directly or not, while it is still being parsed) is an error.
//
// Kernel library versions: `#include "kernel/NAME.pcm"` (no version folder) is looked up in the
// include-path folders as `kernel/<ParseOptions::kernel>/NAME.pcm`, so one scenario runs on every
// library (`pcmc check --kernel v6.12`). An `expect kernel "VERSION" ...` block whose version is
// not ParseOptions::kernel is parsed and then dropped: only the selected library's expectations
// are judged (docs/kernel-model-v6.md).
//
// Errors throw CompileError with the location of the offending token. The parser never returns a
// partial model.
#pragma once

#include <string>
#include <vector>

#include "model/ast.hpp"
#include "model/source.hpp"

namespace pcmc::model {

struct ParseOptions {
  std::vector<std::string> include_path;  // searched after the including file's own folder
  std::string kernel = "v5.15";           // the kernel library folder `kernel/NAME` maps to
  std::string memory_model = "sc";        // --memory-model: which expect blocks are kept
  // --set NAME=VALUE in command-line order: which `expect set ...` blocks are kept (the values
  // themselves are applied after parsing, model/constant_sets.hpp).
  std::vector<std::pair<std::string, std::int64_t>> sets;
  // Keep every expect block whatever its kernel, memory model or set (tools that list them, e.g.
  // the test corpus enumerating the sizes a file pins; never a judge run).
  bool every_expect = false;
};

// Parses the file at `path` (loaded through `sm`) and everything it includes.
ast::Model parse_file(SourceManager& sm, const std::string& path, const ParseOptions& opts);

// Parses `text` as if it were a file called `name` (tests; includes resolve against the current
// directory and the include path).
ast::Model parse_text(SourceManager& sm, const std::string& name, const std::string& text,
                      const ParseOptions& opts);

}  // namespace pcmc::model
