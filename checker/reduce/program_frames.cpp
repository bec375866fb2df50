// Page-frame symmetry detection on a Program (program_frames.hpp).
#include "checker/reduce/program_frames.hpp"

#include <map>
#include <set>
#include <tuple>

#include "checker/reduce/frame_area_types.hpp"
#include "checker/system/program_names.hpp"

namespace pcmc::checker {

namespace {

using namespace program_names;  // program_names.hpp

// Walks code and conditions with the pool a value is used as (its context): a constant used as a
// reference names an element; choose on references refuses the pool; arithmetic and ordering
// on references are recorded (they refuse the pool unless it is permuted in blocks).
class RefScan {
 public:
  explicit RefScan(const Program& p)
      : p_(p), refused_(p.pools.size()), arith_(p.pools.size()), named_(p.pools.size()) {}

  void code(const std::vector<Instr>& c) {
    for (const Instr& ins : c) {
      where_ = &ins;
      const int dst = ins.scalar.kind == ScalarKind::Ref ? ins.scalar.pool : -1;
      switch (ins.op) {
        case IOp::Assign: addr(ins.a, -1); expr(ins.b, dst, -1); break;
        case IOp::Choose:
          addr(ins.a, -1);
          if (dst >= 0) refuse(dst, "a choose() of a reference");
          break;
        case IOp::Assert:
          expr(ins.b, -1, -1);
          if (ins.a >= 0) addr(ins.a, -1);
          break;
        case IOp::JumpIfNot:
        case IOp::Await: expr(ins.b, -1, -1); break;
        default: break;
      }
    }
    where_ = nullptr;
  }

  void condition(const model::NamedCond& c) {
    cond_ = &c;
    expr(c.cond, -1, -1);
    cond_ = nullptr;
  }

  const std::vector<std::string>& refused() const { return refused_; }
  const std::vector<std::string>& arith() const { return arith_; }
  const std::vector<std::set<unsigned>>& named() const { return named_; }

 private:
  // The pool of a reference-valued expression, or -1 (not a reference, or not known: a constant).
  int pool_of(ExprId e, int self) const {
    if (e < 0) return -1;
    const ENode& n = p_.exprs.at(static_cast<std::size_t>(e));
    switch (n.op) {
      case EOp::Load: return n.scalar.kind == ScalarKind::Ref ? n.scalar.pool : -1;
      case EOp::RefAdd: return n.scalar.pool;
      case EOp::Self: return self;
      case EOp::Cond: {
        const int b = pool_of(n.b, self);
        return b >= 0 ? b : pool_of(n.c, self);
      }
      default: return -1;
    }
  }

  // The pool a Deref address dereferences (model/program.hpp: offset = base + field offset).
  int deref_pool(const ANode& n) const {
    for (std::size_t i = 0; i < p_.pools.size(); ++i) {
      const model::Pool& pool = p_.pools[i];
      if (n.stride == pool.elem_size && n.count == pool.count && n.offset >= pool.base &&
          n.offset < pool.base + pool.elem_size)
        return static_cast<int>(i);
    }
    return -2;  // unknown: every pool is refused below
  }

  std::string place(SrcLoc loc) const {
    std::string s;
    if (where_ != nullptr && where_->frame >= 0)
      s = " in " + p_.frames.at(static_cast<std::size_t>(where_->frame)).function + "()";
    if (cond_ != nullptr) s = " in condition " + cond_->name;
    if (loc.line == 0 && where_ != nullptr) loc = where_->loc;
    if (loc.line == 0 && cond_ != nullptr) loc = cond_->loc;
    return s + (loc.line != 0 ? ", line " + std::to_string(loc.line) : "");
  }

  void refuse(int pool, const std::string& what, SrcLoc loc = {}) {
    note(refused_, pool, what, loc);
  }
  // Reference arithmetic or order on `pool` (-1: unknown, every pool).
  void arith(int pool, const std::string& what, SrcLoc loc) { note(arith_, pool, what, loc); }

  void note(std::vector<std::string>& v, int pool, const std::string& what, SrcLoc loc) {
    if (pool < 0) {
      for (std::size_t i = 0; i < v.size(); ++i) note(v, static_cast<int>(i), what, loc);
      return;
    }
    std::string& r = v.at(static_cast<std::size_t>(pool));
    if (r.empty()) r = what + place(loc);
  }

  using Key = std::tuple<ExprId, int, int>;

  void expr(ExprId e, int ctx, int self) {
    if (e < 0 || !seen_.insert(Key{e, ctx, self}).second) return;
    const ENode& n = p_.exprs.at(static_cast<std::size_t>(e));
    switch (n.op) {
      case EOp::Const:
        if (ctx >= 0 && n.value > 0) named_.at(static_cast<std::size_t>(ctx)).insert(
                                         static_cast<unsigned>(n.value - 1));
        return;
      case EOp::Load: addr(n.a, self); return;
      case EOp::Current:
      case EOp::Self: return;
      case EOp::Cond:
        expr(n.a, -1, self);
        expr(n.b, ctx, self);
        expr(n.c, ctx, self);
        return;
      case EOp::Eq:
      case EOp::Ne: {
        const int k = pool_of(n.a, self) >= 0 ? pool_of(n.a, self) : pool_of(n.b, self);
        expr(n.a, k, self);
        expr(n.b, k, self);
        return;
      }
      case EOp::Lt:
      case EOp::Le:
      case EOp::Gt:
      case EOp::Ge: {
        const int k = n.ref_pool >= 0              ? n.ref_pool
                      : pool_of(n.a, self) >= 0 ? pool_of(n.a, self)
                                                : pool_of(n.b, self);
        // Unmarked (no ENode::ref_pool): the executor could not check it; refuse the pool.
        if (k >= 0 && n.ref_pool < 0) refuse(k, "an unmarked ordering of references", n.loc);
        if (k >= 0) arith(k, "an ordering comparison of references", n.loc);
        expr(n.a, k, self);
        expr(n.b, k, self);
        return;
      }
      case EOp::RefAdd:
        arith(n.scalar.pool, "reference arithmetic (ref + int)", n.loc);
        expr(n.a, n.scalar.pool, self);
        expr(n.b, -1, self);
        return;
      case EOp::RefDiff: {
        const int k = n.ref_pool >= 0              ? n.ref_pool
                      : pool_of(n.a, self) >= 0 ? pool_of(n.a, self)
                                                : pool_of(n.b, self);
        if (n.ref_pool < 0) refuse(k, "unmarked reference arithmetic (ref - ref)", n.loc);
        arith(k, "reference arithmetic (ref - ref)", n.loc);  // k < 0: every pool
        expr(n.a, k, self);
        expr(n.b, k, self);
        return;
      }
      default:
        expr(n.a, -1, self);
        expr(n.b, -1, self);
        expr(n.c, -1, self);
        return;
    }
  }

  void addr(AddrId a, int self) {
    if (a < 0) return;
    const ANode& n = p_.addrs.at(static_cast<std::size_t>(a));
    switch (n.op) {
      case AOp::Global:
      case AOp::Local: return;
      case AOp::Index:
        addr(n.base, self);
        expr(n.index, -1, self);
        return;
      case AOp::Deref: {
        const int k = deref_pool(n);
        if (k < 0) refuse(-1, "a dereference of an unknown pool", n.loc);
        expr(n.index, k < 0 ? -1 : k, self);
        expr(n.guard, -1, k < 0 ? -1 : k);
        return;
      }
    }
  }

  const Program& p_;
  std::vector<std::string> refused_;
  std::vector<std::string> arith_;
  std::vector<std::set<unsigned>> named_;
  std::set<Key> seen_;
  const Instr* where_ = nullptr;
  const model::NamedCond* cond_ = nullptr;
};

std::string element_name(const model::Pool& pool, unsigned e) {
  return e < pool.elem_names.size() ? pool.elem_names[e]
                                    : pool.name + "[" + std::to_string(e) + "]";
}

}  // namespace

ProgramFrames program_frames(const Program& p, bool blocks) {
  ProgramFrames out;
  if (p.pools.empty()) return out;
  RefScan scan(p);
  for (const model::Thread& t : p.threads) scan.code(t.code);
  for (const auto* conds : {&p.invariants, &p.finals, &p.exists})
    for (const model::NamedCond& c : *conds) scan.condition(c);

  // Every reference scalar must range over the whole pool (a store outside it is a model error
  // that a permutation would move).
  std::vector<std::string> refused = scan.refused();
  for (const model::Symbol& s : p.symbols)
    if (s.scalar.kind == ScalarKind::Ref && s.scalar.pool >= 0 &&
        (s.scalar.lo != 0 ||
         s.scalar.hi != p.pools.at(static_cast<std::size_t>(s.scalar.pool)).count) &&
        refused.at(static_cast<std::size_t>(s.scalar.pool)).empty())
      refused[static_cast<std::size_t>(s.scalar.pool)] = "a reference with a narrower range";

  // Movable units per pool: elements, or blocks of Pool::block elements for a pool with
  // reference arithmetic or order (checked at run time: ref_blocks).
  std::map<int, std::uint16_t> spec_index;
  std::vector<std::uint32_t> ref_blocks(p.pools.size(), 0);
  for (std::size_t i = 0; i < p.pools.size(); ++i) {
    const model::Pool& pool = p.pools[i];
    if (pool.count < 2) continue;
    if (!refused[i].empty()) {
      out.notes.push_back("pool " + pool.name + ": " + refused[i]);
      continue;
    }
    std::uint32_t b = 1;
    if (!scan.arith()[i].empty()) {
      if (!blocks || pool.block < 2) {
        out.notes.push_back("pool " + pool.name + ": " + scan.arith()[i] +
                            (pool.block < 2 ? "" : " (blocks not used)"));
        continue;
      }
      b = pool.block;
      ref_blocks[i] = b;
    }
    FrameSpec::Pool fp{pool.base, pool.elem_size, pool.count, b, {}};
    std::string fixed;
    std::set<unsigned> fixed_units;
    for (unsigned e : scan.named()[i]) {
      fixed += (fixed.empty() ? "" : ", ") + element_name(pool, e);
      fixed_units.insert(e / b);
    }
    for (unsigned u = 0; u < pool.count / b; ++u)
      if (fixed_units.count(u) == 0) fp.movable.push_back(u);
    if (!fixed.empty())
      out.notes.push_back("pool " + pool.name + ": " + fixed + " named outside init (not permuted" +
                          (b > 1 ? ", nor the rest of their blocks)" : ")"));
    if (fp.movable.size() < 2) {
      if (ref_blocks[i] != 0)
        out.notes.push_back("pool " + pool.name + ": fewer than two movable blocks of " +
                            std::to_string(b) + " (" + scan.arith()[i] + ")");
      ref_blocks[i] = 0;
      continue;
    }
    if (ref_blocks[i] != 0)
      out.notes.push_back("pool " + pool.name + ": permuted in blocks of " + std::to_string(b) +
                          ", checked on every step (" + scan.arith()[i] + ")");
    spec_index[static_cast<int>(i)] = static_cast<std::uint16_t>(out.spec.pools.size());
    out.spec.pools.push_back(std::move(fp));
    out.pool_of.push_back(static_cast<std::int32_t>(i));
  }
  if (out.spec.pools.empty()) return out;
  for (std::uint32_t b : ref_blocks)
    if (b != 0) out.ref_blocks = ref_blocks;

  for (const model::Symbol& s : p.symbols)
    if (s.thread < 0 && !s.is_pc && s.scalar.kind == ScalarKind::Ref &&
        spec_index.count(s.scalar.pool))
      out.spec.global_cells.push_back({s.offset, s.scalar.width, spec_index[s.scalar.pool]});

  // Thread areas, by pc; cell lists shared between pcs and threads.
  std::map<std::vector<AreaRefCell>, std::uint32_t> list_id;
  auto intern = [&](const std::vector<AreaRefCell>& cells) {
    std::vector<AreaRefCell> mine;
    for (const AreaRefCell& c : cells)
      if (spec_index.count(c.pool)) mine.push_back(c);
    auto [it, fresh] = list_id.try_emplace(mine, static_cast<std::uint32_t>(out.spec.lists.size()));
    if (fresh) {
      FrameSpec::CellList l;
      for (const AreaRefCell& c : mine) l.push_back({c.offset, c.width, spec_index[c.pool]});
      out.spec.lists.push_back(std::move(l));
    }
    return it->second;
  };
  for (const model::Thread& t : p.threads) {
    const AreaRefTypes types = area_ref_types(p, t);
    if (!types.ok) {
      out.notes.push_back("page frames not permuted: " + types.why);
      out.spec = FrameSpec{};
      out.pool_of.clear();
      out.ref_blocks.clear();
      return out;
    }
    FrameSpec::ThreadCells tc;
    for (const auto& cells : types.at_pc) tc.at_pc.push_back(intern(cells));
    tc.finished = intern(types.finished);
    out.spec.threads.push_back(std::move(tc));
  }
  return out;
}

}  // namespace pcmc::checker
