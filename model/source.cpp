#include "model/source.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

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

std::string read_text_file(const std::string& path) {
  auto fail = [&](const std::string& why) {
    throw ReadError("cannot read file '" + path + "': " + why);
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail(std::strerror(EISDIR));
  if (!S_ISREG(st.st_mode)) fail("not a regular file");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) fail(std::strerror(errno));
  std::string text;
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const int err = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (err != 0) fail(std::strerror(err));
  return text;
}

std::uint32_t SourceManager::load(const std::string& path, SrcLoc from) {
  try {
    return add(path, read_text_file(path));
  } catch (const ReadError& e) {
    throw CompileError(from, e.what());
  }
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
  // No file (the main file could not be loaded): the message names the path itself.
  std::string path = loc.file < files_.size() ? files_[loc.file].path : std::string("pcmc");
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
