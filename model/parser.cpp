// Recursive-descent parser of pcmc model files (grammar: docs/language.md), with #include
// splicing. Semantics (names, types, duplicates) are the compiler's job.
#include "model/parser.hpp"

#include <filesystem>
#include <set>

#include "model/lexer.hpp"

namespace pcmc::model {

namespace fs = std::filesystem;
using namespace ast;

namespace {

constexpr int kMaxNesting = 200;

class Parser {
 public:
  Parser(SourceManager& sm, const ParseOptions& opts, Model& model)
      : sm_(sm), opts_(opts), m_(model) {}

  void parse_file_index(std::uint32_t file, const std::string& canonical) {
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

  // ---------------------------------------------------------------- top level
  void top_level() {
    const Token& t = cur();
    if (t.kind == Tok::Include) return include(next());
    if (t.kind == Tok::Define) {
      Token name = next();
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
      return;
    }
    if (t.kind != Tok::Ident) fail_expected("a declaration");
    const std::string& w = t.text;
    if (w == "scenario") {
      ScenarioDecl s;
      s.loc = next().loc;
      s.name = expect_ident("a scenario name").text;
      if (at(Tok::String)) s.doc = next().text;
      expect(";", "after the scenario declaration");
      m_.scenarios.push_back(std::move(s));
    } else if (w == "switch") {
      SwitchDecl s;
      s.loc = next().loc;
      s.name = expect_ident("a switch name").text;
      if (at(Tok::String)) s.doc = next().text;
      expect(";", "after the switch declaration");
      m_.switches.push_back(std::move(s));
    } else if (w == "const" && look(1).kind == Tok::Ident && look(2).kind == Tok::Punct &&
               look(2).text == "=") {
      ConstDecl c;
      next();
      Token name = next();
      c.loc = name.loc;
      c.name = name.text;
      next();  // =
      c.value = expr();
      expect(";", "after the constant");
      m_.consts.push_back(std::move(c));
    } else if (w == "enum" && look(2).kind == Tok::Punct && look(2).text == "{") {
      EnumDecl e;
      e.loc = next().loc;
      e.name = expect_ident("an enum name").text;
      expect("{");
      while (!is_punct("}")) {
        Token it = expect_ident("an enumerator");
        e.items.emplace_back(it.text, it.loc);
        if (!is_punct(",")) break;
        next();
      }
      expect("}", "to close the enum");
      expect(";", "after the enum");
      m_.enums.push_back(std::move(e));
    } else if (w == "struct" && look(2).kind == Tok::Punct && look(2).text == "{") {
      struct_decl();
    } else if (w == "typedef") {
      TypedefDecl d;
      d.loc = next().loc;
      d.type = type();
      d.name = expect_ident("a typedef name").text;
      if (is_punct("[")) throw CompileError(cur().loc, "array typedefs are not supported");
      expect(";", "after the typedef");
      typedefs_.insert(d.name);
      m_.typedefs.push_back(std::move(d));
    } else if (w == "thread") {
      ThreadDecl d;
      d.loc = next().loc;
      d.name = expect_ident("a thread name").text;
      d.body = block();
      m_.threads.push_back(std::move(d));
    } else if (w == "init") {
      InitDecl d;
      d.loc = next().loc;
      d.body = block();
      m_.inits.push_back(std::move(d));
    } else if (w == "invariant" || w == "final") {
      CondDecl d;
      d.loc = next().loc;
      d.name = expect_ident("a name").text;
      expect(":", "after the name");
      d.cond = expr();
      expect(";");
      (w == "invariant" ? m_.invariants : m_.finals).push_back(std::move(d));
    } else if (w == "exists") {
      ExistsDecl d;
      d.loc = next().loc;
      d.cond = expr();
      expect(";", "after the exists clause");
      m_.exists.push_back(std::move(d));
    } else if (w == "expect") {
      expect_decl();
    } else if (w == "pool") {
      next();
      VarDecl v;
      v.is_pool = true;
      v.loc = cur().loc;
      v.type = type();
      Token name = expect_ident("a pool name");
      v.loc = name.loc;
      v.name = name.text;
      dims(v.dims);
      if (is_word("named")) {
        next();
        expect("{");
        while (!is_punct("}")) {
          Token n = expect_ident("an element name");
          v.elem_names.emplace_back(n.text, n.loc);
          if (!is_punct(",")) break;
          next();
        }
        expect("}", "to close the element names");
      }
      expect(";", "after the pool declaration");
      m_.globals.push_back(std::move(v));
    } else {
      global_or_function();
    }
  }

  void include(const Token& t) {
    fs::path from = fs::path(sm_.file(t.loc.file).path).parent_path();
    std::vector<fs::path> candidates{from / t.text};
    for (const auto& d : opts_.include_path) candidates.push_back(fs::path(d) / t.text);
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
    for (const auto& d : opts_.include_path) searched += ", " + d;
    throw CompileError(t.loc, "cannot find include file '" + t.text + "' (searched: " + searched + ")");
  }

  void struct_decl() {
    StructDecl s;
    s.loc = next().loc;
    s.name = expect_ident("a struct name").text;
    expect("{");
    while (!is_punct("}")) {
      if (at(Tok::End)) fail_expected("'}' to close the struct");
      TypePtr base = type();
      while (true) {
        FieldDecl f;
        Token name = expect_ident("a field name");
        f.loc = name.loc;
        f.name = name.text;
        f.type = clone_type(*base);
        dims(f.dims);
        if (is_word("guarded_by")) {
          next();
          expect("(");
          f.guard = expr();
          expect(")", "to close guarded_by(");
        }
        s.fields.push_back(std::move(f));
        if (!is_punct(",")) break;
        next();
      }
      expect(";", "after the field");
    }
    next();
    expect(";", "after the struct");
    m_.structs.push_back(std::move(s));
  }

  void global_or_function() {
    TypePtr t = type();
    Token name = expect_ident("a name");
    if (is_punct("(")) {
      FuncDecl f;
      f.loc = name.loc;
      f.ret = std::move(t);
      f.name = name.text;
      next();
      if (is_word("void") && look(1).kind == Tok::Punct && look(1).text == ")") next();
      while (!is_punct(")")) {
        Param p;
        p.loc = cur().loc;
        p.type = type();
        Token pn = expect_ident("a parameter name");
        p.loc = pn.loc;
        p.name = pn.text;
        dims(p.dims);
        f.params.push_back(std::move(p));
        if (!is_punct(",")) break;
        next();
      }
      expect(")", "to close the parameter list");
      if (!is_punct("{")) fail_expected("'{' to start the function body");
      f.body = block();
      m_.funcs.push_back(std::move(f));
      return;
    }
    while (true) {
      VarDecl v;
      v.loc = name.loc;
      v.name = name.text;
      v.type = clone_type(*t);
      dims(v.dims);
      if (is_punct("=")) {
        next();
        v.init = expr();
      }
      m_.globals.push_back(std::move(v));
      if (!is_punct(",")) break;
      next();
      name = expect_ident("a name");
    }
    expect(";", "after the declaration");
  }

  void expect_decl() {
    ExpectDecl e;
    e.loc = next().loc;
    while (true) {
      Token first = expect_ident("a variant (B, or switches joined by '+')");
      std::vector<std::string> v;
      if (first.text != "B") v.push_back(first.text);
      while (is_punct("+")) {
        next();
        v.push_back(expect_ident("a switch name").text);
      }
      e.variants.push_back(v);
      e.variant_locs.push_back(first.loc);
      if (!is_punct(",")) break;
      next();
    }
    if (is_word("debug")) e.mode = ModeSel::Debug, next();
    else if (is_word("nodebug")) e.mode = ModeSel::NoDebug, next();
    else if (is_word("both")) e.mode = ModeSel::Both, next();
    else if (!is_punct("{")) fail_expected("a mode (debug, nodebug or both) or '{'");
    expect("{");
    while (!is_punct("}")) {
      if (at(Tok::End)) fail_expected("'}' to close the expect block");
      e.items.push_back(expect_item());
    }
    next();
    m_.expects.push_back(std::move(e));
  }

  ExpectItem expect_item() {
    ExpectItem it;
    it.loc = cur().loc;
    Token w = expect_ident("an expectation (a property name, class, states, transitions or exists)");
    auto verdict = [&] {
      if (is_word("holds")) it.verdict = Verdict::Holds;
      else if (is_word("violated")) it.verdict = Verdict::Violated;
      else fail_expected("'holds' or 'violated'");
      next();
    };
    auto count = [&] {
      if (!at(Tok::Int)) fail_expected("a count");
      it.count = next().value;
    };
    if (w.text == "class" && at(Tok::Ident) && !is_word("holds") && !is_word("violated")) {
      it.kind = ExpectItem::Class;
      it.name = next().text;
      verdict();
    } else if (w.text == "states" && at(Tok::Int)) {
      it.kind = ExpectItem::States;
      count();
    } else if (w.text == "transitions" && at(Tok::Int)) {
      it.kind = ExpectItem::Transitions;
      count();
    } else if (w.text == "exists" && at(Tok::Ident) && !is_word("holds") && !is_word("violated")) {
      it.kind = ExpectItem::Exists;
      Token q = next();
      if (q.text == "never") it.quant = Quantifier::Never;
      else if (q.text == "sometimes") it.quant = Quantifier::Sometimes;
      else if (q.text == "always") it.quant = Quantifier::Always;
      else throw CompileError(q.loc, "expected never, sometimes or always, found '" + q.text + "'");
      if (at(Tok::Int)) count();
    } else {
      it.kind = ExpectItem::Property;
      it.name = w.text;
      if (is_punct(".")) {
        next();
        it.name += "." + expect_ident("a name after '.'").text;
      } else if (is_punct(":")) {
        next();
        if (!at(Tok::Int)) fail_expected("a line number");
        it.name += ":" + next().text;
      }
      verdict();
    }
    expect(";", "after the expectation");
    return it;
  }

  // ---------------------------------------------------------------- types
  bool starts_type() const {
    if (cur().kind != Tok::Ident) return false;
    const std::string& w = cur().text;
    return w == "bool" || w == "int" || w == "void" || w == "thread_t" || w == "struct" ||
           w == "enum" || w == "static" || w == "inline" || w == "const" ||
           typedefs_.count(w) != 0;
  }

  TypePtr type() {
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

  static ExprPtr clone_expr(const Expr* e) {
    if (!e) return nullptr;
    auto c = std::make_unique<Expr>();
    c->kind = e->kind;
    c->loc = e->loc;
    c->ival = e->ival;
    c->name = e->name;
    c->op = e->op;
    c->text = e->text;
    for (const auto& k : e->kids) c->kids.push_back(clone_expr(k.get()));
    return c;
  }
  static TypePtr clone_type(const TypeExpr& t) {
    auto c = std::make_unique<TypeExpr>();
    c->kind = t.kind;
    c->loc = t.loc;
    c->name = t.name;
    c->lo = clone_expr(t.lo.get());
    c->hi = clone_expr(t.hi.get());
    if (t.pointee) c->pointee = clone_type(*t.pointee);
    return c;
  }

  void dims(std::vector<ExprPtr>& out) {
    while (is_punct("[")) {
      next();
      out.push_back(expr());
      expect("]", "to close the array dimension");
    }
  }

  // ---------------------------------------------------------------- statements
  StmtPtr make(StmtKind k, SrcLoc loc) {
    auto s = std::make_unique<Stmt>();
    s->kind = k;
    s->loc = loc;
    return s;
  }

  StmtPtr block() {
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
  void statement_into(std::vector<StmtPtr>& out) {
    if (starts_local_decl()) {
      decl_statements(out);
      expect(";", "after the declaration");
      return;
    }
    out.push_back(statement());
  }

  bool starts_local_decl() const {
    if (!starts_type()) return false;
    // `name:` is a label even if name is a typedef (it cannot be), and `x = ...` is not a decl.
    return true;
  }

  void decl_statements(std::vector<StmtPtr>& out) {
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

  StmtPtr statement() {
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
        if (!is_punct("{")) fail_expected("'{' after atomic");
        s->body.push_back(block());
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
  StmtPtr simple_statement() {
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

  // ---------------------------------------------------------------- expressions
  ExprPtr int_lit(std::int64_t v, SrcLoc loc) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::IntLit;
    e->ival = v;
    e->loc = loc;
    return e;
  }

  ExprPtr expr() {
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
    return e;
  }

  static int precedence(const Token& t) {
    if (t.kind != Tok::Punct) return -1;
    static const std::pair<const char*, int> table[] = {
        {"||", 1}, {"&&", 2}, {"|", 3},  {"^", 4},  {"&", 5},  {"==", 6}, {"!=", 6},
        {"<", 7},  {"<=", 7}, {">", 7},  {">=", 7}, {"<<", 8}, {">>", 8}, {"+", 9},
        {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10}};
    for (const auto& [op, p] : table)
      if (t.text == op) return p;
    return -1;
  }

  ExprPtr binary(int min_prec) {
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
      lhs = std::move(e);
    }
    return lhs;
  }

  ExprPtr unary() {
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
      return e;
    }
    return postfix(primary());
  }

  ExprPtr postfix(ExprPtr e) {
    while (true) {
      if (is_punct("[")) {
        next();
        auto x = std::make_unique<Expr>();
        x->kind = ExprKind::Index;
        x->loc = e->loc;
        x->kids.push_back(std::move(e));
        x->kids.push_back(expr());
        expect("]", "to close the index");
        e = std::move(x);
      } else if (is_punct(".") || is_punct("->")) {
        bool arrow = next().text == "->";
        auto x = std::make_unique<Expr>();
        x->kind = arrow ? ExprKind::Arrow : ExprKind::Member;
        x->loc = e->loc;
        x->name = expect_ident("a field name").text;
        x->kids.push_back(std::move(e));
        e = std::move(x);
      } else {
        return e;
      }
    }
  }

  ExprPtr primary() {
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
    } else {
      e->kind = ExprKind::Name;
      e->name = w;
    }
    return e;
  }

  SourceManager& sm_;
  const ParseOptions& opts_;
  Model& m_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::set<std::string> typedefs_;
  std::vector<std::string> active_;  // files being parsed (include cycle detection)
  std::set<std::string> done_;       // files parsed (include once)
};

std::string canonical(const std::string& path) {
  std::error_code ec;
  auto c = fs::weakly_canonical(fs::path(path), ec);
  return ec ? path : c.string();
}

}  // namespace

ast::Model parse_file(SourceManager& sm, const std::string& path, const ParseOptions& opts) {
  std::uint32_t idx = sm.load(path, SrcLoc{});
  ast::Model m;
  Parser p(sm, opts, m);
  p.parse_file_index(idx, canonical(path));
  return m;
}

ast::Model parse_text(SourceManager& sm, const std::string& name, const std::string& text,
                      const ParseOptions& opts) {
  std::uint32_t idx = sm.add(name, text);
  ast::Model m;
  Parser p(sm, opts, m);
  p.parse_file_index(idx, canonical(name));
  return m;
}

}  // namespace pcmc::model
