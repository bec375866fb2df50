// Expressions: ?:, binary operators by precedence, unary operators, postfix indexing and
// member access, and primaries (literals, names, calls). Part of the parser
// (model/parser_impl.hpp); every other parser file calls expr() from here.
#include <algorithm>
#include <string>

#include "model/parser_impl.hpp"

namespace pcmc::model::detail {

using namespace ast;

ExprPtr Parser::int_lit(std::int64_t v, SrcLoc loc) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::IntLit;
  e->ival = v;
  e->loc = loc;
  return e;
}

ExprPtr Parser::sized(ExprPtr e) {
  std::uint32_t h = 0;
  for (const ExprPtr& k : e->kids) h = std::max(h, k->height);
  e->height = h + 1;
  if (e->height > kMaxExprHeight)
    throw CompileError(e->loc, "expression nested too deep (more than " +
                                   std::to_string(kMaxExprHeight) +
                                   " levels of operators; split it with temporaries)");
  return e;
}

ExprPtr Parser::expr() {
  Depth d(*this);
  ExprPtr c = binary(0);
  if (!is_punct("?")) return c;
  SrcLoc loc = c->loc;
  next();
  ExprPtr a = expr();
  expect(":", "in ?: expression");
  ExprPtr b = expr();
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Ternary;
  e->loc = loc;
  e->kids.push_back(std::move(c));
  e->kids.push_back(std::move(a));
  e->kids.push_back(std::move(b));
  return sized(std::move(e));
}

int Parser::precedence(const Token& t) {
  if (t.kind != Tok::Punct) return -1;
  static const std::pair<const char*, int> table[] = {
      {"||", 1}, {"&&", 2}, {"|", 3},  {"^", 4},  {"&", 5},  {"==", 6}, {"!=", 6},
      {"<", 7},  {"<=", 7}, {">", 7},  {">=", 7}, {"<<", 8}, {">>", 8}, {"+", 9},
      {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10}};
  for (const auto& [op, p] : table)
    if (t.text == op) return p;
  return -1;
}

ExprPtr Parser::binary(int min_prec) {
  ExprPtr lhs = unary();
  while (true) {
    int p = precedence(cur());
    if (p < 0 || p <= min_prec - 1 || p < min_prec) break;
    Token op = next();
    ExprPtr rhs = binary(p + 1);
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::Binary;
    e->op = op.text;
    e->loc = lhs->loc;
    e->kids.push_back(std::move(lhs));
    e->kids.push_back(std::move(rhs));
    lhs = sized(std::move(e));
  }
  return lhs;
}

ExprPtr Parser::unary() {
  Depth d(*this);
  SrcLoc loc = cur().loc;
  if (is_punct("!") || is_punct("-") || is_punct("~") || is_punct("+") || is_punct("&") ||
      is_punct("*")) {
    std::string op = next().text;
    auto e = std::make_unique<Expr>();
    e->loc = loc;
    e->kids.push_back(unary());
    if (op == "&") e->kind = ExprKind::AddrOf;
    else if (op == "*") e->kind = ExprKind::Deref;
    else {
      e->kind = ExprKind::Unary;
      e->op = op;
    }
    return sized(std::move(e));
  }
  return postfix(primary());
}

ExprPtr Parser::postfix(ExprPtr e) {
  while (true) {
    if (is_punct("[")) {
      next();
      auto x = std::make_unique<Expr>();
      x->kind = ExprKind::Index;
      x->loc = e->loc;
      x->kids.push_back(std::move(e));
      x->kids.push_back(expr());
      expect("]", "to close the index");
      e = sized(std::move(x));
    } else if (is_punct(".") || is_punct("->")) {
      bool arrow = next().text == "->";
      auto x = std::make_unique<Expr>();
      x->kind = arrow ? ExprKind::Arrow : ExprKind::Member;
      x->loc = e->loc;
      x->name = expect_ident("a field name").text;
      x->kids.push_back(std::move(e));
      e = sized(std::move(x));
    } else {
      return e;
    }
  }
}

ExprPtr Parser::primary() {
  SrcLoc loc = cur().loc;
  auto e = std::make_unique<Expr>();
  e->loc = loc;
  if (at(Tok::Int)) {
    e->kind = ExprKind::IntLit;
    e->ival = next().value;
    return e;
  }
  if (at(Tok::String)) {
    e->kind = ExprKind::StrLit;
    e->text = next().text;
    return e;
  }
  if (is_punct("(")) {
    next();
    ExprPtr inner = expr();
    expect(")", "to close '('");
    return inner;
  }
  if (!at(Tok::Ident)) fail_expected("an expression");
  std::string w = next().text;
  if (w == "true" || w == "false") {
    e->kind = ExprKind::BoolLit;
    e->ival = w == "true";
  } else if (w == "NULL") {
    e->kind = ExprKind::Null;
  } else if (w == "current") {
    e->kind = ExprKind::Current;
  } else if (w == "NO_THREAD") {
    e->kind = ExprKind::NoThread;
  } else if (w == "self") {
    e->kind = ExprKind::Self;
  } else if (is_punct("(")) {
    next();
    e->kind = ExprKind::Call;
    e->name = w;
    while (!is_punct(")")) {
      e->kids.push_back(expr());
      if (!is_punct(",")) break;
      next();
    }
    expect(")", ("to close the call to " + w).c_str());
    return sized(std::move(e));
  } else {
    e->kind = ExprKind::Name;
    e->name = w;
  }
  return e;
}

}  // namespace pcmc::model::detail
