// Source files and compiler-grade diagnostics ("file:line:col: error: ..." plus the source line
// and a caret). Every front-end error is thrown as a CompileError and formatted by the
// SourceManager that owns the file text.
//
// Contract: a SourceManager owns every file read during one compilation; SrcLoc values refer to
// it by index and are only meaningful together with it. Not thread-safe while loading; read-only
// (and so safe to share) afterwards.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace pcmc::model {

struct SrcLoc {
  std::uint32_t file = 0;  // index into SourceManager::files(); 0 is the main file
  std::uint32_t line = 0;  // 1-based; 0 means "no location"
  std::uint32_t col = 0;   // 1-based
};

struct SourceFile {
  std::string path;     // as shown in diagnostics (relative as given or as found on the path)
  std::string text;     // whole file contents
  std::vector<std::size_t> line_starts;  // byte offset of each line start
};

// A malformed model. Carries the location and a message without the "error: " prefix.
class CompileError : public std::runtime_error {
 public:
  CompileError(SrcLoc loc, const std::string& message)
      : std::runtime_error(message), loc_(loc) {}
  SrcLoc loc() const { return loc_; }

 private:
  SrcLoc loc_;
};

// A file that cannot be read: "cannot read file 'PATH': REASON" (No such file or directory, Is a
// directory, not a regular file, ...).
class ReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The whole contents of the regular file at `path` (scenario, include and trace files alike).
// Throws ReadError for anything else: a missing or unreadable file, a directory, a FIFO or a
// device (refused before it is opened, so a FIFO never blocks), or a read that fails.
std::string read_text_file(const std::string& path);

class SourceManager {
 public:
  // Adds a file with the given text; returns its index.
  std::uint32_t add(std::string path, std::string text);
  // Reads a file from disk (read_text_file); throws CompileError at `from` when it cannot be
  // read (`from` with line 0: the message alone, "pcmc: error: cannot read file ...").
  std::uint32_t load(const std::string& path, SrcLoc from);
  const SourceFile& file(std::uint32_t index) const { return files_.at(index); }
  std::size_t size() const { return files_.size(); }
  // The text of line `line` (1-based) of file `file`, without the newline.
  std::string line_text(std::uint32_t file, std::uint32_t line) const;
  // "path:line:col"
  std::string where(SrcLoc loc) const;
  // "path:line:col: error: message\n  <source line>\n  <caret>\n"
  std::string format(const CompileError& e) const;

 private:
  std::vector<SourceFile> files_;
};

}  // namespace pcmc::model
