// Recursive-descent parser of pcmc model files (grammar: docs/language.md), with #include
// splicing. Semantics (names, types, duplicates) are the compiler's job.
//
// This file holds the entry points (parse_file, parse_text), the per-file driver and the
// preprocessing directives (#include, #define/#default); the Parser class is declared in
// model/parser_impl.hpp and its grammar rules live in parser_decl.cpp, parser_type.cpp,
// parser_stmt.cpp and parser_expr.cpp.
#include "model/parser.hpp"

#include <filesystem>

#include "model/lexer.hpp"
#include "model/parser_impl.hpp"

namespace pcmc::model {

namespace fs = std::filesystem;

namespace detail {

using namespace ast;

void Parser::parse_file_index(std::uint32_t file, const std::string& canonical) {
  active_.push_back(canonical);
  done_.insert(canonical);
  std::vector<Token> saved = std::move(toks_);
  std::size_t saved_pos = pos_;
  toks_ = lex(sm_, file);
  pos_ = 0;
  while (!at(Tok::End)) top_level();
  toks_ = std::move(saved);
  pos_ = saved_pos;
  active_.pop_back();
}

// "kernel/open.pcm": a library file named without its version folder
static bool versionless_kernel_include(const std::string& path) {
  return path.rfind("kernel/", 0) == 0 && path.size() > 7 && path.find('/', 7) == std::string::npos;
}

void Parser::include(const Token& t) {
  fs::path from = fs::path(sm_.file(t.loc.file).path).parent_path();
  const fs::path scenario_dir = fs::path(sm_.file(0).path).parent_path();
  std::vector<fs::path> candidates{from / t.text};
  // "kernel/NAME" without a version folder: the selected library's file (parser.hpp)
  const std::string lib = versionless_kernel_include(t.text)
                              ? "kernel/" + opts_.kernel + "/" + t.text.substr(7)
                              : t.text;
  if (scenario_dir != from) candidates.push_back(scenario_dir / lib);
  for (const auto& d : opts_.include_path) candidates.push_back(fs::path(d) / lib);
  for (const auto& c : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(c, ec)) continue;
    std::string canon = fs::weakly_canonical(c, ec).string();
    for (std::size_t i = 0; i < active_.size(); ++i)
      if (active_[i] == canon) {
        std::string chain;
        for (std::size_t k = i; k < active_.size(); ++k)
          chain += fs::path(active_[k]).filename().string() + " -> ";
        throw CompileError(t.loc, "include cycle: " + chain + fs::path(canon).filename().string());
      }
    if (done_.count(canon)) return;  // included once
    std::uint32_t idx = sm_.load(c.lexically_normal().string(), t.loc);
    parse_file_index(idx, canon);
    return;
  }
  std::string searched = from.string().empty() ? "." : from.string();
  if (scenario_dir != from) searched += ", " + (scenario_dir.empty() ? "." : scenario_dir.string());
  for (const auto& d : opts_.include_path) searched += ", " + d;
  throw CompileError(t.loc, "cannot find include file '" + t.text + "'" +
                               (lib != t.text ? " (as '" + lib + "')" : std::string()) +
                               " (searched: " + searched + ")");
}

void Parser::define(const Token& name) {
  ConstDecl c;
  c.loc = name.loc;
  c.name = name.text;
  c.is_default = name.value != 0;
  const std::string directive = c.is_default ? "#default" : "#define";
  if (at(Tok::DefineEnd)) throw CompileError(name.loc, directive + " needs a value");
  c.value = expr();
  if (!at(Tok::DefineEnd)) fail_expected("end of line after " + directive + " value");
  next();
  m_.consts.push_back(std::move(c));
}

}  // namespace detail

namespace {

std::string canonical(const std::string& path) {
  std::error_code ec;
  auto c = fs::weakly_canonical(fs::path(path), ec);
  return ec ? path : c.string();
}

}  // namespace

ast::Model parse_file(SourceManager& sm, const std::string& path, const ParseOptions& opts) {
  std::uint32_t idx = sm.load(path, SrcLoc{});
  ast::Model m;
  detail::Parser p(sm, opts, m);
  p.parse_file_index(idx, canonical(path));
  return m;
}

ast::Model parse_text(SourceManager& sm, const std::string& name, const std::string& text,
                      const ParseOptions& opts) {
  std::uint32_t idx = sm.add(name, text);
  ast::Model m;
  detail::Parser p(sm, opts, m);
  p.parse_file_index(idx, canonical(name));
  return m;
}

}  // namespace pcmc::model
