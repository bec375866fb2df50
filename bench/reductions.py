"""The reductions of the default run, one at a time (bench/run.py --reductions, and with --kernel).

For each scaled scenario (and each size it pins), `pcmc check SCENARIO -q --engine interp` with
the non-termination pass on (the default run), under: `--no-reduce` (the oracle), the default
(dead variables, ample sets, symmetry and transactions: properties/judge.hpp kDefaultReductions),
and each reduction alone — the others switched off by their own flags.  Figures: states and
the search time (`stats.seconds`, the non-termination pass and any fallback search included),
the ratio of states and of time against `--no-reduce`, and which graph the default run's
non-termination pass decided on (`stats.liveness_graph`: reduced, full, or full after a
fallback search, with that search's states).  Every run must give `--no-reduce`'s verdict, else
a note.  Standard library only.
"""
import json
import os
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (column, extra options): each run is `pcmc check SCENARIO -q --engine interp` plus these.
_OFF = {"dead vars": ["--dead-vars", "off"], "POR": ["--por", "off"],
        "symmetry": ["--symmetry", "off"], "transactions": ["--transactions", "off"]}


def _alone(name):
    """The options of the default run with every reduction but `name` switched off."""
    return [a for other, flags in _OFF.items() if other != name for a in flags]


CONFIGS = [("--no-reduce", ["--no-reduce"]), ("default", [])] + [
    (name, _alone(name)) for name in _OFF]

HEADER = (["scenario"] + ["%s states" % c for c, _ in CONFIGS] + ["%s time" % c for c, _ in CONFIGS]
          + ["default / --no-reduce (states, time)", "non-termination graph (default)"])


def check(pcmc, scenario, extra, timeout):
    """One run; a dict of figures or {"error": ...}."""
    fd, js = tempfile.mkstemp(suffix=".json", prefix="pcmc-bench-red-")
    os.close(fd)
    cmd = [pcmc, "check", scenario, "-q", "--engine", "interp", "--progress", "off",
           "--json", js] + extra
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": "timeout %.0f s" % timeout}
    try:
        with open(js) as f:
            j = json.load(f)
        st = j["stats"]
        return {"states": st["states"], "seconds": st["seconds"], "verdict": j["verdict"],
                "violated": sorted((v.get("property") or {}).get("name", "?")
                                   if isinstance(v.get("property"), dict) else str(v.get("property"))
                                   for v in j.get("violations", [])),
                "graph": st.get("liveness_graph", ""), "fallback": st.get("fallback_states", 0),
                "wall": time.monotonic() - t0}
    except (OSError, ValueError, KeyError) as e:
        return {"error": "%s (exit %s): %s" % (type(e).__name__, p.returncode,
                                                (p.stderr or p.stdout).strip()[:200])}
    finally:
        try:
            os.remove(js)
        except OSError:
            pass


def rows(pcmc, scenarios, timeout, log, notes, label_of, fmt_int, fmt_s):
    """One row per (path, sets) of `scenarios`; prints each as it goes."""
    out = []
    for path, sets in scenarios:
        label = label_of(path, sets)
        res = [check(pcmc, path, sets + extra, timeout) for _, extra in CONFIGS]
        base, dflt = res[0], res[1]
        for (name, _), r in zip(CONFIGS, res):
            if "error" in r:
                notes.append("%s %s: %s" % (label, name, r["error"]))
            elif "error" not in base and (r["verdict"], r["violated"]) != (base["verdict"], base["violated"]):
                notes.append("%s: %s gives %s %s, --no-reduce %s %s" % (
                    label, name, r["verdict"], r["violated"], base["verdict"], base["violated"]))
        ok = "error" not in base and "error" not in dflt
        ratio = ("%.2f×, %.2f×" % (dflt["states"] / float(base["states"]),
                                   dflt["seconds"] / base["seconds"] if base["seconds"] > 0 else 0)
                 if ok else "n/a")
        graph = "n/a" if "error" in dflt else (dflt["graph"] or "—") + (
            " (%s states)" % fmt_int(dflt["fallback"]) if dflt["fallback"] else "")
        out.append([os.path.basename(label)] +
                   [fmt_int(r.get("states")) if "error" not in r else "error" for r in res] +
                   [fmt_s(r.get("seconds")) if "error" not in r else "error" for r in res] +
                   [ratio, graph])
        log("  %-44s %s; default/--no-reduce %s; graph %s" % (
            label, "  ".join("%s %s in %s" % (n, fmt_int(r.get("states")), fmt_s(r.get("seconds")))
                             for (n, _), r in zip(CONFIGS, res)), ratio, graph))
    return out
