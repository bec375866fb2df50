#include "properties/table.hpp"

#include <set>
#include <stdexcept>

namespace pcmc::properties {

using model::AssertClass;

namespace {

PropertyClass class_of(AssertClass c) {
  switch (c) {
    case AssertClass::Debug: return PropertyClass::Debug;
    case AssertClass::Warn: return PropertyClass::Warn;
    case AssertClass::Bug: return PropertyClass::Bug;
    case AssertClass::Harm: return PropertyClass::Harm;
  }
  throw std::logic_error("unknown assertion class");
}

PropertyId add(PropertyTable& t, Property p) {
  t.props.push_back(std::move(p));
  return static_cast<PropertyId>(t.props.size() - 1);
}

bool addr_reads_guarded(const model::Program& p, model::AddrId a);

bool expr_reads_guarded(const model::Program& p, model::ExprId e) {
  if (e < 0) return false;
  const model::ENode& n = p.exprs.at(static_cast<std::size_t>(e));
  if (n.op == model::EOp::Load) return addr_reads_guarded(p, n.a);
  return expr_reads_guarded(p, n.a) || expr_reads_guarded(p, n.b) ||
         expr_reads_guarded(p, n.c);
}

bool addr_reads_guarded(const model::Program& p, model::AddrId a) {
  if (a < 0) return false;
  const model::ANode& n = p.addrs.at(static_cast<std::size_t>(a));
  if (n.guard >= 0) return true;
  return addr_reads_guarded(p, n.base) || expr_reads_guarded(p, n.index);
}

void collect_names(const model::ast::Stmt* s, const std::string& fn, std::set<std::string>& out);

bool is_assertion_call(const model::ast::Expr* e) {
  if (!e || e->kind != model::ast::ExprKind::Call) return false;
  static const std::set<std::string> names{"VM_BUG_ON", "VM_BUG_ON_PAGE", "VM_BUG_ON_FOLIO", "WARN_ON",
                                           "WARN_ON_ONCE", "BUG_ON", "HARM_ON"};
  return names.count(e->name) != 0;
}

void collect_expr(const model::ast::Expr* e, std::set<std::string>& out) {
  if (!e) return;
  if (e->kind == model::ast::ExprKind::Call && e->name == "HARM_ON" && e->kids.size() == 2 &&
      e->kids[1]->kind == model::ast::ExprKind::StrLit)
    out.insert(e->kids[1]->text);
  for (const auto& k : e->kids) collect_expr(k.get(), out);
}

void collect_names(const model::ast::Stmt* s, const std::string& fn, std::set<std::string>& out) {
  if (!s) return;
  if (s->kind == model::ast::StmtKind::Labeled && !s->body.empty() && s->body[0] &&
      s->body[0]->kind == model::ast::StmtKind::Expr && is_assertion_call(s->body[0]->expr.get()))
    out.insert(s->label);
  // An unlabelled assertion is named function:line.
  if (s->kind == model::ast::StmtKind::Expr && is_assertion_call(s->expr.get()))
    out.insert(fn + ":" + std::to_string(s->loc.line));
  collect_expr(s->expr.get(), out);
  collect_expr(s->lhs.get(), out);
  for (const auto& b : s->body) collect_names(b.get(), fn, out);
  collect_names(s->then_branch.get(), fn, out);
  collect_names(s->else_branch.get(), fn, out);
  collect_names(s->init.get(), fn, out);
  collect_names(s->step.get(), fn, out);
}

}  // namespace

PropertyId PropertyTable::find(const std::string& name) const {
  for (std::size_t i = 0; i < props.size(); ++i)
    if (props[i].name == name) return static_cast<PropertyId>(i);
  return kNoProperty;
}

bool reads_guarded_field(const model::Program& program, model::ExprId e) {
  return expr_reads_guarded(program, e);
}

PropertyTable build_property_table(const model::Program& program) {
  PropertyTable t;
  // Assertion sites: one property per name (HARM_ON sites may share a name).
  for (const model::AssertSite& site : program.asserts) {
    PropertyId id = t.find(site.name);
    if (id == kNoProperty)
      id = add(t, Property{site.name, class_of(site.cls), site.macro, site.function, site.loc,
                           site.text});
    t.site_prop.push_back(id);
  }
  // Discipline: for each site whose condition reads a guarded field. The condition is the `b`
  // operand of the site's Assert instructions, found in any thread's code (or init).
  t.site_discipline.assign(program.asserts.size(), kNoProperty);
  auto scan = [&](const model::Thread& th) {
    for (const model::Instr& ins : th.code) {
      if (ins.op != model::IOp::Assert || ins.site >= program.asserts.size()) continue;
      if (t.site_discipline[ins.site] != kNoProperty) continue;
      if (!reads_guarded_field(program, ins.b)) continue;
      const model::AssertSite& site = program.asserts[ins.site];
      std::string name = site.name + ".discipline";
      PropertyId id = t.find(name);
      if (id == kNoProperty)
        id = add(t, Property{name, PropertyClass::Discipline, site.macro, site.function, site.loc,
                             "guarded field read without its guard in: " + site.text});
      t.site_discipline[ins.site] = id;
    }
  };
  for (const model::Thread& th : program.threads) scan(th);
  scan(program.init);
  for (const model::NamedCond& c : program.invariants)
    t.invariant_prop.push_back(
        add(t, Property{c.name, PropertyClass::Invariant, "invariant", "", c.loc, c.text}));
  for (const model::NamedCond& c : program.finals)
    t.final_prop.push_back(
        add(t, Property{c.name, PropertyClass::Final, "final", "", c.loc, c.text}));
  t.deadlock = add(t, Property{"deadlock", PropertyClass::Deadlock, "deadlock", "", {},
                               "some thread is unfinished and no thread can step"});
  t.nontermination =
      add(t, Property{"nontermination", PropertyClass::Nontermination, "nontermination", "", {},
                      "a weakly fair cycle in which some thread never finishes"});
  t.model_error = add(t, Property{"model_error", PropertyClass::ModelError, "model_error", "", {},
                                  "the model left a declared range, dereferenced NULL, ..."});
  return t;
}

std::vector<std::string> declared_assertion_names(const model::ast::Model& model) {
  std::set<std::string> names;
  for (const auto& f : model.funcs) collect_names(f.body.get(), f.name, names);
  for (const auto& th : model.threads) collect_names(th.body.get(), th.name, names);
  for (const auto& in : model.inits) collect_names(in.body.get(), "init", names);
  // Every assertion may also have a discipline property.
  std::vector<std::string> base(names.begin(), names.end());
  for (const auto& n : base) names.insert(n + ".discipline");
  return {names.begin(), names.end()};
}

}  // namespace pcmc::properties
