// Per-pc reference cells of a thread area (frame_area_types.hpp): a forward data-flow analysis
// over the thread's instructions.
#include "checker/reduce/frame_area_types.hpp"

#include <deque>
#include <set>

#include "checker/system/program_names.hpp"

namespace pcmc::checker {

namespace {

using namespace program_names;  // program_names.hpp

// What one area byte may hold at a pc. Lattice: Bottom < Zero < {Ref(cell), Other} < Top.
struct Abs {
  enum Kind : std::uint8_t { Bottom, Zero, Ref, Other, Top } kind = Bottom;
  std::uint8_t width = 0;    // Ref: the cell
  std::int32_t pool = -1;    // Ref
  std::uint32_t start = 0;   // Ref

  bool operator==(const Abs&) const = default;
};

Abs join(const Abs& a, const Abs& b) {
  if (a.kind == Abs::Bottom || a == b) return b;
  if (b.kind == Abs::Bottom) return a;
  if (a.kind == Abs::Top || b.kind == Abs::Top) return {Abs::Top};
  if (a.kind == Abs::Zero) return b;
  if (b.kind == Abs::Zero) return a;
  if (a.kind == Abs::Other && b.kind == Abs::Other) return a;
  return {Abs::Top};  // a reference and something else, or two different cells
}

Abs typed(const Scalar& s, std::uint32_t start, std::uint8_t width) {
  if (s.kind == ScalarKind::Ref) return {Abs::Ref, width, s.pool, start};
  return {Abs::Other};
}

using Bytes = std::vector<Abs>;

class Analysis {
 public:
  Analysis(const Program& p, const model::Thread& t) : p_(p), t_(t) {}

  AreaRefTypes run(std::size_t max_cells) {
    AreaRefTypes out;
    const std::size_t n = t_.code.size(), size = t_.area_size;
    if (n * std::max<std::size_t>(size, 1) > max_cells) {
      out.ok = false;
      out.why = "thread " + t_.name + " is too large for the area analysis";
      return out;
    }
    in_.assign(n, Bytes(size));
    if (n == 0) return out;
    in_[0].assign(size, Abs{Abs::Zero});
    std::deque<std::uint32_t> work{0};
    std::vector<bool> queued(n, false);
    queued[0] = true;
    Bytes cur;
    while (!work.empty() && why_.empty()) {
      const std::uint32_t pc = work.front();
      work.pop_front();
      queued[pc] = false;
      cur = in_[pc];
      transfer(pc, cur);
      for (std::uint32_t next : successors(pc)) {
        if (next >= n) continue;
        bool changed = false;
        for (std::size_t b = 0; b < size; ++b) {
          const Abs j = join(in_[next][b], cur[b]);
          if (!(j == in_[next][b])) {
            in_[next][b] = j;
            changed = true;
          }
        }
        if (changed && !queued[next]) {
          queued[next] = true;
          work.push_back(next);
        }
      }
    }
    // Checks on the fixpoint: no ambiguous byte, loads match (recorded during transfer of the
    // final states: re-run each pc once more against its fixpoint input).
    for (std::uint32_t pc = 0; pc < n && why_.empty(); ++pc) {
      for (std::size_t b = 0; b < size; ++b)
        if (in_[pc][b].kind == Abs::Top) {
          fail(pc, "area byte " + std::to_string(b) + " holds a reference on one path and "
                   "another value on another");
          break;
        }
      bool whole = true;
      cells(in_[pc], &whole);
      if (!whole) fail(pc, "a reference cell is only partly present");
      cur = in_[pc];
      if (why_.empty()) transfer(pc, cur);
    }
    if (!why_.empty()) {
      out.ok = false;
      out.why = why_;
      return out;
    }
    out.at_pc.resize(n);
    Bytes fin(size, Abs{Abs::Zero});
    for (std::uint32_t pc = 0; pc < n; ++pc) {
      out.at_pc[pc] = cells(in_[pc]);
      if (t_.code[pc].op == IOp::Halt)
        for (std::size_t b = 0; b < size; ++b) fin[b] = join(fin[b], in_[pc][b]);
    }
    out.finished = cells(fin);
    return out;
  }

 private:
  std::vector<std::uint32_t> successors(std::uint32_t pc) const {
    const Instr& ins = t_.code[pc];
    switch (ins.op) {
      case IOp::Jump: return {ins.target};
      case IOp::JumpIfNot: return {pc + 1, ins.target};
      case IOp::Halt: return {};
      default: return {pc + 1};
    }
  }

  void fail(std::uint32_t pc, const std::string& what) {
    if (!why_.empty()) return;
    const model::SrcLoc& loc = t_.code[pc].loc;
    why_ = "thread " + t_.name + ": " + what + " (pc " + std::to_string(pc) + ", line " +
           std::to_string(loc.line) + ")";
  }

  // Area offsets an address may denote (none when it is not a local), and whether it is exactly
  // one known offset (a strong update).
  void offsets(AddrId a, std::vector<std::uint32_t>& out, bool& exact) const {
    const ANode& n = p_.addrs.at(static_cast<std::size_t>(a));
    switch (n.op) {
      case AOp::Local: out.push_back(n.offset); return;
      case AOp::Index: {
        std::vector<std::uint32_t> base;
        offsets(n.base, base, exact);
        exact = false;
        for (std::uint32_t b : base)
          for (std::uint32_t i = 0; i < n.count; ++i) out.push_back(b + n.offset + i * n.stride);
        return;
      }
      case AOp::Global:
      case AOp::Deref: return;
    }
  }

  // Every load of locals in an expression / address computation must match what the bytes hold.
  void check_expr(std::uint32_t pc, ExprId e, const Bytes& s) {
    if (e < 0) return;
    const ENode& n = p_.exprs.at(static_cast<std::size_t>(e));
    if (n.op == EOp::Load) {
      check_load(pc, n.a, n.scalar, s);
      check_addr(pc, n.a, s);
    } else {
      check_expr(pc, n.a, s);
    }
    check_expr(pc, n.b, s);
    check_expr(pc, n.c, s);
  }

  void check_addr(std::uint32_t pc, AddrId a, const Bytes& s) {
    if (a < 0) return;
    const ANode& n = p_.addrs.at(static_cast<std::size_t>(a));
    check_expr(pc, n.index, s);
    check_expr(pc, n.guard, s);
    if (n.op == AOp::Index) check_addr(pc, n.base, s);
  }

  void check_load(std::uint32_t pc, AddrId a, const Scalar& sc, const Bytes& s) {
    std::vector<std::uint32_t> offs;
    bool exact = true;
    offsets(a, offs, exact);
    for (std::uint32_t o : offs)
      for (std::uint32_t i = 0; i < sc.width; ++i) {
        if (o + i >= s.size()) {
          fail(pc, "a local load outside the area");
          return;
        }
        const Abs& b = s[o + i];
        const bool ok = b.kind == Abs::Zero || b.kind == Abs::Bottom ||
                        (sc.kind == ScalarKind::Ref
                             ? (b.kind == Abs::Ref && b.pool == sc.pool && b.start == o &&
                                b.width == sc.width)
                             : b.kind == Abs::Other);
        if (!ok) {
          fail(pc, "area byte " + std::to_string(o + i) + " is read as " +
                       (sc.kind == ScalarKind::Ref ? "a reference" : "a non-reference") +
                       " but may hold something else");
          return;
        }
      }
  }

  // Sets [o, o + w) to v; a reference cell partly overwritten leaves its other bytes as Other
  // (a fragment no load may read as a reference).
  static void set(Bytes& s, std::uint32_t o, std::uint32_t w, const Abs& v) {
    for (std::uint32_t i = o; i < o + w && i < s.size(); ++i) {
      const Abs& b = s[i];
      if (b.kind != Abs::Ref || (v.kind == Abs::Ref && b.start == o && b.width == w)) continue;
      const std::uint32_t bs = b.start, bw = b.width;
      for (std::uint32_t j = bs; j < bs + bw && j < s.size(); ++j)
        if ((j < o || j >= o + w) && s[j].kind == Abs::Ref && s[j].start == bs) s[j] = {Abs::Other};
    }
    for (std::uint32_t i = o; i < o + w && i < s.size(); ++i) s[i] = v;
  }

  void store(std::uint32_t pc, AddrId a, Scalar sc, Bytes& s) {
    if (sc.width == 0) sc.width = 1;
    std::vector<std::uint32_t> offs;
    bool exact = true;
    offsets(a, offs, exact);
    for (std::uint32_t o : offs) {
      if (o + sc.width > s.size()) {
        fail(pc, "a local store outside the area");
        return;
      }
      const Abs v = typed(sc, o, sc.width);
      if (exact && offs.size() == 1) {
        set(s, o, sc.width, v);
      } else {
        for (std::uint32_t i = 0; i < sc.width; ++i) s[o + i] = join(s[o + i], v);
      }
    }
  }

  void transfer(std::uint32_t pc, Bytes& s) {
    const Instr& ins = t_.code[pc];
    check_expr(pc, ins.b, s);
    check_addr(pc, ins.a, s);
    switch (ins.op) {
      case IOp::Assign:
      case IOp::Choose: store(pc, ins.a, ins.scalar, s); break;
      case IOp::Assert:
        if (ins.a >= 0) store(pc, ins.a, ins.scalar, s);
        break;
      case IOp::Clear:
        if (ins.offset + ins.len > s.size()) {
          fail(pc, "a clear outside the area");
          return;
        }
        set(s, ins.offset, ins.len, Abs{Abs::Zero});
        break;
      default: break;
    }
  }

  // The reference cells of `s`; *all_whole (when given) becomes false when some Ref byte is not
  // part of a complete cell.
  static std::vector<AreaRefCell> cells(const Bytes& s, bool* all_whole = nullptr) {
    std::vector<AreaRefCell> out;
    for (std::uint32_t b = 0; b < s.size(); ++b) {
      const Abs& x = s[b];
      if (x.kind != Abs::Ref) continue;
      bool whole = x.start <= b && x.start + x.width <= s.size();
      for (std::uint32_t i = 0; whole && i < x.width; ++i) whole = s[x.start + i] == x;
      if (!whole && all_whole != nullptr) *all_whole = false;
      if (whole && x.start == b) out.push_back({b, x.width, x.pool});
    }
    return out;
  }

  const Program& p_;
  const model::Thread& t_;
  std::vector<Bytes> in_;
  std::string why_;
};

}  // namespace

AreaRefTypes area_ref_types(const Program& program, const model::Thread& thread,
                            std::size_t max_cells) {
  return Analysis(program, thread).run(max_cells);
}

}  // namespace pcmc::checker
