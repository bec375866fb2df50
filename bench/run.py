#!/usr/bin/env python3
"""pcmc benchmark: the scaled scenarios, -j 1 / -j 2, reductions, and SPIN on C-R2.

    python3 bench/run.py [--classic | --kernel | --reductions] [--quick] [--only TEXT] [--pcmc PATH]
                         [--no-write]

--classic: only the classic models side by side with SPIN (bench/sidebyside.py); --kernel: only
the kernel family (the scaled tables, SPIN on C-R2, the kernel rows of the side-by-side table,
and the reductions table); --reductions: only the reductions table (bench/reductions.py: per
scaled scenario, states and time of --no-reduce, the default run and each reduction alone, with
the non-termination pass on); none: all.  Each writes its own part of the generated block.

For each scaled scenario (examples/scaled/generated/*.pcm, plus examples/scaled/bench/*.pcm
unless --quick) it runs `pcmc check` on the baseline variant without CONFIG_DEBUG_VM (the full
state space: every property holds there) with `--liveness off`, and reports states,
transitions, stored bytes per state (the JSON stat `store_bytes_per_state`), peak RSS, states/s
and time to verdict with -j 1 and -j 2 (speed-up), and, when `pcmc check --help` lists them
(else "n/a"), states and time with `--por on`, `--symmetry on` and both, and bytes per state and
states/s with `--store hashcompact`, and states/s and compile seconds with `--engine native`
(the model compiled to C++, docs/native-engine.md; a fresh module cache per bench run, so the
compile is measured).  It also times the first counterexample with
`--debug-vm` (variant F1+F3 on the collapse scenarios, B on the others).

When `spin` and `gcc` are installed it runs SPIN exhaustively on bench/promela/c-r2.pml (the
C-R2 scenario, variant F1+F3, at pcmc's step granularity) with and without its DEBUG_VM macro
and prints the ratios of time to verdict and of states against pcmc on examples/seed/c-r2.pcm.

The results go to stdout and, unless --no-write, into docs/performance.md between the markers
`<!-- bench:begin -->` and `<!-- bench:end -->` (the rest of the file is left alone).
Python 3 standard library only; the script installs nothing (it says how to).
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

import reductions
import sidebyside

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
# Packages the benchmark can use; none is required by pcmc.  (Debian names.)
OPTIONAL_PACKAGES = {"spin": "spin", "gcc": "gcc"}
QUICK_LIMIT_STATES = 1000000       # --quick: skip scenarios bigger than this (from the -j 1 run)


# ---------------------------------------------------------------------------- machine
def machine():
    info = {"nproc": os.cpu_count() or 0, "cpu": platform.processor() or "?", "mem": "?",
            "load": "?", "kernel": platform.release()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["mem"] = "%.1f GiB" % (int(line.split()[1]) / 1024.0 / 1024.0)
                    break
    except OSError:
        pass
    try:
        info["load"] = " ".join("%.2f" % x for x in os.getloadavg())
    except OSError:
        pass
    return info


# ---------------------------------------------------------------------------- running
def run(cmd, cwd=None, timeout=None, env=None):
    """Runs cmd; returns (exit code or None on timeout, stdout, stderr, wall seconds)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return None, out.decode(errors="replace"), err.decode(errors="replace"), timeout
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace"), time.monotonic() - t0


class Pcmc:
    def __init__(self, path):
        self.path = path
        rc, out, err, _ = run([path, "check", "--help"])
        text = out + err
        self.has_por = "--por" in text
        self.has_symmetry = "--symmetry" in text
        self.has_store = "--store" in text
        self.has_engine = "--engine" in text
        self.has_dead_vars = "--dead-vars" in text

    def check(self, scenario, extra, timeout, env=None):
        """One `pcmc check` run; returns a dict of figures (or an error)."""
        fd, js = tempfile.mkstemp(suffix=".json", prefix="pcmc-bench-")
        os.close(fd)
        # No reduction unless `extra` names one: pcmc's default is --por on since 2026-11-30.
        por = [] if "--por" in extra or not self.has_por else ["--por", "off"]
        # The interpreter unless `extra` names an engine: the default is --engine auto (native
        # from the middle of a long search) since 2026-11-30, which would mix the engines.
        engine = [] if "--engine" in extra or not self.has_engine else ["--engine", "interp"]
        # Likewise the dead-variable reduction, on by default since issue 18 (docs/reductions.md).
        dead = ([] if "--dead-vars" in extra or not self.has_dead_vars
                else ["--dead-vars", "off"])
        cmd = [self.path, "check", scenario, "-q", "--liveness", "off", "--progress", "off",
               "--json", js] + por + engine + dead + extra
        rc, out, err, wall = run(cmd, cwd=ROOT, timeout=timeout, env=env)
        res = {"rc": rc, "wall": wall}
        try:
            with open(js) as f:
                j = json.load(f)
            st = j["stats"]
            res.update(states=st["states"], transitions=st["transitions"],
                       bps=st.get("store_bytes_per_state", 0.0), rss=st.get("peak_rss", 0),
                       seconds=st["seconds"], state_bytes=st.get("state_bytes", 0),
                       compile_seconds=st.get("compile_seconds", 0.0),
                       engine=st.get("engine", "interp"),
                       native_after=st.get("native_after_seconds"),
                       verdict=j["verdict"], depth=st.get("max_depth", 0),
                       violations=[(v.get("property") or {}).get("name", "?") if isinstance(v.get("property"), dict)
                                   else str(v.get("property", "?")) for v in j.get("violations", [])],
                       trace_steps=[len(v.get("steps", [])) for v in j.get("violations", [])])
        except (OSError, ValueError, KeyError) as e:
            res.update(error="%s (exit %s): %s" % (type(e).__name__, rc, (err or out).strip()[:300]))
        finally:
            try:
                os.remove(js)
            except OSError:
                pass
        return res


# ---------------------------------------------------------------------------- SPIN
def parse_pan(text):
    def num(pattern, cast=int):
        m = re.search(pattern, text)
        return cast(m.group(1)) if m else None
    return {"states": num(r"(\d+) states, stored"), "transitions": num(r"(\d+) transitions \(= stored"),
            "errors": num(r"errors: (\d+)"), "depth": num(r"depth reached (\d+)"),
            "seconds": num(r"pan: elapsed time ([0-9.e+-]+) seconds", float),
            "memory_mb": num(r"([0-9.]+)\s+total actual memory usage", float),
            "violation": (re.search(r"pan:1: (.*)", text).group(1).strip()
                          if re.search(r"pan:1: (.*)", text) else "")}


def spin_run(pml, debug, bfs, timeout):
    """spin -a; gcc -O2 -DSAFETY [-DBFS]; ./pan -m1000000.  Returns the parsed pan figures."""
    work = tempfile.mkdtemp(prefix="pcmc-bench-spin-")
    try:
        shutil.copy(pml, os.path.join(work, "model.pml"))
        spin_cmd = ["spin"] + (["-DDEBUG_VM"] if debug else []) + ["-a", "model.pml"]
        rc, out, err, t_spin = run(spin_cmd, cwd=work, timeout=timeout)
        if rc != 0:
            return {"error": "spin -a failed: " + (out + err).strip()[:300]}
        cc = ["gcc", "-O2", "-DSAFETY"] + (["-DBFS"] if bfs else []) + ["-o", "pan", "pan.c"]
        rc, out, err, t_cc = run(cc, cwd=work, timeout=timeout)
        if rc != 0:
            return {"error": "gcc failed: " + (out + err).strip()[:300]}
        rc, out, err, wall = run(["./pan", "-m1000000"], cwd=work, timeout=timeout)
        r = parse_pan(out + err)
        if r["errors"]:
            # name the violated assertion: the trail's line in the model, and its /* comment */
            trc, tout, terr, _ = run(["spin"] + (["-DDEBUG_VM"] if debug else []) + ["-t", "model.pml"],
                                     cwd=work, timeout=timeout)
            m = re.search(r"model\.pml:(\d+), Error: (.*)", tout + terr)
            if m:
                with open(pml) as f:
                    src = f.read().split("\n")
                line = int(m.group(1))
                c = re.search(r"/\*\s*([A-Za-z0-9_]+)", src[line - 1]) if line <= len(src) else None
                r["violation"] = "%s at c-r2.pml:%d%s" % (m.group(2).strip(), line,
                                                           " (%s)" % c.group(1) if c else "")
        r.update(wall=wall, generate=t_spin + t_cc,
                 cmd="%s && %s && ./pan -m1000000" % (" ".join(spin_cmd), " ".join(cc)))
        return r
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------- formatting
def fmt_int(x):
    return "{:,}".format(x) if isinstance(x, int) else ("n/a" if x is None else str(x))


def fmt_s(x):
    return "n/a" if x is None else ("%.2f s" % x if x >= 0.1 else "%.0f ms" % (x * 1000))


def fmt_mib(b):
    return "n/a" if not b else "%.0f MiB" % (b / 1048576.0)


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def scenario_label(path, sets=()):
    """The file, and the size when it is set: scaled/generated/thp-open2.pcm HPAGE_PMD_NR=8."""
    return os.path.relpath(path, ROOT) + "".join(" " + sets[i + 1] for i in range(0, len(sets), 2))


def expect_sizes(path):
    """The --set arguments of each size a scenario pins: [] (no --set) first, then one list per
    distinct `expect set NAME=VALUE ...` header (docs/language.md), as ctest runs them."""
    sizes = [[]]
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"expect set ((?:[A-Za-z_][A-Za-z0-9_]*=-?\w+ )+)", line)
            if m:
                args = []
                for pair in sorted(m.group(1).split()):
                    args += ["--set", pair]
                if args not in sizes:
                    sizes.append(args)
    return sizes


def debug_variant(path):
    """The variant whose --debug-vm run is timed: F1+F3 where the scenario expects a violation
    under it (collapse: A3 through the rollback), else the baseline."""
    return ["-D", "F1", "-D", "F3"] if "collapse" in os.path.basename(path) else []


def scaled_scenarios(args):
    """(path, --set arguments) of every scaled scenario and size the run covers."""
    files = sorted(glob.glob(os.path.join(ROOT, "examples", "scaled", "generated", "*.pcm")))
    if not args.quick:
        files += sorted(glob.glob(os.path.join(ROOT, "examples", "scaled", "bench", "*.pcm")))
    # A generated file serves several sizes: one scenario per size it pins (expect_sizes).
    scen = [(p, sets) for p in files for sets in expect_sizes(p)]
    return [(p, sets) for (p, sets) in scen if args.only in scenario_label(p, sets)]


def reductions_part(args, pcmc, mach, command):
    """The reductions table (bench/reductions.py), as the "reductions" part of the block."""
    started = datetime.datetime.now()
    print("reductions (the default run, liveness on):")
    notes = []
    scen = scaled_scenarios(args)
    if args.quick:  # the ctest-sized ones: skip the sizes --no-reduce takes long on
        scen = [(p, s) for (p, s) in scen if "HPAGE_PMD_NR=16" not in " ".join(s)]
    rrows = reductions.rows(pcmc.path, scen, args.timeout, print, notes, scenario_label, fmt_int, fmt_s)
    return "\n".join([
        "## Reductions in the default run (generated by `%s`)" % command, "",
        "Machine: %d CPUs (%s), load average at start %s; %s, %.0f s in all. Each scenario: "
        "`pcmc check SCENARIO -q --engine interp` with the non-termination pass on, under "
        "`--no-reduce`, the default (dead variables, ample sets, symmetry and transactions) and "
        "each reduction alone (the other three switched off: `--dead-vars off`, `--por off`, "
        "`--symmetry off`, `--transactions off`); time: `stats.seconds` (the pass, any fallback "
        "search and the counterexamples' re-derivation included); one run each. Non-termination "
        "graph: docs/reductions.md." % (
            mach["nproc"], mach["cpu"], mach["load"], started.strftime("%Y-%m-%d %H:%M"),
            (datetime.datetime.now() - started).total_seconds()), "",
        md_table(reductions.HEADER, rrows), ""] + (["Notes: " + "; ".join(notes), ""] if notes else []))


# ---------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description="pcmc benchmark (docs/performance.md)")
    ap.add_argument("--quick", action="store_true",
                    help="only the ctest-sized scenarios (examples/scaled/generated/), small ones; < 2 min")
    ap.add_argument("--pcmc", default=os.path.join(ROOT, "build", "checker", "cli", "pcmc"),
                    help="the pcmc binary (default: build/checker/cli/pcmc)")
    ap.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per run (default 900)")
    ap.add_argument("--only", default="", help="only the scenarios whose path contains this text "
                    "(implies --no-write: a partial table must not replace the full one)")
    ap.add_argument("--classic", action="store_true",
                    help="only the classic models, pcmc and SPIN side by side")
    ap.add_argument("--kernel", action="store_true", help="only the kernel family")
    ap.add_argument("--reductions", action="store_true",
                    help="only the reductions table (bench/reductions.py)")
    args = ap.parse_args()
    if args.only:
        args.no_write = True
    if not args.classic and not args.kernel and not args.reductions:
        args.classic = args.kernel = args.reductions = True
    if args.kernel:
        args.reductions = True
    # --engine native: a module cache of this run's own, so the compile time is measured.
    native_cache = tempfile.mkdtemp(prefix="pcmc-bench-native-")
    os.environ["PCMC_CACHE"] = native_cache

    started = datetime.datetime.now()
    mach = machine()
    if not os.access(args.pcmc, os.X_OK):
        print("bench: no pcmc binary at %s (build it: cmake -S . -B build -G Ninja && ninja -C build,"
              " or pass --pcmc)" % args.pcmc, file=sys.stderr)
        return 2
    pcmc = Pcmc(args.pcmc)
    have = {name: shutil.which(cmd) is not None for name, cmd in OPTIONAL_PACKAGES.items()}
    missing = [OPTIONAL_PACKAGES[n] for n, ok in have.items() if not ok]
    command = "python3 bench/run.py" + (" --quick" if args.quick else "")
    parts = {}
    if args.classic:
        parts["classic"] = sidebyside.classic_part(args, pcmc.path, mach, command, machine)
        if not args.kernel and not args.reductions:
            shutil.rmtree(native_cache, ignore_errors=True)
            return sidebyside.write_parts(args, parts, BEGIN, END)
    if not args.kernel:
        parts["reductions"] = reductions_part(args, pcmc, mach, command + " --reductions")
        shutil.rmtree(native_cache, ignore_errors=True)
        return sidebyside.write_parts(args, parts, BEGIN, END)
    command += " --kernel" if not args.classic else ""
    print("bench: %s" % command)
    print("machine: %d CPUs (%s), %s, load average at start %s" % (mach["nproc"], mach["cpu"], mach["mem"], mach["load"]))
    print("pcmc: %s; --por %s; --symmetry %s" % (args.pcmc, "available" if pcmc.has_por else "n/a",
                                                   "available" if pcmc.has_symmetry else "n/a"))
    if missing:
        print("bench: optional packages missing: %s (the SPIN comparison is skipped); install with:"
              " sudo apt-get install -y %s" % (", ".join(missing), " ".join(missing)))

    scen = scaled_scenarios(args)
    if not scen:
        print("bench: no scaled scenarios (run python3 examples/scaled/gen.py)", file=sys.stderr)
        return 2

    rows, dbg_rows, notes = [], [], []
    for path, sets in scen:
        label = scenario_label(path, sets)
        base = pcmc.check(path, sets, args.timeout)
        if "error" in base:
            print("  %-48s error: %s" % (label, base["error"]))
            notes.append("%s: %s" % (label, base["error"]))
            continue
        if args.quick and base["states"] > QUICK_LIMIT_STATES:
            print("  %-48s %s states: skipped by --quick" % (label, fmt_int(base["states"])))
            continue
        par = pcmc.check(path, sets + ["-j", "2"], args.timeout)
        if par.get("states") != base["states"] or par.get("transitions") != base["transitions"]:
            notes.append("%s: -j 2 counts differ from -j 1 (%s vs %s states)" %
                         (label, par.get("states"), base["states"]))
        por = pcmc.check(path, sets + ["--por", "on"], args.timeout) if pcmc.has_por else None
        sym = pcmc.check(path, sets + ["--symmetry", "on"], args.timeout) if pcmc.has_symmetry else None
        both = (pcmc.check(path, sets + ["--por", "on", "--symmetry", "on"], args.timeout)
                if pcmc.has_por and pcmc.has_symmetry else None)
        hc = pcmc.check(path, sets + ["--store", "hashcompact"], args.timeout) if pcmc.has_store else None
        if hc is not None and "error" not in hc and hc["states"] != base["states"]:
            notes.append("%s: --store hashcompact stored %s states, exact %s (omissions)" %
                         (label, hc["states"], base["states"]))
        # --engine auto (the default) with a cold cache of its own: the time a user waits on a
        # first run (the compile runs in the background on the other core).
        auto = None
        if pcmc.has_engine:
            env = dict(os.environ, PCMC_CACHE=tempfile.mkdtemp(prefix="pcmc-bench-auto-"))
            auto = pcmc.check(path, sets + ["--engine", "auto"], args.timeout, env=env)
            shutil.rmtree(env["PCMC_CACHE"], ignore_errors=True)
        if auto is not None and "error" not in auto and (auto["states"], auto["transitions"]) != (base["states"], base["transitions"]):
            notes.append("%s: --engine auto counts differ from the interpreter's" % label)
        if auto is None or "error" in auto:
            auto_t = auto_at = "n/a" if auto is None else "error"
        else:
            auto_t = fmt_s(auto["seconds"])
            auto_at = (fmt_s(auto["native_after"]) if auto["engine"] == "native" and auto["native_after"]
                       else "—")
        nat = pcmc.check(path, sets + ["--engine", "native"], args.timeout) if pcmc.has_engine else None
        if nat is not None and "error" not in nat and (nat["states"], nat["transitions"]) != (base["states"], base["transitions"]):
            notes.append("%s: --engine native counts differ from the interpreter's" % label)
        if nat is None or "error" in nat:
            nat_r = nat_c = "n/a" if nat is None else "error"
        else:
            nat_r = fmt_int(int(nat["states"] / nat["seconds"])) if nat["seconds"] > 0 else "n/a"
            nat_c = fmt_s(nat["compile_seconds"])
        dbg = pcmc.check(path, sets + ["--debug-vm"] + debug_variant(path) +
                         (["--por", "on"] if pcmc.has_por else []), args.timeout)

        def red(r):
            if r is None:
                return "n/a", "n/a"
            if "error" in r:
                return "error", "error"
            return ("%s (%.2f×)" % (fmt_int(r["states"]), r["states"] / float(base["states"])),
                    fmt_s(r["seconds"]))
        por_s, por_t = red(por)
        sym_s, sym_t = red(sym)
        both_s, both_t = red(both)
        if hc is None or "error" in hc:
            hc_b = hc_r = "n/a" if hc is None else "error"
        else:
            hc_b = "%.1f" % hc["bps"]
            hc_r = fmt_int(int(hc["states"] / hc["seconds"])) if hc["seconds"] > 0 else "n/a"
        speedup = (base["seconds"] / par["seconds"]) if par.get("seconds") else None
        rows.append([os.path.basename(label), fmt_int(base["states"]), fmt_int(base["transitions"]),
                     str(base["state_bytes"]), "%.1f" % base["bps"], fmt_mib(base["rss"]),
                     fmt_int(int(base["states"] / base["seconds"])) if base["seconds"] > 0 else "n/a",
                     fmt_s(base["seconds"]), fmt_s(par.get("seconds")),
                     "%.2f×" % speedup if speedup else "n/a", por_s, por_t, sym_s, sym_t, both_s,
                     both_t, hc_b, hc_r, nat_r, nat_c, auto_t, auto_at])
        if "error" not in dbg:
            dbg_rows.append([os.path.basename(label), "B" if not debug_variant(path) else "F1+F3",
                             dbg["verdict"] + ((": " + ", ".join(dbg["violations"])) if dbg["violations"] else ""),
                             ", ".join(str(s) for s in dbg["trace_steps"]) or "—",
                             fmt_int(dbg["states"]), fmt_s(dbg["seconds"])])
        print("  %-48s %12s states %5.1f B/state %8s  -j1 %8s  -j2 %8s  por %s  sym %s  hashcompact %s B/state  native %s states/s (compile %s)  auto %s (native from %s)  debug: %s in %s" % (
            label, fmt_int(base["states"]), base["bps"], fmt_mib(base["rss"]), fmt_s(base["seconds"]),
            fmt_s(par.get("seconds")), por_s, sym_s, hc_b, nat_r, nat_c, auto_t, auto_at,
            dbg.get("verdict", "error"),
            fmt_s(dbg.get("seconds"))))

    # ---- SPIN on C-R2
    spin_section = []
    pml = os.path.join(ROOT, "bench", "promela", "c-r2.pml")
    cr2 = os.path.join(ROOT, "examples", "seed", "c-r2.pcm")
    if have["spin"] and have["gcc"]:
        print("SPIN vs pcmc on examples/seed/c-r2.pcm, variant F1+F3:")
        srows = []
        for debug in (False, True):
            mode = "debug" if debug else "nodebug"
            extra = ["-D", "F1", "-D", "F3"] + (["--debug-vm"] if debug else [])
            p = pcmc.check(cr2, extra, args.timeout)
            pp = pcmc.check(cr2, extra + ["--por", "on"], args.timeout) if pcmc.has_por else None
            # Compiled against compiled: pan.c is SPIN's model compiled to C, so pcmc's native
            # engine (module cached by the first run; its compile is not in stats.seconds, as
            # gcc is not in pan's elapsed time) is the like-for-like search-only comparison.
            pn = None
            if pcmc.has_engine and pcmc.has_por:
                pcmc.check(cr2, extra + ["--por", "on", "--engine", "native"], args.timeout)
                pn = pcmc.check(cr2, extra + ["--por", "on", "--engine", "native"], args.timeout)
            for bfs in (False, True):
                s = spin_run(pml, debug, bfs, args.timeout)
                if "error" in s:
                    notes.append("SPIN %s%s: %s" % (mode, " BFS" if bfs else "", s["error"]))
                    print("  SPIN %s: %s" % (mode, s["error"]))
                    continue
                spin_verdict = ("violated: " + s["violation"]) if s["errors"] else "no assertion violated"
                pcmc_verdict = p.get("verdict", "error") + ((": " + ", ".join(p.get("violations", []))) if p.get("violations") else "")
                ratio_t = (s["seconds"] / p["seconds"]) if p.get("seconds") and s.get("seconds") is not None else None
                ratio_s = (s["states"] / float(p["states"])) if p.get("states") and s.get("states") else None
                pp_ok = pp is not None and "error" not in pp
                ratio_tp = (s["seconds"] / pp["seconds"]) if pp_ok and pp.get("seconds") and s.get("seconds") is not None else None
                pn_ok = pn is not None and "error" not in pn
                ratio_tn = (s["seconds"] / pn["seconds"]) if pn_ok and pn.get("seconds") and s.get("seconds") is not None else None
                # End to end: what a user waits for, from the model file to the verdict.  SPIN:
                # spin -a, gcc and pan (wall clock each); pcmc: the whole `pcmc check` process.
                spin_e2e = s["generate"] + s["wall"]
                ratio_e2e = (spin_e2e / p["wall"]) if p.get("wall") else None
                srows.append([mode, "DFS" if not bfs else "BFS", spin_verdict, pcmc_verdict,
                              fmt_int(s["states"]), fmt_int(p.get("states")),
                              fmt_int(pp["states"]) if pp_ok else "n/a",
                              "%.2f" % ratio_s if ratio_s else "n/a",
                              fmt_int(s["depth"]), ", ".join(str(x) for x in p.get("trace_steps", [])) or "—",
                              fmt_s(s["seconds"]), fmt_s(p.get("seconds")),
                              "%.2f" % ratio_t if ratio_t else "n/a",
                              fmt_s(pp.get("seconds")) if pp_ok else "n/a",
                              "%.2f" % ratio_tp if ratio_tp else "n/a",
                              fmt_s(pn.get("seconds")) if pn_ok else "n/a",
                              "%.2f" % ratio_tn if ratio_tn else "n/a", fmt_s(s["generate"]),
                              fmt_s(spin_e2e), fmt_s(p.get("wall")),
                              "%.1f" % ratio_e2e if ratio_e2e else "n/a"])
                print("  %-7s %s SPIN %s, %s states, depth %s, %s (+%s spin -a/gcc) | pcmc %s, %s states, %s"
                      " (native --por %s) | end to end SPIN %s, pcmc %s" % (
                    mode, "BFS" if bfs else "DFS", spin_verdict, fmt_int(s["states"]), s["depth"],
                    fmt_s(s["seconds"]), fmt_s(s["generate"]), pcmc_verdict, fmt_int(p.get("states")),
                    fmt_s(p.get("seconds")), fmt_s(pn.get("seconds")) if pn_ok else "n/a",
                    fmt_s(spin_e2e), fmt_s(p.get("wall"))))
        spin_section = [
            "### SPIN on C-R2 (`bench/promela/c-r2.pml`, variant F1+F3)", "",
            "SPIN 6 with its partial-order reduction (`spin [-DDEBUG_VM] -a c-r2.pml && gcc -O2 -DSAFETY "
            "[-DBFS] -o pan pan.c && ./pan -m1000000`) against `pcmc check examples/seed/c-r2.pcm -D F1 -D F3 "
            "[--debug-vm] --liveness off --por off` (no reduction) and with `--por on`. Ratios are SPIN / pcmc "
            "(above 1: pcmc is faster). \"SPIN time\" and \"pcmc time\" are the searches only (`pan: elapsed time`, "
            "pcmc's `stats.seconds`). \"End to end\" is what a user waits for from the model file to the "
            "verdict: SPIN's `spin -a` + `gcc` + `pan` (wall clock of each), against the whole `pcmc check` "
            "process without POR (parsing, lowering, search, report). \"pcmc native --por\": `--engine "
            "native --por on`, the module cached (compiled against compiled: pan.c is SPIN's model "
            "compiled to C; neither compile is in the search time). "
            "Why the counts differ: bench/README.md.", "",
            md_table(["mode", "SPIN search", "SPIN verdict", "pcmc verdict", "SPIN states", "pcmc states",
                      "pcmc --por states", "states ratio", "SPIN depth", "pcmc trace steps", "SPIN time",
                      "pcmc time", "time ratio", "pcmc --por time", "time ratio (--por)",
                      "pcmc native --por time", "time ratio (native, --por)", "spin -a + gcc",
                      "SPIN end to end", "pcmc end to end", "end-to-end ratio"], srows), ""]
    else:
        spin_section = ["### SPIN on C-R2", "",
                        "n/a: %s not installed (`sudo apt-get install -y %s`)." % (" and ".join(missing), " ".join(missing)), ""]
        print("SPIN comparison: n/a (%s missing)" % ", ".join(missing))

    print("side by side (kernel family):")
    side_rows = sidebyside.kernel(pcmc.path, scen, args.timeout, print)
    finished = datetime.datetime.now()
    section = [
        "## Benchmark: scaled scenarios (generated by `%s`)" % command, "",
        "Machine: %d CPUs (%s), %s memory, Linux %s; load average at start %s; %s, %.0f s in all." % (
            mach["nproc"], mach["cpu"], mach["mem"], mach["kernel"], mach["load"],
            started.strftime("%Y-%m-%d %H:%M"), (finished - started).total_seconds()),
        "Each scenario: `pcmc check SCENARIO -q --liveness off --por off --json …` (no reduction unless a column says so) on the baseline variant without "
        "CONFIG_DEBUG_VM (the whole state space: every property holds), one run each (these machines "
        "are shared: read ratios, not absolutes). Peak RSS and bytes per state are pcmc's own JSON "
        "statistics (`peak_rss`, `store_bytes_per_state`). Scenarios: `examples/scaled/gen.py`.", "",
        md_table(["scenario", "states", "transitions", "state bytes", "stored B/state", "peak RSS",
                  "states/s (-j 1)", "time -j 1", "time -j 2", "speed-up", "--por on states",
                  "--por time", "--symmetry on states", "--symmetry time", "both states",
                  "both time", "hashcompact B/state", "hashcompact states/s", "native states/s",
                  "native compile", "auto time", "auto native from"], rows), "",
        "native: `--engine native` (a fresh module cache per bench run: the compile is measured; "
        "states/s of the search alone). auto: `--engine auto`, the default, with a cold cache of "
        "its own: the search time (interpreted, then native from the time shown once the "
        "background compile is loaded; — : the search ended first and the compiler was killed).", "",
        "--por on: persistent (ample) sets and sleep sets (`pcmc check`'s default; with the non-termination pass, as in the reductions table, ample sets alone). both: `--por on --symmetry on`. Ratios in parentheses are states against no reduction.", "",
        "hashcompact: `--store hashcompact` (lossy, 64-bit signatures; docs/hash-compaction.md), same "
        "scenario and options; its bytes per state include the frontier's bytes held at the end "
        "(none once the search is complete but a partly used chunk).", "",
        "Time to the first counterexample with `--debug-vm` and the default `--por on` (BFS: the shortest, re-derived without POR when POR reduced anything; states explored: the reduced search's):", "",
        md_table(["scenario", "variant", "verdict", "trace steps", "states explored", "time"], dbg_rows), "",
    ] + spin_section + [
        "### Side by side: the kernel family (`--liveness off --no-reduce`; SPIN has no twin)", "",
        md_table(sidebyside.HEADER, side_rows), ""] + (
        ["Notes: " + "; ".join(notes), ""] if notes else [])
    parts["kernel"] = "\n".join(section)
    parts["reductions"] = reductions_part(args, pcmc, mach, command)
    shutil.rmtree(native_cache, ignore_errors=True)
    return sidebyside.write_parts(args, parts, BEGIN, END)


if __name__ == "__main__":
    sys.exit(main())
