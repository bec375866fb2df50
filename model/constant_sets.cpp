// --set NAME=VALUE (model/constant_sets.hpp).
#include "model/constant_sets.hpp"

#include <cctype>
#include <charconv>
#include <memory>

namespace pcmc::model {

std::pair<std::string, std::int64_t> parse_set(const std::string& text) {
  const auto eq = text.find('=');
  const std::string name = text.substr(0, eq);
  bool ident = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) ident = ident && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (eq == std::string::npos || !ident)
    throw SetError("--set '" + text + "': expected NAME=VALUE (e.g. --set HPAGE_PMD_NR=8)");
  std::string v = text.substr(eq + 1);
  bool neg = !v.empty() && v[0] == '-';
  if (neg) v.erase(0, 1);
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    base = 16;
    v.erase(0, 2);
  }
  std::uint64_t mag = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), mag, base);
  const std::uint64_t limit = neg ? (std::uint64_t{1} << 63) : (std::uint64_t{1} << 63) - 1;
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || mag > limit)
    throw SetError("--set '" + text + "': the value must be a 64-bit integer");
  const std::int64_t value = neg ? static_cast<std::int64_t>(0 - mag) : static_cast<std::int64_t>(mag);
  return {name, value};
}

void apply_sets(ast::Model& model, const ConstantSets& sets) {
  for (const auto& [name, value] : sets) {
    ast::ConstDecl* def = nullptr;
    const ast::ConstDecl* fixed = nullptr;
    for (auto& c : model.consts)
      if (c.name == name) {
        if (c.is_default) def = &c;
        else fixed = &c;
      }
    if (!def) {
      std::string known;
      for (const auto& c : model.consts)
        if (c.is_default) known += (known.empty() ? "" : ", ") + c.name;
      throw SetError("--set " + name + ": no #default constant '" + name + "' to override" +
                     (known.empty() ? std::string(" (the model has none)")
                                    : " (the model's #defaults: " + known + ")"));
    }
    if (fixed)
      throw SetError("--set " + name + ": the model fixes '" + name + "' with #define or const; " +
                     "--set overrides only a library #default (remove the #define to vary it)");
    auto lit = std::make_unique<ast::Expr>();
    lit->kind = ast::ExprKind::IntLit;  // a negative value too: the tree holds values, not text
    lit->loc = def->value->loc;
    lit->ival = value;
    def->value = std::move(lit);
  }
}

}  // namespace pcmc::model
