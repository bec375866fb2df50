"""pcmc and SPIN side by side on the same state spaces (bench/run.py --classic / --kernel).

For each model: pcmc's exact search interpreted (`--engine interp`) and native (`--engine
native`, the module compiled by a first run that is not timed), pcmc's lossy store (`--store
hashcompact`), all with `--liveness off --no-reduce`, and SPIN's exact search of the model's
Promela twin (bench/promela/classic/: `spin -a`, `gcc -O2 -DNOREDUCE -DCOLLAPSE -DSAFETY`, `pan
-m10000000 -wW`), timed apart from spin -a and gcc.  Figures: states, CPU time (user + sys of the
search process: pcmc check, or pan), states per CPU second, stored bytes per state (pcmc: the
JSON statistic `store_bytes_per_state`; SPIN: its memory report's "actual memory usage for
states" plus "memory used for hash table", over the states), peak RSS (the process's, from
wait4), and pcmc's CPU time against SPIN's.  Standard library only.
"""
import datetime
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMELA = os.path.join(ROOT, "bench", "promela", "classic")

# (model, pcmc scenario, pcmc -D switches, Promela twin, spin -D defines, the --quick size:
# scenario and spin defines).  The large sizes are examples/classic/large/ (the long tier); the
# quick ones the largest routine size.  SPIN's count is pcmc's --no-reduce count, except where
# bench/README.md ("Classic twins") explains one state more.
CLASSIC = [
    ("Peterson filter", "large/peterson-n5.pcm", [], "peterson.pml", ["-DN=5"],
     ("peterson-n4.pcm", ["-DN=4"])),
    ("bakery", "large/bakery-n4.pcm", [], "bakery.pml", ["-DN=4"],
     ("bakery-n3.pcm", ["-DN=3"])),
    ("Szymanski", "large/szymanski-n5.pcm", [], "szymanski.pml", ["-DN=5"],
     ("szymanski-n3.pcm", ["-DN=3"])),
    ("Anderson", "large/anderson-n6.pcm", [], "anderson.pml", ["-DN=6"],
     ("anderson-n4.pcm", ["-DN=4"])),
    ("Fischer (untimed)", "large/fischer-n8.pcm", [], "fischer.pml", ["-DN=8"],
     ("fischer-n5.pcm", ["-DN=5"])),
    ("philosophers (ordered)", "large/philosophers-n9.pcm", ["ORDERED"], "philosophers.pml",
     ["-DN=9"], ("philosophers-n6.pcm", ["-DN=6"])),
    ("sliding tiles", "large/sliding-3x3.pcm", [], "sliding_tiles.pml",
     ["-DROWS=3", "-DCOLS=3"], ("sliding-2x4.pcm", ["-DROWS=2", "-DCOLS=4"])),
    ("sliding tiles", "large/sliding-2x5.pcm", [], "sliding_tiles.pml",
     ["-DROWS=2", "-DCOLS=5"], None),
]


def timed(cmd, cwd, timeout, env=None):
    """Runs cmd with its output in a file; returns (exit code or None on timeout, output text,
    CPU seconds user+sys, peak RSS bytes, wall seconds), the CPU and RSS from wait4."""
    fd, path = tempfile.mkstemp(prefix="pcmc-bench-out-")
    t0 = time.monotonic()
    with os.fdopen(fd, "w+b") as out:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                status = None
                break
            time.sleep(0.02)
        p.returncode = 0  # reaped here; keep Popen from waiting again
        out.seek(0)
        text = out.read().decode(errors="replace")
    os.remove(path)
    rc = None if status is None else os.waitstatus_to_exitcode(status)
    return rc, text, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024, time.monotonic() - t0


def pcmc_run(pcmc, scenario, switches, extra, timeout, cache):
    """One `pcmc check` with --liveness off --no-reduce: states, CPU, RSS, bytes per state."""
    fd, js = tempfile.mkstemp(suffix=".json", prefix="pcmc-bench-")
    os.close(fd)
    cmd = [pcmc, "check", scenario, "-q", "--liveness", "off", "--no-reduce", "--progress", "off",
           "--json", js] + [a for s in switches for a in ("-D", s)] + extra
    env = dict(os.environ, PCMC_CACHE=cache)
    rc, text, cpu, rss, wall = timed(cmd, os.path.dirname(scenario), timeout, env)
    try:
        with open(js) as f:
            st = json.load(f)["stats"]
        return {"states": st["states"], "cpu": cpu, "rss": rss, "wall": wall,
                "bps": st.get("store_bytes_per_state", 0.0), "seconds": st["seconds"],
                "engine": st.get("engine", "?")}
    except (OSError, ValueError, KeyError) as e:
        return {"error": "%s (exit %s): %s" % (type(e).__name__, rc, text.strip()[:200])}
    finally:
        os.remove(js)


def parse_pan(text):
    def num(pattern, cast=float):
        m = re.search(pattern, text)
        return cast(m.group(1)) if m else None
    return {"states": num(r"(\d+) states, stored", int), "errors": num(r"errors: (\d+)", int),
            "elapsed": num(r"pan: elapsed time ([0-9.e+-]+) seconds"),
            "states_mb": num(r"([0-9.]+)\s+actual memory usage for states"),
            "hash_mb": num(r"([0-9.]+)\s+memory used for hash table")}


def spin_run(pml, defines, states_hint, timeout):
    """SPIN exact: spin -a, gcc (timed apart), pan.  -w: the smallest table with at most half
    of its slots used for the expected states (a SPIN user sizes -w to the model)."""
    work = tempfile.mkdtemp(prefix="pcmc-bench-spin-")
    try:
        shutil.copy(os.path.join(PROMELA, pml), os.path.join(work, "model.pml"))
        t0 = time.monotonic()
        rc, text, _, _, _ = timed(["spin"] + defines + ["-a", "model.pml"], work, timeout)
        if rc != 0:
            return {"error": "spin -a: " + text.strip()[:200]}
        cc = ["gcc", "-O2", "-DNOREDUCE", "-DCOLLAPSE", "-DSAFETY", "-o", "pan", "pan.c"]
        rc, text, _, _, _ = timed(cc, work, timeout)
        if rc != 0:
            return {"error": "gcc: " + text.strip()[:200]}
        generate = time.monotonic() - t0
        w = max(18, math.ceil(math.log2(max(2, states_hint) * 2)))
        rc, text, cpu, rss, wall = timed(["./pan", "-m10000000", "-w%d" % w], work, timeout)
        r = parse_pan(text)
        if r["states"] is None:
            return {"error": "pan (exit %s): %s" % (rc, text.strip()[-200:])}
        mem = (r["states_mb"] or 0.0) + (r["hash_mb"] or 0.0)
        r.update(cpu=cpu, rss=rss, generate=generate, w=w,
                 bps=mem * 1048576.0 / r["states"] if r["states"] else 0.0)
        return r
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(pcmc, scenario, switches, timeout, log, sets=()):
    """pcmc exact interp, exact native (module cached first), lossy: a dict of three runs.
    `sets`: --set arguments (a size of a scaled file)."""
    cache = tempfile.mkdtemp(prefix="pcmc-bench-native-")
    try:
        sets = list(sets)
        res = {"interp": pcmc_run(pcmc, scenario, switches, sets + ["--engine", "interp"],
                                  timeout, cache)}
        pcmc_run(pcmc, scenario, switches, sets + ["--engine", "native"], timeout, cache)  # compiles
        res["native"] = pcmc_run(pcmc, scenario, switches, sets + ["--engine", "native"], timeout,
                                 cache)
        res["lossy"] = pcmc_run(pcmc, scenario, switches,
                                sets + ["--engine", "interp", "--store", "hashcompact"], timeout,
                                cache)
        for k, r in res.items():
            log("    pcmc %-6s %s" % (k, r.get("error") or "%d states, %.2f s CPU, %.1f B/state"
                                      % (r["states"], r["cpu"], r["bps"])))
        return res
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return "\n".join(out + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def _mib(b):
    return "%.0f MiB" % (b / 1048576.0) if b else "n/a"


def _cells(r, spin_cpu):
    if r is None or "error" in r:
        return ["error" if r else "—"] * 5
    rate = r["states"] / r["cpu"] if r["cpu"] > 0 else 0
    ratio = ("%.2f×" % (r["cpu"] / spin_cpu)) if spin_cpu else "—"
    return ["%.2f s" % r["cpu"], "{:,}".format(int(rate)), "%.1f" % r["bps"], _mib(r["rss"]), ratio]


def rows_for(label, res, spin):
    """Table rows: one per pcmc configuration and one for SPIN (ratios: pcmc CPU / SPIN CPU)."""
    spin_ok = spin is not None and "error" not in spin
    spin_cpu = spin["cpu"] if spin_ok else None
    rows = []
    names = {"interp": "pcmc exact, interp", "native": "pcmc exact, native",
             "lossy": "pcmc hashcompact (lossy)"}
    for k in ("interp", "native", "lossy"):
        r = res[k]
        rows.append([label, names[k], "{:,}".format(r["states"]) if "states" in r else "error"]
                    + _cells(r, spin_cpu))
    if spin is None:
        rows.append([label, "SPIN exact", "—", "no twin", "", "", "", ""])
    elif not spin_ok:
        rows.append([label, "SPIN exact", "error", spin["error"][:60], "", "", "", ""])
    else:
        rows.append([label, "SPIN exact (-w%d; search %.2f s, spin -a + gcc %.1f s)"
                     % (spin["w"], spin["elapsed"] or 0.0, spin["generate"]),
                     "{:,}".format(spin["states"])] + _cells(spin, None)[:4] + ["1"])
    return rows


HEADER = ["model", "run", "states", "CPU time", "states / CPU s", "stored B/state", "peak RSS",
          "CPU vs SPIN"]


def classic(pcmc, quick, timeout, log, notes):
    """The classic models with their SPIN twins: (table rows, ratio lines)."""
    rows, ratios = [], []
    have_spin = shutil.which("spin") and shutil.which("gcc")
    for label, scen, switches, pml, defines, small in CLASSIC:
        if quick:
            if small is None:
                continue
            scen, defines = small
        label = "%s (%s)" % (label, os.path.basename(scen)[:-4])
        path = os.path.join(ROOT, "examples", "classic", scen)
        log("  %s: %s" % (label, os.path.relpath(path, ROOT)))
        res = measure(pcmc, path, switches, timeout, log)
        states = res["interp"].get("states", 0)
        spin = spin_run(pml, defines, states, timeout) if have_spin else None
        if spin is not None:
            log("    SPIN   %s" % (spin.get("error") or "%d states, %.2f s CPU (search %.2f s)"
                                  % (spin["states"], spin["cpu"], spin["elapsed"] or 0)))
            if "error" not in spin and spin["states"] != states:
                notes.append("%s: SPIN stored %d states, pcmc %d (bench/README.md explains the "
                             "difference where one is expected)" % (label, spin["states"], states))
        rows += rows_for(label, res, spin)
        if spin is not None and "error" not in spin and spin["cpu"] > 0:
            ratios.append("%s: %s" % (label, ", ".join(
                "%s %.2f×" % (k, res[k]["cpu"] / spin["cpu"]) for k in ("interp", "native", "lossy")
                if "cpu" in res[k])))
    return rows, ratios


def kernel(pcmc, scenarios, timeout, log):
    """The kernel family (examples/scaled/): pcmc's three runs, SPIN has no twin. `scenarios`:
    (path, --set arguments) pairs, one per size a file pins (run.py's expect_sizes)."""
    rows = []
    for path, sets in scenarios:
        label = os.path.basename(path)[:-4] + "".join(
            " " + sets[i + 1] for i in range(0, len(sets), 2))
        log("  %s" % label)
        rows += rows_for(label, measure(pcmc, path, [], timeout, log, sets), None)
    return rows


def classic_part(args, pcmc, mach, command, machine):
    """The classic models side by side with SPIN: the text of the block's classic part."""
    started = datetime.datetime.now()
    print("side by side (classic models%s):" % (", --quick sizes" if args.quick else ""))
    notes = []
    rows, ratios = classic(pcmc, args.quick, args.timeout, print, notes)
    secs = (datetime.datetime.now() - started).total_seconds()
    for line in ratios:
        print("  ratio (pcmc CPU / SPIN CPU) " + line)
    return "\n".join([
        "## Side by side: classic models, pcmc and SPIN (generated by `%s --classic`)"
        % command.replace(" --quick", "") + (" --quick" if args.quick else ""), "",
        "Machine: %d CPUs (%s), %s memory, Linux %s; load average at start %s, at the end %s; "
        "%s, %.0f s in all." % (mach["nproc"], mach["cpu"], mach["mem"], mach["kernel"],
                                 mach["load"], machine()["load"],
                                 started.strftime("%Y-%m-%d %H:%M"), secs),
        "pcmc: `pcmc check MODEL -q --liveness off --no-reduce --engine interp|native "
        "[--store hashcompact]` (native: the module compiled by an untimed first run). SPIN "
        "6: `spin -a TWIN.pml && gcc -O2 -DNOREDUCE -DCOLLAPSE -DSAFETY -o pan pan.c && ./pan "
        "-m10000000 -wW` (W: twice the states, rounded up to a power of two), its compile apart. "
        "CPU time: user + sys of the search process (pcmc check, pan). Stored bytes per state: "
        "pcmc's `store_bytes_per_state`; SPIN's \"actual memory usage for states\" plus its hash "
        "table, over the states. CPU vs SPIN: below 1, pcmc used less CPU. Models: "
        "examples/classic/ and their twins in bench/promela/classic/ (bench/README.md).", "",
        md_table(HEADER, rows), ""] + (
        ["Notes: " + "; ".join(notes), ""] if notes else []))


def write_parts(args, parts, BEGIN, END):
    """Replaces the given parts ("kernel", "reductions", "classic") of the generated block of
    docs/performance.md; the other part keeps its text."""
    if args.no_write:
        return 0
    perf = os.path.join(ROOT, "docs", "performance.md")
    with open(perf, encoding="utf-8") as f:
        doc = f.read()
    old = {}
    if BEGIN in doc and END in doc:
        inner = doc[doc.index(BEGIN) + len(BEGIN):doc.index(END)]
        for name in ("kernel", "reductions", "classic"):
            b, e = "<!-- bench:%s:begin -->" % name, "<!-- bench:%s:end -->" % name
            if b in inner and e in inner:
                old[name] = inner[inner.index(b) + len(b):inner.index(e)].strip("\n")
        if not old and inner.strip():
            old["kernel"] = inner.strip("\n")  # a block written before the parts existed
    old.update(parts)
    text = "\n".join([BEGIN] + ["<!-- bench:%s:begin -->\n%s\n<!-- bench:%s:end -->" % (n, old[n], n)
                                 for n in ("kernel", "reductions", "classic") if n in old] + [END])
    if BEGIN in doc and END in doc:
        doc = doc[:doc.index(BEGIN)] + text + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    with open(perf, "w", encoding="utf-8") as f:
        f.write(doc)
    print("bench: wrote %s of the generated block of docs/performance.md" % " and ".join(parts))
    return 0
