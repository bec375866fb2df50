// Internal to the parser (model/parser*.cpp): the recursive-descent Parser class, its token
// cursor and its nesting guard. Not part of the public model API (that is model/parser.hpp).
//
// The member functions are defined by concern across the sibling files:
//   parser.cpp       the entry points, file splicing and the directives (#include, #define)
//   parser_decl.cpp  top-level declarations (scenario, switch, struct, functions, expect, ...)
//   parser_type.cpp  types, array dimensions and AST cloning
//   parser_stmt.cpp  statements and local declarations
//   parser_expr.cpp  expressions
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "model/ast.hpp"
#include "model/lexer.hpp"
#include "model/parser.hpp"
#include "model/source.hpp"

namespace pcmc::model::detail {

constexpr int kMaxNesting = 200;
// The highest expression tree accepted (ast::Expr::height): a flat chain `a + b + ... + z` is a
// tree as high as it is long, with no parentheses for kMaxNesting to count. The compiler's
// walks take 1-2 KiB of stack per level in a release build (several times that under
// AddressSanitizer); the longest expression of the examples and the library is about 50.
constexpr std::uint32_t kMaxExprHeight = 256;

class Parser {
 public:
  Parser(SourceManager& sm, const ParseOptions& opts, ast::Model& model)
      : sm_(sm), opts_(opts), m_(model) {}

  void parse_file_index(std::uint32_t file, const std::string& canonical);

 private:
  // ---------------------------------------------------------------- tokens
  const Token& cur() const { return toks_[pos_]; }
  const Token& look(std::size_t k) const {
    return toks_[std::min(pos_ + k, toks_.size() - 1)];
  }
  bool at(Tok k) const { return cur().kind == k; }
  bool is(const char* p) const {
    return (cur().kind == Tok::Punct || cur().kind == Tok::Ident) && cur().text == p;
  }
  bool is_punct(const char* p) const { return cur().kind == Tok::Punct && cur().text == p; }
  bool is_word(const char* w) const { return cur().kind == Tok::Ident && cur().text == w; }
  Token next() {
    Token t = cur();
    if (!at(Tok::End)) ++pos_;
    return t;
  }
  std::string describe(const Token& t) const {
    switch (t.kind) {
      case Tok::End: return "end of file";
      case Tok::Int: return "'" + t.text + "'";
      case Tok::String: return "a string";
      case Tok::Include: return "#include";
      case Tok::Define: return t.value ? "#default" : "#define";
      case Tok::DefineEnd: return "end of line";
      default: return "'" + t.text + "'";
    }
  }
  [[noreturn]] void fail_expected(const std::string& what) {
    throw CompileError(cur().loc, "expected " + what + ", found " + describe(cur()));
  }
  void expect(const char* p, const char* context = nullptr) {
    if (!is_punct(p))
      fail_expected(std::string("'") + p + "'" + (context ? std::string(" ") + context : ""));
    next();
  }
  Token expect_ident(const char* what) {
    if (!at(Tok::Ident)) fail_expected(what);
    return next();
  }
  struct Depth {
    Parser& p;
    explicit Depth(Parser& pp) : p(pp) {
      if (++p.depth_ > kMaxNesting) throw CompileError(p.cur().loc, "nesting too deep");
    }
    ~Depth() { --p.depth_; }
  };

  // ---------------------------------------------------------------- directives (parser.cpp)
  void include(const Token& t);
  void define(const Token& name);

  // ---------------------------------------------------------------- top level (parser_decl.cpp)
  void top_level();
  void struct_decl();
  void global_or_function();
  void expect_decl();
  ast::ExpectItem expect_item();

  // ---------------------------------------------------------------- types (parser_type.cpp)
  bool starts_type() const;
  ast::TypePtr type();
  static ast::ExprPtr clone_expr(const ast::Expr* e);
  static ast::TypePtr clone_type(const ast::TypeExpr& t);
  void dims(std::vector<ast::ExprPtr>& out);

  // ---------------------------------------------------------------- statements (parser_stmt.cpp)
  ast::StmtPtr make(ast::StmtKind k, SrcLoc loc);
  ast::StmtPtr block();
  void statement_into(std::vector<ast::StmtPtr>& out);
  bool starts_local_decl() const;
  void decl_statements(std::vector<ast::StmtPtr>& out);
  ast::StmtPtr statement();
  ast::StmtPtr simple_statement();

  // ---------------------------------------------------------------- expressions (parser_expr.cpp)
  ast::ExprPtr int_lit(std::int64_t v, SrcLoc loc);
  // Sets e's height from its kids; a tree higher than kMaxExprHeight is an error at e.
  ast::ExprPtr sized(ast::ExprPtr e);
  ast::ExprPtr expr();
  static int precedence(const Token& t);
  ast::ExprPtr binary(int min_prec);
  ast::ExprPtr unary();
  ast::ExprPtr postfix(ast::ExprPtr e);
  ast::ExprPtr primary();

  SourceManager& sm_;
  const ParseOptions& opts_;
  ast::Model& m_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::set<std::string> typedefs_;
  std::vector<std::string> active_;  // files being parsed (include cycle detection)
  std::set<std::string> done_;       // files parsed (include once)
};

}  // namespace pcmc::model::detail
