// Top-level declarations of pcmc model files (grammar: docs/language.md): scenario, switch,
// const, enum, struct, typedef, thread, init, invariant/final, exists, expect blocks, pools,
// globals and functions. Part of the parser (model/parser_impl.hpp); types, statements and
// expressions are parsed by the sibling parser_type.cpp, parser_stmt.cpp and parser_expr.cpp,
// directives by parser.cpp.
#include <map>

#include "model/parser_impl.hpp"

namespace pcmc::model::detail {

namespace {

// The --set values a run has (a later set of a name wins) equal the block's, as sets of pairs.
bool same_sets(const std::vector<std::pair<std::string, std::int64_t>>& block,
               const std::vector<std::pair<std::string, std::int64_t>>& run) {
  std::map<std::string, std::int64_t> a(block.begin(), block.end()), b;
  for (const auto& [n, v] : run) b[n] = v;
  return a == b;
}

}  // namespace

using namespace ast;

void Parser::top_level() {
  const Token& t = cur();
  if (t.kind == Tok::Include) return include(next());
  if (t.kind == Tok::Define) return define(next());
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
    // `exists NAME: cond;` names the clause (several may be declared); `exists (cond);` is the
    // unnamed one.
    if (at(Tok::Ident) && look(1).kind == Tok::Punct && look(1).text == ":") {
      d.name = next().text;
      next();
    }
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
    if (is_word("blocks")) {  // blocks(N): compound pages of N elements (docs/language.md)
      next();
      expect("(", "after blocks");
      v.block = expr();
      expect(")", "to close blocks(");
    }
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

void Parser::struct_decl() {
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

void Parser::global_or_function() {
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

void Parser::expect_decl() {
  ExpectDecl e;
  e.loc = next().loc;
  if (is_word("kernel")) {  // expect kernel "v6.12" B ... { }: only judged on that library
    next();
    if (!at(Tok::String)) fail_expected("a kernel library version in quotes, e.g. \"v6.12\"");
    e.kernel = next().text;
  }
  if (is_word("memory_model")) {  // expect memory_model "tso" "pso" B { }: only under those
    next();
    if (!at(Tok::String)) fail_expected("a memory model in quotes: \"sc\", \"tso\" or \"pso\"");
    while (at(Tok::String)) {
      const Token t = next();
      if (t.text != "sc" && t.text != "tso" && t.text != "pso")
        throw CompileError(t.loc, "unknown memory model \"" + t.text + "\" (sc, tso or pso)");
      e.memory_models.push_back(t.text);
    }
  }
  // expect set NAME=VALUE ... B { }: only judged by a run with exactly these --set values. `set`
  // followed by a NAME '=' is the keyword; a switch called `set` is still a variant.
  if (is_word("set") && look(1).kind == Tok::Ident && look(2).kind == Tok::Punct &&
      look(2).text == "=") {
    next();
    while (at(Tok::Ident) && look(1).kind == Tok::Punct && look(1).text == "=") {
      const Token name = next();
      next();
      const bool neg = is_punct("-");
      if (neg) next();
      if (!at(Tok::Int)) fail_expected("an integer value for " + name.text);
      const Token v = next();
      for (const auto& [n, _] : e.sets)
        if (n == name.text)
          throw CompileError(name.loc, "'" + name.text + "' is set twice in this expect block");
      e.sets.emplace_back(name.text, neg ? -v.value : v.value);  // Int: 0 .. INT64_MAX
    }
  }
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
  // A block without memory_model pins what sc gives (every block written before tso/pso).
  const bool mm = e.memory_models.empty()
                      ? opts_.memory_model == "sc"
                      : std::find(e.memory_models.begin(), e.memory_models.end(),
                                  opts_.memory_model) != e.memory_models.end();
  if (opts_.every_expect ||
      ((e.kernel.empty() || e.kernel == opts_.kernel) && mm && same_sets(e.sets, opts_.sets)))
    m_.expects.push_back(std::move(e));
}

ExpectItem Parser::expect_item() {
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
  // `with por+symmetry`: the reductions a pinned count is measured under, in the order and the
  // words of properties::Outcome::reduced ("dead variables, por, sleep sets, symmetry"). The
  // dead-variable reduction is on in every pin (it is the default run's), except `with none`:
  // the counts of `--no-reduce`. A plain pin is the default run's: dead variables, POR (ample
  // sets alone, as with the non-termination pass), symmetry and transactions
  // (properties::kDefaultReductions).
  auto reductions = [&] {
    bool dead = true, por = !is_word("with"), sleep = false, symmetry = por;
    bool transactions = por;
    if (is_word("with")) {
      next();
      for (;;) {
        Token r = expect_ident("a reduction (por, sleep, symmetry, transactions or none)");
        if (r.text == "por") por = true;
        else if (r.text == "sleep") sleep = true;
        else if (r.text == "symmetry") symmetry = true;
        else if (r.text == "transactions") transactions = true;
        else if (r.text == "none") dead = false;
        else
          throw CompileError(r.loc, "expected por, sleep, symmetry, transactions or none, found '" +
                                        r.text + "'");
        if (!dead && (por || sleep || symmetry || transactions))
          throw CompileError(r.loc, "'none' stands alone: it means no reduction at all");
        if (!is_punct("+")) break;
        next();
      }
    }
    for (const auto& [on, name] :
         {std::pair{dead, "dead variables"}, std::pair{por, "por"}, std::pair{sleep, "sleep sets"},
          std::pair{symmetry, "symmetry"}, std::pair{transactions, "transactions"}})
      if (on) it.reduced += (it.reduced.empty() ? "" : ", ") + std::string(name);
  };
  if (w.text == "class" && at(Tok::Ident) && !is_word("holds") && !is_word("violated")) {
    it.kind = ExpectItem::Class;
    it.name = next().text;
    verdict();
  } else if (w.text == "states" && at(Tok::Int)) {
    it.kind = ExpectItem::States;
    count();
    reductions();
  } else if (w.text == "transitions" && at(Tok::Int)) {
    it.kind = ExpectItem::Transitions;
    count();
    reductions();
  } else if (w.text == "exists" && at(Tok::Ident) && !is_word("holds") && !is_word("violated")) {
    it.kind = ExpectItem::Exists;
    // `exists sometimes;` (the unnamed clause) or `exists NAME sometimes;` (a named one)
    if (!is_word("never") && !is_word("sometimes") && !is_word("always") &&
        look(1).kind == Tok::Ident)
      it.name = next().text;
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

}  // namespace pcmc::model::detail
