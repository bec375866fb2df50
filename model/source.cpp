#include "model/source.hpp"

#include <fstream>
#include <sstream>

namespace pcmc::model {

std::uint32_t SourceManager::add(std::string path, std::string text) {
  SourceFile f;
  f.path = std::move(path);
  f.text = std::move(text);
  f.line_starts.push_back(0);
  for (std::size_t i = 0; i < f.text.size(); ++i)
    if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
  files_.push_back(std::move(f));
  return static_cast<std::uint32_t>(files_.size() - 1);
}

std::uint32_t SourceManager::load(const std::string& path, SrcLoc from) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CompileError(from, "cannot read file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return add(path, ss.str());
}

std::string SourceManager::line_text(std::uint32_t file, std::uint32_t line) const {
  if (file >= files_.size() || line == 0) return {};
  const SourceFile& f = files_[file];
  if (line > f.line_starts.size()) return {};
  std::size_t b = f.line_starts[line - 1];
  std::size_t e = f.text.find('\n', b);
  if (e == std::string::npos) e = f.text.size();
  std::string s = f.text.substr(b, e - b);
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

std::string SourceManager::where(SrcLoc loc) const {
  std::string path = loc.file < files_.size() ? files_[loc.file].path : std::string("<unknown>");
  if (loc.line == 0) return path;
  return path + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

std::string SourceManager::format(const CompileError& e) const {
  std::string out = where(e.loc()) + ": error: " + e.what() + "\n";
  if (e.loc().line != 0) {
    std::string text = line_text(e.loc().file, e.loc().line);
    out += "  " + text + "\n  ";
    for (std::uint32_t i = 1; i < e.loc().col && i - 1 < text.size(); ++i)
      out += text[i - 1] == '\t' ? '\t' : ' ';
    out += "^\n";
  }
  return out;
}

}  // namespace pcmc::model
