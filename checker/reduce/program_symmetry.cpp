#include "checker/reduce/program_symmetry.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "checker/reduce/program_frames.hpp"
#include "checker/system/program_names.hpp"

namespace pcmc::checker {

namespace {

using namespace program_names;  // program_names.hpp

// ------------------------------------------------------------------ code equality (as trees)

bool same_scalar(const Scalar& a, const Scalar& b) {
  return a.kind == b.kind && a.width == b.width && a.lo == b.lo && a.hi == b.hi &&
         a.pool == b.pool && a.enum_id == b.enum_id;
}

class CodeEq {
 public:
  explicit CodeEq(const Program& p) : p_(p) {}

  bool expr(ExprId x, ExprId y) const {
    if (x < 0 || y < 0) return x == y;
    if (x == y) return true;
    const ENode& a = p_.exprs.at(static_cast<std::size_t>(x));
    const ENode& b = p_.exprs.at(static_cast<std::size_t>(y));
    if (a.op != b.op || a.value != b.value || !same_scalar(a.scalar, b.scalar) ||
        a.ref_pool != b.ref_pool)
      return false;
    const bool first_is_addr = a.op == EOp::Load;
    return (first_is_addr ? addr(a.a, b.a) : expr(a.a, b.a)) && expr(a.b, b.b) && expr(a.c, b.c);
  }

  bool addr(AddrId x, AddrId y) const {
    if (x < 0 || y < 0) return x == y;
    if (x == y) return true;
    const ANode& a = p_.addrs.at(static_cast<std::size_t>(x));
    const ANode& b = p_.addrs.at(static_cast<std::size_t>(y));
    return a.op == b.op && a.offset == b.offset && a.stride == b.stride && a.count == b.count &&
           a.local == b.local && a.field == b.field && addr(a.base, b.base) &&
           expr(a.index, b.index) && expr(a.guard, b.guard);
  }

  bool instr(const Instr& a, const Instr& b) const {
    if (a.op != b.op || a.yields != b.yields || a.shared != b.shared || a.target != b.target ||
        a.lo != b.lo || a.hi != b.hi || !same_scalar(a.scalar, b.scalar) ||
        a.offset != b.offset || a.len != b.len || !addr(a.a, b.a) || !expr(a.b, b.b))
      return false;
    if (a.op != IOp::Assert || a.site == b.site) return true;
    // Different sites of the same assertion: the same property (one per name).
    const model::AssertSite& x = p_.asserts.at(a.site);
    const model::AssertSite& y = p_.asserts.at(b.site);
    return x.name == y.name && x.cls == y.cls && x.macro == y.macro;
  }

  bool thread(const model::Thread& a, const model::Thread& b) const {
    if (a.area_size != b.area_size || a.code.size() != b.code.size()) return false;
    for (std::size_t i = 0; i < a.code.size(); ++i)
      if (!instr(a.code[i], b.code[i])) return false;
    return true;
  }

 private:
  const Program& p_;
};

// ------------------------------------------------------------------ thread cells in areas

// Per byte of one thread area: unused, part of a thread cell (start, width), or another type.
class AreaTypes {
 public:
  AreaTypes(const Program& p, std::uint32_t area_size) : p_(p), bytes_(area_size) {}

  // Records every local store and load of the code (with the type stored or loaded).
  void scan(const std::vector<Instr>& code) {
    for (const Instr& ins : code) {
      if (ins.a >= 0) {
        Scalar s = ins.scalar;
        if (ins.op == IOp::Assert && s.width == 0) s.width = 1;
        access(ins.a, s);
      }
      if (ins.b >= 0) expr(ins.b);
    }
  }

  bool conflict() const { return conflict_; }

  std::vector<SymmetrySpec::Cell> cells() const {
    std::vector<SymmetrySpec::Cell> out;
    for (std::uint32_t o = 0; o < bytes_.size(); ++o)
      if (bytes_[o].kind == Byte::Thread && bytes_[o].start == o)
        out.push_back({o, bytes_[o].width});
    return out;
  }

 private:
  struct Byte {
    enum Kind : std::uint8_t { Unused, Thread, Other } kind = Unused;
    std::uint32_t start = 0;
    std::uint8_t width = 0;
  };

  void expr(ExprId e) {
    if (e < 0 || !seen_e_.insert(e).second) return;
    const ENode& n = p_.exprs.at(static_cast<std::size_t>(e));
    if (n.op == EOp::Load) {
      access(n.a, n.scalar);
    } else {
      expr(n.a);
    }
    expr(n.b);
    expr(n.c);
  }

  // Offsets (relative to the area) an address may denote, or none when it is not local.
  void offsets(AddrId a, std::vector<std::uint32_t>& out) {
    const ANode& n = p_.addrs.at(static_cast<std::size_t>(a));
    expr(n.index);
    expr(n.guard);
    switch (n.op) {
      case AOp::Local: out.push_back(n.offset); return;
      case AOp::Index: {
        std::vector<std::uint32_t> base;
        offsets(n.base, base);
        for (std::uint32_t b : base)
          for (std::uint32_t i = 0; i < n.count; ++i) out.push_back(b + n.offset + i * n.stride);
        return;
      }
      case AOp::Global:
      case AOp::Deref: return;
    }
  }

  void access(AddrId a, const Scalar& s) {
    std::vector<std::uint32_t> offs;
    offsets(a, offs);
    const bool thr = s.kind == ScalarKind::Thread;
    for (std::uint32_t o : offs)
      for (std::uint32_t i = 0; i < s.width; ++i) {
        if (o + i >= bytes_.size()) {
          conflict_ = true;
          continue;
        }
        Byte& b = bytes_[o + i];
        Byte want{thr ? Byte::Thread : Byte::Other, thr ? o : 0, thr ? s.width : std::uint8_t{0}};
        if (b.kind == Byte::Unused) b = want;
        else if (b.kind != want.kind || b.start != want.start || b.width != want.width)
          conflict_ = true;
      }
  }

  const Program& p_;
  std::vector<Byte> bytes_;
  std::set<ExprId> seen_e_;
  bool conflict_ = false;
};

// ------------------------------------------------------------------ constant thread values

bool thread_typed(const Program& p, ExprId e) {
  if (e < 0) return false;
  const ENode& n = p.exprs.at(static_cast<std::size_t>(e));
  return n.op == EOp::Current || (n.op == EOp::Load && n.scalar.kind == ScalarKind::Thread);
}

// A nonzero constant used as a thread value (thread t + 1): compared with a thread value, or
// stored into a thread_t. The language has no syntax for it today (thread names are not values);
// checked so that adding one cannot silently make the reduction unsound.
void constant_threads(const Program& p, std::set<std::int64_t>& named, bool& choose_thread) {
  auto konst = [&](ExprId e, std::int64_t& v) {
    if (e < 0) return false;
    const ENode& n = p.exprs.at(static_cast<std::size_t>(e));
    v = n.value;
    return n.op == EOp::Const;
  };
  for (const ENode& n : p.exprs) {
    if (n.op != EOp::Eq && n.op != EOp::Ne) continue;
    std::int64_t v = 0;
    if ((thread_typed(p, n.a) && konst(n.b, v)) || (thread_typed(p, n.b) && konst(n.a, v)))
      if (v != 0) named.insert(v - 1);
  }
  auto code = [&](const std::vector<Instr>& c) {
    for (const Instr& ins : c) {
      if (ins.scalar.kind != ScalarKind::Thread) continue;
      std::int64_t v = 0;
      if (ins.op == IOp::Assign && konst(ins.b, v) && v != 0) named.insert(v - 1);
      if (ins.op == IOp::Choose) choose_thread = true;
    }
  };
  code(p.init.code);
  for (const model::Thread& t : p.threads) code(t.code);
}

}  // namespace

ProgramSymmetry program_symmetry(const Program& p, bool frame_blocks) {
  ProgramSymmetry out;
  SymmetrySpec& spec = out.spec;
  const auto n = static_cast<unsigned>(p.threads.size());
  for (const model::Thread& t : p.threads) {
    spec.block_offset.push_back(t.area_offset);
    spec.block_sizes.push_back(t.area_size);
  }
  for (const model::Symbol& s : p.symbols)
    if (s.thread < 0 && !s.is_pc && s.scalar.kind == ScalarKind::Thread)
      spec.global_cells.push_back({s.offset, s.scalar.width});

  // Page frames: independent of the thread part (the group is the product).
  ProgramFrames frames = program_frames(p, frame_blocks);
  spec.frames = std::move(frames.spec);
  out.ref_blocks = std::move(frames.ref_blocks);
  auto frame_notes = [&] {
    out.notes.insert(out.notes.end(), frames.notes.begin(), frames.notes.end());
  };

  bool off = false;
  for (unsigned t = 0; t < n; ++t) {
    AreaTypes types(p, p.threads[t].area_size);
    types.scan(p.threads[t].code);
    if (types.conflict()) {
      out.notes.push_back("thread " + p.threads[t].name +
                          " uses area bytes both as thread_t and as another type");
      off = true;
    }
    spec.local_cells.push_back(types.cells());
  }
  std::set<std::int64_t> named;
  bool choose_thread = false;
  constant_threads(p, named, choose_thread);
  if (choose_thread) {
    out.notes.push_back("a choose() into a thread_t");
    off = true;
  }
  if (off) {
    frame_notes();
    return out;
  }

  std::vector<bool> excluded(n, false);
  for (std::int64_t t : named)
    if (t >= 0 && t < static_cast<std::int64_t>(n)) {
      excluded[static_cast<std::size_t>(t)] = true;
      out.notes.push_back("thread " + p.threads[static_cast<std::size_t>(t)].name +
                          " is named by a constant");
    }
  const CodeEq eq(p);
  std::vector<bool> placed(n, false);
  for (unsigned t = 0; t < n; ++t) {
    if (placed[t] || excluded[t]) continue;
    std::vector<unsigned> cls{t};
    for (unsigned u = t + 1; u < n; ++u)
      if (!placed[u] && !excluded[u] && eq.thread(p.threads[t], p.threads[u])) {
        cls.push_back(u);
        placed[u] = true;
      }
    if (cls.size() >= 2) spec.classes.push_back(std::move(cls));
  }
  frame_notes();
  return out;
}

std::string describe_classes(const Program& p, const SymmetrySpec& spec) {
  std::string s;
  for (const auto& cls : spec.classes) {
    s += s.empty() ? "{" : " {";
    for (std::size_t i = 0; i < cls.size(); ++i)
      s += (i ? ", " : "") + p.threads.at(cls[i]).name;
    s += "}";
  }
  for (const FrameSpec::Pool& fp : spec.frames.pools)
    for (const model::Pool& pool : p.pools) {
      if (pool.base != fp.base) continue;
      // Blocks are named by their first element: "mem_map/4{A0, B0}".
      s += (s.empty() ? "" : " ") + pool.name +
           (fp.block > 1 ? "/" + std::to_string(fp.block) : std::string()) + "{";
      for (std::size_t i = 0; i < fp.movable.size(); ++i) {
        const unsigned e = fp.movable[i] * fp.block;
        s += (i ? ", " : "") + (e < pool.elem_names.size()
                                    ? pool.elem_names[e]
                                    : pool.name + "[" + std::to_string(e) + "]");
      }
      s += "}";
    }
  return s;
}

}  // namespace pcmc::checker
