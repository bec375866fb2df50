// The code generator's expressions and addresses (model/codegen_writer.hpp): each node of
// Program::exprs / Program::addrs as C++ statements, in the interpreter's evaluation order
// (model/exec_eval.cpp, Eval), so footprint marks and discipline events come out in the same
// order.
#include <limits>
#include <stdexcept>

#include "model/codegen_writer.hpp"

namespace pcmc::model::codegen {

std::string literal(std::int64_t v) {
  if (v == std::numeric_limits<std::int64_t>::min()) return "(-INT64_C(9223372036854775807) - 1)";
  return "INT64_C(" + std::to_string(v) + ")";
}

bool is_literal(const std::string& e, std::int64_t& v) {
  if (e.rfind("INT64_C(", 0) != 0 || e.back() != ')') return false;
  try {
    std::size_t used = 0;
    const std::string digits = e.substr(8, e.size() - 9);
    v = std::stoll(digits, &used);
    return used == digits.size();
  } catch (const std::exception&) {
    return false;
  }
}

Addr constant(std::uint32_t offset) {
  Addr a;
  a.constant = true;
  a.value = offset;
  a.expr = std::to_string(offset) + "u";
  return a;
}

const char* load_fn(unsigned width) {
  switch (width) {
    case 1: return "ld1";
    case 2: return "ld2";
    case 4: return "ld4";
  }
  throw std::logic_error("codegen: scalar width " + std::to_string(width));
}

const char* store_fn(unsigned width) {
  switch (width) {
    case 1: return "st1";
    case 2: return "st2";
    case 4: return "st4";
  }
  throw std::logic_error("codegen: scalar width " + std::to_string(width));
}

namespace {

// The block size checked for `pool` in `env`, 0 for none (Eval::block_of).
std::uint32_t block_of(const Env& env, std::int32_t pool) {
  if (env.crossed.empty() || env.blocks == nullptr || pool < 0 ||
      static_cast<std::size_t>(pool) >= env.blocks->size())
    return 0;
  return (*env.blocks)[static_cast<std::size_t>(pool)];
}

// Whether references x and y (non-NULL) lie in different blocks of b elements (Eval::same_block).
std::string other_block(const std::string& x, const std::string& y, std::uint32_t b) {
  const std::string B = "INT64_C(" + std::to_string(b) + ")";
  return "(" + x + " - 1) / " + B + " != (" + y + " - 1) / " + B;
}

}  // namespace

void Writer::line(const std::string& s) {
  for (int i = 0; i < indent_; ++i) o_ << "  ";
  o_ << s << "\n";
}

const ENode& Writer::node(ExprId id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= p_.exprs.size())
    throw std::logic_error("codegen: bad expression id " + std::to_string(id));
  return p_.exprs[static_cast<std::size_t>(id)];
}

const ANode& Writer::anode(AddrId id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= p_.addrs.size())
    throw std::logic_error("codegen: bad address id " + std::to_string(id));
  return p_.addrs[static_cast<std::size_t>(id)];
}

void Writer::mark(const Addr& a, unsigned width, const char* bits) {
  if (!a.constant) {
    line("if constexpr (A) mark(" + std::string(bits) + ", " + std::to_string(p_.globals_size) +
         "u, " + a.expr + ", " + std::to_string(width) + "u);");
    return;
  }
  // Known offset: the words and masks are computed here.
  std::vector<std::uint64_t> words;
  for (std::uint32_t b = a.value; b < a.value + width && b < p_.globals_size; ++b) {
    if (words.size() <= b / 64) words.resize(b / 64 + 1, 0);
    words[b / 64] |= std::uint64_t{1} << (b % 64);
  }
  for (std::size_t w = 0; w < words.size(); ++w)
    if (words[w] != 0)
      line("if constexpr (A) " + std::string(bits) + "[" + std::to_string(w) + "] |= UINT64_C(" +
           std::to_string(words[w]) + ");");
}

Addr Writer::addr(AddrId id, const Env& env) {
  const ANode& a = anode(id);
  Addr r;
  switch (a.op) {
    case AOp::Global:
      r.constant = true;
      r.value = a.offset;
      r.expr = std::to_string(a.offset) + "u";
      return r;
    case AOp::Local:
      r.expr = "(" + env.area + " + " + std::to_string(a.offset) + "u)";
      return r;
    case AOp::Index: {
      const Addr base = addr(a.base, env);
      const std::string i = expr(a.index, env);
      std::int64_t k = 0;
      if (is_literal(i, k)) {  // a constant index: checked here
        if (k < 0 || k >= static_cast<std::int64_t>(a.count)) {
          line(env.fail(ModelErrorKind::IndexBounds, i, env.pc));
          return constant(0);
        }
        const std::uint32_t add = a.offset + static_cast<std::uint32_t>(k) * a.stride;
        if (base.constant) return constant(base.value + add);
        r.expr = "(" + base.expr + " + " + std::to_string(add) + "u)";
        return r;
      }
      line("if (" + i + " < 0 || " + i + " >= " + literal(a.count) + ") " +
           env.fail(ModelErrorKind::IndexBounds, i, env.pc));
      r.expr = tmp();
      line("const std::uint32_t " + r.expr + " = " + base.expr + " + " +
           std::to_string(a.offset) + "u + static_cast<std::uint32_t>(" + i + ") * " +
           std::to_string(a.stride) + "u;");
      return r;
    }
    case AOp::Deref: {
      const std::string ref = expr(a.index, env);
      std::int64_t k = 0;
      if (is_literal(ref, k)) {  // a constant reference (a named page): checked here
        if (k == 0) {
          line(env.fail(ModelErrorKind::NullDeref, "INT64_C(0)", env.pc));
          return constant(0);
        }
        if (k < 1 || k > static_cast<std::int64_t>(a.count)) {
          line(env.fail(ModelErrorKind::PoolBounds, ref, env.pc));
          return constant(0);
        }
        if (env.assertion && a.guard >= 0) check_guard(a, id, ref, env);
        return constant(a.offset + static_cast<std::uint32_t>(k - 1) * a.stride);
      }
      line("if (" + ref + " == 0) " + env.fail(ModelErrorKind::NullDeref, "INT64_C(0)", env.pc));
      line("if (" + ref + " < 1 || " + ref + " > " + literal(a.count) + ") " +
           env.fail(ModelErrorKind::PoolBounds, ref, env.pc));
      if (env.assertion && a.guard >= 0) check_guard(a, id, ref, env);
      r.expr = tmp();
      line("const std::uint32_t " + r.expr + " = " + std::to_string(a.offset) +
           "u + static_cast<std::uint32_t>(" + ref + " - 1) * " + std::to_string(a.stride) +
           "u;");
      return r;
    }
  }
  throw std::logic_error("codegen: unknown address op");
}

// Eval::check_guard: the guard with Self = the reference and assertion mode off; a Discipline
// event unless the step's events already hold one for this site and address. The address id is
// per thread (a table), so threads with identical code share the function.
void Writer::check_guard(const ANode& a, AddrId id, const std::string& ref, const Env& env) {
  Env g = env;
  g.assertion = false;
  g.self = ref;
  open("{");
  const std::string ok = expr(a.guard, g);
  const std::string slot = "tp.disc[" + std::to_string(disc.size()) + "]";
  disc.push_back(id);
  line("if (" + ok + " == 0 && c.h->has_discipline(c.hc, " + env.site + ", " + slot +
       ") == 0)");
  line("  push(c, 1, 0, " + env.thread + ", " + env.site + ", " + std::to_string(env.pc) +
       "u, " + slot + ", 0);");
  close();
}

std::string Writer::expr(ExprId id, const Env& env) {
  const ENode& n = node(id);
  const std::string t = tmp();
  auto def = [&](const std::string& value) { line("const std::int64_t " + t + " = " + value + ";"); };
  switch (n.op) {
    case EOp::Const: return literal(n.value);
    case EOp::Load: {
      const Addr a = addr(n.a, env);
      if (env.access) mark(a, n.scalar.width, "c.reads");
      const std::string mem =
          std::string(load_fn(n.scalar.width)) + "(" + env.state + " + " + a.expr + ")";
      if (env.sb.empty()) def(mem);
      else def("sbld(" + env.sb + ", " + a.expr + ", " + std::to_string(p_.globals_size) + "u, " + mem + ")");
      return t;
    }
    case EOp::Current: def("static_cast<std::int64_t>(" + env.thread + ") + 1"); return t;
    case EOp::Self: return env.self;
    case EOp::Not: {
      const std::string x = expr(n.a, env);
      def("static_cast<std::int64_t>(" + x + " == 0)");
      return t;
    }
    case EOp::Neg: {
      const std::string x = expr(n.a, env);
      line("std::int64_t " + t + " = 0;");
      line("if (pcmc_arith_neg(" + x + ", &" + t + ") != PCMC_ARITH_OK) " +
           env.fail(ModelErrorKind::Overflow, "INT64_C(0)", env.pc));
      return t;
    }
    case EOp::BitNot: {
      const std::string x = expr(n.a, env);
      def("~" + x);
      return t;
    }
    case EOp::LAnd:
    case EOp::LOr:
    case EOp::Cond: {
      // Control flow: only the operand that is needed is evaluated (and marked).
      line("std::int64_t " + t + " = 0;");
      open("{");
      const std::string x = expr(n.a, env);
      if (n.op == EOp::Cond) {
        open("if (" + x + " != 0) {");
        line(t + " = " + expr(n.b, env) + ";");
        close();
        open("else {");
        line(t + " = " + expr(n.c, env) + ";");
        close();
      } else {
        const bool land = n.op == EOp::LAnd;
        open(std::string("if (") + x + (land ? " != 0" : " == 0") + ") {");
        line(t + " = static_cast<std::int64_t>(" + expr(n.b, env) + " != 0);");
        close();
        line(std::string("else ") + t + " = " + (land ? "0;" : "1;"));
      }
      close();
      return t;
    }
    default: break;
  }
  const std::string x = expr(n.a, env);
  const std::string y = expr(n.b, env);
  auto bin = [&](const char* op) { def(x + " " + op + " " + y); };
  auto cmp = [&](const char* op) { def("static_cast<std::int64_t>(" + x + " " + op + " " + y + ")"); };
  // model/arith.h's checked operation `fn`, its errors as Eval::expr maps them.
  auto checked = [&](const char* fn) {
    line("std::int64_t " + t + " = 0;");
    open("if (const int e = " + std::string(fn) + "(" + x + ", " + y + ", &" + t + ")) {");
    if (n.op == EOp::Div || n.op == EOp::Mod)
      line("if (e == PCMC_ARITH_DIVZERO) " +
           env.fail(ModelErrorKind::DivZero, "INT64_C(0)", env.pc));
    if (n.op == EOp::Shl || n.op == EOp::Shr)
      line("if (e == PCMC_ARITH_SHIFT) " + env.fail(ModelErrorKind::Shift, y, env.pc));
    line(env.fail(ModelErrorKind::Overflow, "INT64_C(0)", env.pc));
    close();
  };
  switch (n.op) {
    case EOp::Add: checked("pcmc_arith_add"); return t;
    case EOp::Sub: checked("pcmc_arith_sub"); return t;
    case EOp::Mul: checked("pcmc_arith_mul"); return t;
    case EOp::Div: checked("pcmc_arith_div"); return t;
    case EOp::Mod: checked("pcmc_arith_mod"); return t;
    case EOp::Shl: checked("pcmc_arith_shl"); return t;
    case EOp::Shr: checked("pcmc_arith_shr"); return t;
    case EOp::Lt:
    case EOp::Le:
    case EOp::Gt:
    case EOp::Ge:
      if (const std::uint32_t b = block_of(env, n.ref_pool); b != 0)
        line("if (" + x + " != 0 && " + y + " != 0 && " + other_block(x, y, b) + ") " +
             env.crossed);
      cmp(n.op == EOp::Lt ? "<" : n.op == EOp::Le ? "<=" : n.op == EOp::Gt ? ">" : ">=");
      return t;
    case EOp::Eq: cmp("=="); return t;
    case EOp::Ne: cmp("!="); return t;
    case EOp::BitAnd: bin("&"); return t;
    case EOp::BitXor: bin("^"); return t;
    case EOp::BitOr: bin("|"); return t;
    case EOp::RefAdd: {
      if (n.scalar.pool < 0 || static_cast<std::size_t>(n.scalar.pool) >= p_.pools.size())
        throw std::logic_error("codegen: RefAdd without a pool");
      const std::uint32_t count = p_.pools[static_cast<std::size_t>(n.scalar.pool)].count;
      line("if (" + x + " == 0) " + env.fail(ModelErrorKind::NullDeref, "INT64_C(0)", env.pc));
      const std::uint32_t b = block_of(env, n.scalar.pool);
      line("std::int64_t " + t + " = 0;");
      line("if (pcmc_arith_add(" + x + ", " + y + ", &" + t + ") != PCMC_ARITH_OK) " +
           (b != 0 ? "{ " + env.crossed + " " : std::string()) +  // far outside the pool
           env.fail(ModelErrorKind::Overflow, "INT64_C(0)", env.pc) + (b != 0 ? " }" : ""));
      line("if (" + t + " < 1 || " + t + " > " + literal(count) + ") " +
           (b != 0 ? "{ " + env.crossed + " " : std::string()) +  // left its block, too
           env.fail(ModelErrorKind::PoolBounds, t + " - 1", env.pc) + (b != 0 ? " }" : ""));
      if (b != 0) line("if (" + other_block(x, t, b) + ") " + env.crossed);
      return t;
    }
    case EOp::RefDiff: {
      line("if (" + x + " == 0 || " + y + " == 0) " +
           env.fail(ModelErrorKind::NullDeref, "INT64_C(0)", env.pc));
      if (const std::uint32_t b = block_of(env, n.ref_pool); b != 0)
        line("if (" + other_block(x, y, b) + ") " + env.crossed);
      bin("-");
      return t;
    }
    default: break;
  }
  throw std::logic_error("codegen: unknown expression op");
}

}  // namespace pcmc::model::codegen
