// Statements: blocks, local declarations, labels, if/while/do/for, break/continue/return/goto,
// atomic blocks, await, and simple statements (assignments, ++/--, calls). Part of the parser
// (model/parser_impl.hpp); expressions are parsed by parser_expr.cpp, types by parser_type.cpp.
#include <set>

#include "model/parser_impl.hpp"

namespace pcmc::model::detail {

using namespace ast;

StmtPtr Parser::make(StmtKind k, SrcLoc loc) {
  auto s = std::make_unique<Stmt>();
  s->kind = k;
  s->loc = loc;
  return s;
}

StmtPtr Parser::block() {
  Depth d(*this);
  auto b = make(StmtKind::Block, cur().loc);
  expect("{");
  while (!is_punct("}")) {
    if (at(Tok::End)) fail_expected("'}'");
    statement_into(b->body);
  }
  next();
  return b;
}

// Declarations with several declarators expand into several statements.
void Parser::statement_into(std::vector<StmtPtr>& out) {
  if (starts_local_decl()) {
    decl_statements(out);
    expect(";", "after the declaration");
    return;
  }
  out.push_back(statement());
}

bool Parser::starts_local_decl() const {
  if (!starts_type()) return false;
  // `name:` is a label even if name is a typedef (it cannot be), and `x = ...` is not a decl.
  return true;
}

void Parser::decl_statements(std::vector<StmtPtr>& out) {
  TypePtr t = type();
  while (true) {
    Token name = expect_ident("a variable name");
    auto s = make(StmtKind::Decl, name.loc);
    s->decl = std::make_unique<VarDecl>();
    s->decl->loc = name.loc;
    s->decl->name = name.text;
    s->decl->type = clone_type(*t);
    dims(s->decl->dims);
    if (is_punct("=")) {
      next();
      s->decl->init = expr();
    }
    out.push_back(std::move(s));
    if (!is_punct(",")) break;
    next();
  }
}

StmtPtr Parser::statement() {
  Depth d(*this);
  SrcLoc loc = cur().loc;
  if (is_punct("{")) return block();
  if (is_punct(";")) {
    next();
    return make(StmtKind::Empty, loc);
  }
  if (at(Tok::Ident)) {
    const std::string w = cur().text;
    if (look(1).kind == Tok::Punct && look(1).text == ":" && !starts_type()) {
      auto s = make(StmtKind::Labeled, loc);
      s->label = next().text;
      next();  // :
      if (is_punct("}")) s->body.push_back(make(StmtKind::Empty, cur().loc));
      else if (starts_local_decl()) throw CompileError(cur().loc, "a label must be followed by a statement, not a declaration");
      else s->body.push_back(statement());
      return s;
    }
    if (w == "if") {
      next();
      auto s = make(StmtKind::If, loc);
      expect("(", "after if");
      s->expr = expr();
      expect(")", "to close the if condition");
      s->then_branch = statement();
      if (is_word("else")) {
        next();
        s->else_branch = statement();
      }
      return s;
    }
    if (w == "else") throw CompileError(loc, "'else' without a matching 'if'");
    if (w == "while") {
      next();
      auto s = make(StmtKind::While, loc);
      expect("(", "after while");
      s->expr = expr();
      expect(")", "to close the while condition");
      s->body.push_back(statement());
      return s;
    }
    if (w == "do") {
      next();
      auto s = make(StmtKind::DoWhile, loc);
      s->body.push_back(statement());
      if (!is_word("while")) fail_expected("'while' after the do body");
      next();
      expect("(", "after while");
      s->expr = expr();
      expect(")", "to close the while condition");
      expect(";", "after do ... while (...)");
      return s;
    }
    if (w == "for") {
      next();
      auto s = make(StmtKind::For, loc);
      expect("(", "after for");
      if (!is_punct(";")) {
        if (starts_local_decl()) {
          std::vector<StmtPtr> decls;
          decl_statements(decls);
          if (decls.size() != 1) throw CompileError(loc, "one declaration only in a for initialiser");
          s->init = std::move(decls[0]);
        } else {
          s->init = simple_statement();
        }
      }
      expect(";", "after the for initialiser");
      if (!is_punct(";")) s->expr = expr();
      expect(";", "after the for condition");
      if (!is_punct(")")) s->step = simple_statement();
      expect(")", "to close the for header");
      s->body.push_back(statement());
      return s;
    }
    if (w == "break" || w == "continue") {
      next();
      expect(";", w == "break" ? "after break" : "after continue");
      return make(w == "break" ? StmtKind::Break : StmtKind::Continue, loc);
    }
    if (w == "return") {
      next();
      auto s = make(StmtKind::Return, loc);
      if (!is_punct(";")) s->expr = expr();
      expect(";", "after return");
      return s;
    }
    if (w == "goto") {
      next();
      auto s = make(StmtKind::Goto, loc);
      s->label = expect_ident("a label after goto").text;
      expect(";", "after goto");
      return s;
    }
    if (w == "atomic") {
      next();
      auto s = make(StmtKind::Atomic, loc);
      // `atomic unordered { }` (a non-value-returning RMW or bitop), `atomic acquire { }` (a
      // lock acquire), `atomic release { }` (a lock release): orderings weaker than full, which
      // matter under tso and pso only (docs/memory-models.md).
      if (is_word("unordered") || is_word("acquire") || is_word("release")) {
        s->op = cur().text;
        next();
      }
      if (!is_punct("{")) fail_expected("'{' after atomic");
      s->body.push_back(block());
      return s;
    }
    // select { when (guard) statement ... }: a guarded choice (Promela's `if :: g -> s fi`).
    // `select` is a keyword only when a '{' follows, so it stays usable as a name.
    if (w == "select" && look(1).kind == Tok::Punct && look(1).text == "{") {
      next();
      next();  // {
      auto s = make(StmtKind::Select, loc);
      while (!is_punct("}")) {
        if (!is_word("when")) fail_expected("'when (guard)' or '}' in select");
        auto alt = make(StmtKind::If, cur().loc);
        next();
        expect("(", "after when");
        alt->expr = expr();
        expect(")", "to close the when guard");
        alt->then_branch = statement();
        s->body.push_back(std::move(alt));
      }
      next();
      if (s->body.empty()) throw CompileError(loc, "select needs at least one 'when' alternative");
      return s;
    }
    if (w == "await") {
      next();
      auto s = make(StmtKind::Await, loc);
      expect("(", "after await");
      s->expr = expr();
      expect(")", "to close await(");
      expect(";", "after await(...)");
      return s;
    }
  }
  StmtPtr s = simple_statement();
  expect(";", "after the statement");
  return s;
}

// An assignment, ++/--, or an expression (call) statement, without the ';'.
StmtPtr Parser::simple_statement() {
  SrcLoc loc = cur().loc;
  if (is_punct("++") || is_punct("--")) {
    std::string op = next().text == "++" ? "+=" : "-=";
    auto s = make(StmtKind::Assign, loc);
    s->lhs = unary();
    s->op = op;
    s->expr = int_lit(1, loc);
    return s;
  }
  ExprPtr e = expr();
  static const std::set<std::string> assign_ops{"=",  "+=", "-=", "*=",  "/=", "%=",
                                                "&=", "|=", "^=", "<<=", ">>="};
  if (cur().kind == Tok::Punct && assign_ops.count(cur().text)) {
    auto s = make(StmtKind::Assign, loc);
    s->op = next().text;
    s->lhs = std::move(e);
    s->expr = expr();
    return s;
  }
  if (is_punct("++") || is_punct("--")) {
    auto s = make(StmtKind::Assign, loc);
    s->op = next().text == "++" ? "+=" : "-=";
    s->lhs = std::move(e);
    s->expr = int_lit(1, loc);
    return s;
  }
  auto s = make(StmtKind::Expr, loc);
  s->expr = std::move(e);
  return s;
}

}  // namespace pcmc::model::detail
