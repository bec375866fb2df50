#!/usr/bin/env python3
"""Generate the scaled scenario family of pcmc from a parameter table.

    python3 examples/scaled/gen.py            # (re)write examples/scaled/{generated,bench}/*.pcm
    python3 examples/scaled/gen.py --check    # exit 1 unless the checked-in files are exactly
                                              # what the table generates (a ctest test)
    python3 examples/scaled/gen.py --list     # name, folder and parameters of each scenario

The scenarios scale the seed races of examples/seed/ (docs/findings.md) along three axes:
THP size N (HPAGE_PMD_NR = 4, 8, 16), the number of openers, and the file's contents (one THP;
two THPs; small pages that khugepaged collapses next to an older THP).  The generated files are
never edited by hand: change TABLE (or the templates) and re-run.

The size is not generated: one file per (contents, openers) in generated/ serves every N of its
rows, written in terms of the library's `#default HPAGE_PMD_NR` (pools sized by it, heads as
`s0 + HPAGE_PMD_NR`), and `pcmc check --set HPAGE_PMD_NR=8 FILE` picks the size.  Each size's
verdicts and pins are `expect set HPAGE_PMD_NR=8 ...` blocks (N = 4, the library default, needs
no `set`), and ctest runs one judge per size.  What --set cannot vary, the thread set, is what
this script generates.  Rows too slow for ctest (bench=True) are single-size files in bench/
(with `#define HPAGE_PMD_NR`) that bench/run.py measures.

Expected verdicts are data of the table.  They were derived by running pcmc on each scenario
and checked against docs/findings.md (the same cells as C-R1 and C-R2 for N = 4; the scaled
scenarios must agree with them for every N).  Pinned state counts are for the variants listed
in `pins` (no reduction).  Scenarios whose judge run takes more than ~10 s are written to
bench/ (excluded from ctest; bench/run.py measures them) with their expect blocks.

Python 3 standard library only.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OPENER_NAMES = ["Oa", "Ob", "Oc", "Od"]

# ---------------------------------------------------------------------------------------------
# Verdict sets (the `expect` block bodies).  Names follow docs/findings.md's columns.
#   R1: openers truncating a THP (C-R1): B reaches A1/A3 with CONFIG_DEBUG_VM (harmless
#       without: the tail reaches truncate_inode_page() and is refused); F1+F3 closes both.
#   R2: khugepaged's collapse vs an opener (C-R2): B reaches A1/A3; F1+F3 still reaches A3, and
#       deadlocks (khugepaged's readahead waits for invalidate_lock, the opener for new_page's lock)
#       through the rollback (findings question 2); no harm anywhere.
# ---------------------------------------------------------------------------------------------
R1_EXPECT = [
    ("B nodebug", "class harm holds; exists sometimes;"),
    ("B debug", "A1 violated; A1.discipline violated; A3 violated; exists never;"),
    ("F1+F3 nodebug", "class harm holds; exists never;"),
    ("F1+F3 debug", "class harm holds; exists never;"),
]
R2_EXPECT = [
    ("B nodebug", "class harm holds; exists sometimes;"),
    ("B debug", "A1 violated; A1.discipline violated; A3 violated; exists never;"),
    ("F1+F3 nodebug", "deadlock violated; class harm holds; exists sometimes;"),
    ("F1+F3 debug", "A3 violated; deadlock violated; exists never;"),
]

# ---------------------------------------------------------------------------------------------
# The parameter table.
#   kind    thp: one THP at index 0 (C-R1 shape); two_thps: THPs at 0 and N;
#           collapse: small pages 0..N-1 collapsed by khugepaged, a THP at N..2N-1 (C-R2 shape)
#   n       HPAGE_PMD_NR;  openers: threads opening the file for write
#   bench   True: written to bench/ (judge run > ~10 s), not run by ctest
#   pins    {"B nodebug": (states, transitions), ...} pinned counts, from pcmc runs (the default
#           run: dead variables, ample sets and transactions, docs/reductions.md)
# ---------------------------------------------------------------------------------------------
TABLE = [
    # one THP, 2 and 3 openers (N = 4, 2 openers is C-R1 exactly: same counts)
    dict(kind="thp", n=4, openers=2, bench=False, expect=R1_EXPECT,
         pins={"B nodebug": (830, 1550), "B debug": (645, 1205)}),
    dict(kind="thp", n=8, openers=2, bench=False, expect=R1_EXPECT,
         pins={"B nodebug": (2978, 5718)}),
    dict(kind="thp", n=16, openers=2, bench=False, expect=R1_EXPECT,
         pins={"B nodebug": (12938, 25286)}),
    dict(kind="thp", n=4, openers=3, bench=False, expect=R1_EXPECT,
         pins={"B nodebug": (21334, 59899)}),
    # N = 8, 3 openers: 2 580 252 states (87 s per run) since the per-slot scan and the per-page
    # batch steps became the default (564 934 before), 174 845 in the default run: bench only.
    dict(kind="thp", n=8, openers=3, bench=True, expect=R1_EXPECT,
         pins={"B nodebug": (174845, 505049)}),
    dict(kind="thp", n=16, openers=3, bench=True, expect=R1_EXPECT, pins={}),
    # a file with two THPs, 2 openers
    dict(kind="two_thps", n=4, openers=2, bench=False, expect=R1_EXPECT,
         pins={"B nodebug": (4488, 8593)}),
    dict(kind="two_thps", n=8, openers=2, bench=False, expect=R1_EXPECT,
         pins={"B nodebug": (17192, 33497)}),
    # collapse + 1 opener (N = 4 is C-R2 without readahead frames) and + 2 openers
    dict(kind="collapse", n=4, openers=1, bench=False, expect=R2_EXPECT,
         pins={"B nodebug": (21010, 39216), "B debug": (17734, 33319)}),
    dict(kind="collapse", n=8, openers=1, bench=False, expect=R2_EXPECT,
         pins={"B nodebug": (371371, 686090)}),
    # collapse + 2 openers: 46.6 M states before the fidelity steps of issue 20 (not re-measured:
    # no pin),
    # ~250 s per run on the 2-core machine: bench only.
    dict(kind="collapse", n=4, openers=2, bench=True, expect=R2_EXPECT, pins={}),
    # The 8-page THP with khugepaged and 2 openers (issue 18's target scenario): out of reach
    # without reductions; the default run's figures are in docs/performance.md.
    dict(kind="collapse", n=8, openers=2, bench=True, expect=R2_EXPECT, pins={}),
]


def scenario_name(row):
    base = {"thp": "thp", "two_thps": "two-thps", "collapse": "collapse"}[row["kind"]]
    if row["bench"]:
        return "%s-n%d-open%d" % (base, row["n"], row["openers"])
    return "%s-open%d" % (base, row["openers"])


def folder(row):
    return "bench" if row["bench"] else "generated"


def names(prefix, n):
    return ["%s%d" % (prefix, i) for i in range(n)]


def wrap_list(items, indent, width=96):
    """Comma-separated items, wrapped to width, continuation lines indented by indent."""
    lines, cur = [], ""
    for i, it in enumerate(items):
        piece = it + ("," if i + 1 < len(items) else "")
        if cur and len(cur) + 1 + len(piece) > width - indent:
            lines.append(cur)
            cur = piece
        else:
            cur = piece if not cur else cur + " " + piece
    lines.append(cur)
    return ("\n" + " " * indent).join(lines)


def render(rows):
    """One scenario file for rows of the same kind and openers: a single size with `#define`
    (bench/), or every size of the rows through `expect set HPAGE_PMD_NR=N` (generated/)."""
    row = rows[0]
    k, kind, bench = row["openers"], row["kind"], row["bench"]
    sizes = [r["n"] for r in rows]
    if not (1 <= k <= len(OPENER_NAMES)):
        raise SystemExit("gen.py: openers must be 1..%d" % len(OPENER_NAMES))
    for n in sizes:
        if n & (n - 1) or n < 2:
            raise SystemExit("gen.py: N must be a power of 2")
    if bench and len(rows) != 1:
        raise SystemExit("gen.py: a bench file holds one size")
    name = scenario_name(row)
    openers = OPENER_NAMES[:k]
    ident = name.replace("-", "_")
    nmax = max(sizes)
    # N: a number in a bench file, the library constant in a generic one.
    N = str(row["n"]) if bench else "HPAGE_PMD_NR"
    Nw = N if bench else "N"
    out = []
    w = out.append

    def page(base, off):
        """The page `off` elements after the first of the pool (a named constant in bench files,
        where every element is named; an offset from the first name in a generic file)."""
        if bench:
            return "%s%d" % (base[0], base[1] + off) if isinstance(base, tuple) else base
        return base if not off else "%s + %s" % (base, off)

    if kind == "thp":
        factor, first = 1, "C0"
        heads = [page("C0", 0)]
        what = "%d openers truncate one THP of %s pages concurrently (C-R1 scaled)" % (k, Nw)
        body = (" * A regular file whose page cache holds one THP (C0 and its tails at indices 0..N-1).  Each\n"
                " * opener sees nr_thps != 0 and calls truncate_pagecache(inode, 0) without a lock in\n"
                " * v5.15; a lagging opener's lookups land on slots of the THP being deleted (R1).\n")
    elif kind == "two_thps":
        factor, first = 2, "C0"
        heads = ["C0", "D0" if bench else page("C0", N)]
        what = "%d openers truncate a file with two THPs of %s pages (C-R1, two THPs)" % (k, Nw)
        body = (" * A regular file whose page cache holds two THPs (C0.. at 0..N-1, D0.. at N..2N-1).\n"
                " * Each opener truncates the whole file: R1 on either THP.\n")
    else:
        factor, first = 3, "s0"
        c0 = "C0" if bench else page("s0", N)
        d0 = "D0" if bench else page("s0", "2 * " + N)
        heads = (["s%d" % i for i in range(row["n"])] if bench else ["small_pages_quiescent"]) + [c0, d0]
        what = ("khugepaged collapses %s pages while %d opener%s truncate%s (C-R2 scaled)"
                % (Nw, k, "" if k == 1 else "s", "s" if k == 1 else ""))
        body = (" * A regular file: small pages s0..s(N-1) at indices 0..N-1 that khugepaged (K) collapses\n"
                " * into C0.. (N pages), and a THP D0.. at N..2N-1 collapsed earlier (nr_thps = 1, so every\n"
                " * opener truncates).  R2f: a pass-1 lookup meets C0 at a slot other than its first\n"
                " * (A1); R2b: K sees i_writecount > 0 and rolls back under an opener's pass 2 (A3).\n")
    slots_factor = 1 if kind == "thp" else 2
    if slots_factor * nmax > 16:
        raise SystemExit("gen.py: %s needs %d slots; mapping.pcm's helpers unroll 16" % (name, slots_factor * nmax))

    w("/*")
    w(" * %s — GENERATED by examples/scaled/gen.py from its parameter table; do not edit." % name)
    w(" * Re-run `python3 examples/scaled/gen.py` after changing the table (ctest checks that the")
    w(" * checked-in file is exactly what it generates).")
    w(" *")
    w(body.rstrip("\n"))
    if bench:
        w(" * Parameters: HPAGE_PMD_NR = %d, NR_SLOTS = %d, openers = %d%s." %
          (row["n"], slots_factor * row["n"], k, ", khugepaged = 1" if kind == "collapse" else ""))
    else:
        w(" * Parameters: N = HPAGE_PMD_NR (the library's #default 4; --set HPAGE_PMD_NR=%s),"
          % "|".join(str(n) for n in sizes if n != 4) if any(n != 4 for n in sizes) else
          " * Parameters: N = HPAGE_PMD_NR (the library's #default 4),")
        w(" * NR_SLOTS = %s, openers = %d%s." % ("N" if slots_factor == 1 else "2N", k,
          ", khugepaged = 1" if kind == "collapse" else ""))
        w(" * Sizes with expected verdicts: N = %s (one `expect set` group each)." %
          ", ".join(str(n) for n in sizes))
    w(" * Verdicts: the same cells as examples/seed/%s (docs/findings.md)." %
      ("c-r2.pcm" if kind == "collapse" else "c-r1.pcm"))
    w(" */")
    w('scenario %s "%s";' % (ident, what))
    w("")
    if bench:
        w("#define HPAGE_PMD_NR %d" % row["n"])
        w("#define NR_SLOTS %d" % (slots_factor * row["n"]))
    else:
        w("#define NR_SLOTS %s" % ("HPAGE_PMD_NR" if slots_factor == 1 else "(2 * HPAGE_PMD_NR)"))
    w('#include "kernel/v5.15/open.pcm"')
    if kind == "collapse":
        w('#include "kernel/v5.15/khugepaged.pcm"')
    w("")
    w("pool struct address_space mappings[1] named { M };")
    if bench:
        n = row["n"]
        pages = {"thp": names("C", n), "two_thps": names("C", n) + names("D", n),
                 "collapse": names("s", n) + names("C", n) + names("D", n)}[kind]
        prefix = "pool struct page mem_map[%d] named { " % len(pages)
        w(prefix + wrap_list(pages, len(prefix)) + " };")
    else:
        w("pool struct page mem_map[%s] named { %s };" %
          ("HPAGE_PMD_NR" if factor == 1 else "%d * HPAGE_PMD_NR" % factor, first))
    w("")
    if kind == "collapse" and not bench:
        w("/* every small page s0 .. s0 + N - 1 is quiescent (written out for N <= %d) */" % nmax)
        w("typedef int[0..(HPAGE_PMD_NR <= %d ? 0 : -1)] %s_has_at_most_%d_small_pages;"
          % (nmax, ident, nmax))
        terms = ["(HPAGE_PMD_NR <= %d || page_quiescent_ok(%s))" % (i, page("s0", i))
                 for i in range(nmax)]
        w("static bool small_pages_quiescent(void)")
        w("{")
        w("\treturn " + " &&\n\t       ".join(terms) + ";")
        w("}")
        w("")
    if kind == "collapse":
        w("bool collapsed;                        /* K's collapse_file() succeeded */")
        if len(openers) == 1:
            for o in openers:
                w("bool opened_%s = true;%s/* the open for write succeeded (F6: -ETXTBSY) */"
                  % (o, " " * (19 - len(o))))
        else:
            # Several openers run the same code (so that --symmetry finds them interchangeable):
            # each one clears the shared flag when its open fails.
            w("bool opened = true;                    /* every open for write succeeded (F6: -ETXTBSY) */")
        w("")
    w("init {")
    if kind == "thp":
        w("\tinit_cache_thp(M, C0, 0);")
    elif kind == "two_thps":
        w("\tinit_cache_thp(M, C0, 0);")
        w("\tinit_cache_thp(M, %s, %s);" % (heads[1], N))
    elif bench:
        for i in range(row["n"]):
            w("\tinit_cache_page(M, s%d, %d);" % (i, i))
        w("\tinit_cache_thp(M, D0, %d);" % row["n"])
        w("\tinit_compound_page(C0);            /* khugepaged's *hpage: one reference */")
    else:
        w("\tint[0..HPAGE_PMD_NR] i;")
        w("")
        w("\tfor (i = 0; i < HPAGE_PMD_NR; i++)")
        w("\t\tinit_cache_page(M, s0 + i, i);")
        w("\tinit_cache_thp(M, %s, HPAGE_PMD_NR);" % d0)
        w("\tinit_compound_page(%s);   /* khugepaged's *hpage: one reference */" % c0)
    w("}")
    w("")
    if kind == "collapse":
        w("thread K { collapsed = khugepaged_collapse(M, 0, %s, false) == SCAN_SUCCEED; }" % c0)
        for o in openers:
            if len(openers) == 1:
                w("thread %s { opened_%s = do_dentry_open_write(M); }" % (o, o))
            else:
                w("thread %s { if (!do_dentry_open_write(M)) opened = false; }" % o)
    else:
        for o in openers:
            w("thread %s { do_dentry_open_write(M); }" % o)
    w("")
    w("/* spec §7.2, at quiescent end states */")
    if kind == "collapse":
        w("final open_ok: %s;" % ("opened_%s" % openers[0] if len(openers) == 1 else "opened"))
    w("final H_nrpages: mapping_nrpages_ok(M);")
    w("final H_nr_thps: mapping_nr_thps_ok(M);")
    w("final H_thp_left: mapping_no_thp_left(M);")
    leak = [("small_pages_quiescent()" if h == "small_pages_quiescent" else
             "page_quiescent_ok(%s)" % h) for h in heads]
    w("final H_leak: " + wrap_list(leak, 14, width=88).replace(",", " &&") + " &&")
    w("              M->xa_lock == NO_THREAD;")
    w("exists (ghost_tail_truncate);")
    w("")
    w("/* expected verdicts, derived from pcmc runs; the cells of docs/findings.md */")
    for r in rows:
        pre = "" if bench or r["n"] == 4 else "set HPAGE_PMD_NR=%d " % r["n"]
        if not bench and len(rows) > 1:
            w("/* N = %d%s */" % (r["n"], "" if pre else " (the library default: no --set)"))
        for variant_mode, verdicts in r["expect"]:
            w("expect %s%s { %s }" % (pre, variant_mode, verdicts))
        for variant_mode, (states, transitions) in sorted(r["pins"].items()):
            w("expect %s%s { states %d; transitions %d; }" % (pre, variant_mode, states, transitions))
    return "\n".join(out) + "\n"


def groups():
    """The table's rows as files: each bench row alone, the other rows by (kind, openers)."""
    files = {}
    for row in TABLE:
        key = (folder(row), scenario_name(row))
        files.setdefault(key, []).append(row)
    return files


def outputs():
    files = {}
    for (fold, name), rows in groups().items():
        files[os.path.join(fold, name + ".pcm")] = render(rows)
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the checked-in files instead of writing them")
    ap.add_argument("--list", action="store_true", help="list the scenarios of the table")
    ap.add_argument("--out", default=HERE, help="root folder (default: this script's folder)")
    args = ap.parse_args()
    files = outputs()
    if args.list:
        for (fold, name), rows in groups().items():
            print("%-24s %-10s N=%-8s openers=%d kind=%s" % (name, fold,
                  ",".join(str(r["n"]) for r in rows), rows[0]["openers"], rows[0]["kind"]))
        return 0
    owned = {"generated", "bench"}
    if args.check:
        bad = []
        for rel, text in sorted(files.items()):
            path = os.path.join(args.out, rel)
            try:
                with open(path, "rb") as f:
                    if f.read() != text.encode("utf-8"):
                        bad.append(rel + ": differs from what gen.py generates")
            except OSError:
                bad.append(rel + ": missing")
        for d in sorted(owned):
            full = os.path.join(args.out, d)
            for fn in sorted(os.listdir(full)) if os.path.isdir(full) else []:
                if fn.endswith(".pcm") and os.path.join(d, fn) not in files:
                    bad.append(os.path.join(d, fn) + ": not in gen.py's table (stale)")
        for b in bad:
            print("gen.py --check: " + b, file=sys.stderr)
        if bad:
            print("gen.py --check: re-run `python3 examples/scaled/gen.py`", file=sys.stderr)
            return 1
        print("gen.py --check: %d files match the table" % len(files))
        return 0
    for d in owned:
        os.makedirs(os.path.join(args.out, d), exist_ok=True)
        for fn in os.listdir(os.path.join(args.out, d)):
            if fn.endswith(".pcm") and os.path.join(d, fn) not in files:
                os.remove(os.path.join(args.out, d, fn))
    for rel, text in sorted(files.items()):
        with open(os.path.join(args.out, rel), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    print("gen.py: wrote %d files" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
