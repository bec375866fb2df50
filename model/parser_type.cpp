// Types (bool, int[lo..hi], thread_t, struct/enum/typedef names, pointers), array dimensions,
// and the deep copies of type and expression trees that declarators with several names need.
// Part of the parser (model/parser_impl.hpp); used by parser_decl.cpp and parser_stmt.cpp.
#include "model/parser_impl.hpp"

namespace pcmc::model::detail {

using namespace ast;

bool Parser::starts_type() const {
  if (cur().kind != Tok::Ident) return false;
  const std::string& w = cur().text;
  return w == "bool" || w == "int" || w == "void" || w == "thread_t" || w == "struct" ||
         w == "enum" || w == "static" || w == "inline" || w == "const" ||
         typedefs_.count(w) != 0;
}

TypePtr Parser::type() {
  while (is_word("static") || is_word("inline") || is_word("const")) next();
  auto t = std::make_unique<TypeExpr>();
  t->loc = cur().loc;
  if (!at(Tok::Ident)) fail_expected("a type");
  std::string w = next().text;
  if (w == "bool") t->kind = TypeKind::Bool;
  else if (w == "void") t->kind = TypeKind::Void;
  else if (w == "thread_t") t->kind = TypeKind::ThreadT;
  else if (w == "int") {
    t->kind = TypeKind::IntRange;
    if (!is_punct("[")) fail_expected("'[' after int (bounded integers are written int[lo..hi])");
    next();
    t->lo = expr();
    expect("..", "in int[lo..hi]");
    t->hi = expr();
    expect("]", "to close int[lo..hi]");
  } else if (w == "struct" || w == "enum") {
    t->kind = w == "struct" ? TypeKind::Struct : TypeKind::Enum;
    t->name = expect_ident(w == "struct" ? "a struct name" : "an enum name").text;
  } else if (typedefs_.count(w)) {
    t->kind = TypeKind::Named;
    t->name = w;
  } else {
    throw CompileError(t->loc, "expected a type, found '" + w + "'");
  }
  while (is_word("const")) next();
  while (is_punct("*")) {
    auto p = std::make_unique<TypeExpr>();
    p->kind = TypeKind::Pointer;
    p->loc = cur().loc;
    next();
    p->pointee = std::move(t);
    t = std::move(p);
    while (is_word("const")) next();
  }
  return t;
}

ExprPtr Parser::clone_expr(const Expr* e) {
  if (!e) return nullptr;
  auto c = std::make_unique<Expr>();
  c->kind = e->kind;
  c->loc = e->loc;
  c->ival = e->ival;
  c->name = e->name;
  c->op = e->op;
  c->text = e->text;
  c->height = e->height;
  for (const auto& k : e->kids) c->kids.push_back(clone_expr(k.get()));
  return c;
}

TypePtr Parser::clone_type(const TypeExpr& t) {
  auto c = std::make_unique<TypeExpr>();
  c->kind = t.kind;
  c->loc = t.loc;
  c->name = t.name;
  c->lo = clone_expr(t.lo.get());
  c->hi = clone_expr(t.hi.get());
  if (t.pointee) c->pointee = clone_type(*t.pointee);
  return c;
}

void Parser::dims(std::vector<ExprPtr>& out) {
  while (is_punct("[")) {
    next();
    out.push_back(expr());
    expect("]", "to close the array dimension");
  }
}

}  // namespace pcmc::model::detail
