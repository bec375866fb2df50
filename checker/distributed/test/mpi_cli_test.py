#!/usr/bin/env python3
"""`pcmc check` under mpirun, end to end (docs/distributed.md): the printed counterexamples, the
verdict, the counts and the JSON equal the sequential run's; what mpirun cannot run is refused
(exit 64); limits and signals end every rank with `incomplete` (a second signal also the search
that rebuilds the paths); a rank that dies ends the job with an error naming it, never a hang
(each run has a timeout).

Usage: mpi_cli_test.py PCMC ROOT NP -- MPIRUN [ARGS...]   (exit 1 with one line per failure)
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

PCMC, ROOT, NP = sys.argv[1], sys.argv[2], sys.argv[3]
MPIRUN = sys.argv[sys.argv.index("--") + 1:]
EX = os.path.join(ROOT, "examples")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, flush=True)


def run(cmd, timeout=120):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, PCMC_CACHE=os.path.join(tempfile.gettempdir(), "pcmc-mpi-test-cache")))
    return p.returncode, p.stdout, p.stderr


def mpi(args, timeout=120):
    return run(MPIRUN + ["-np", NP, PCMC] + args, timeout)


def report_lines(out):
    """The printed counterexamples and verdict, without the statistics and notes that differ."""
    keep = []
    for line in out.splitlines():
        if line.startswith("note:") or re.match(r"^  \d+ states, ", line):
            continue
        keep.append(line)
    return keep


def compare(rel, extra):
    f = os.path.join(EX, rel)
    with tempfile.TemporaryDirectory() as d:
        sj, dj = os.path.join(d, "seq.json"), os.path.join(d, "dist.json")
        common = ["check", f, "--engine", "interp", "--progress", "off"] + extra
        rs, so, se = run([PCMC] + common + ["--liveness", "off", "--por", "off", "--json", sj])
        rd, do, de = mpi(common + ["--json", dj])
        what = f"{rel} {' '.join(extra)} (-np {NP})"
        if rs != rd:
            return fail(f"{what}: exit {rd}, sequential {rs}\n{do}\n{de}")
        if report_lines(so) != report_lines(do):
            return fail(f"{what}: the report differs:\n--- sequential\n{so}\n--- mpirun\n{do}")
        s, t = json.load(open(sj)), json.load(open(dj))
        for k in ("states", "transitions", "end_states", "exists_hits", "max_depth"):
            if s["stats"][k] != t["stats"][k]:
                fail(f"{what}: stats.{k} {t['stats'][k]}, sequential {s['stats'][k]}")
        for k in ("verdict", "incomplete_reason", "exists"):
            if s[k] != t[k]:
                fail(f"{what}: {k} {t[k]}, sequential {s[k]}")
        if [v["choice_path"] for v in s["violations"]] != [v["choice_path"] for v in t["violations"]]:
            fail(f"{what}: the counterexamples' choice paths differ")
        if t["stats"].get("ranks") != int(NP) or len(t["stats"].get("per_rank", [])) != int(NP):
            fail(f"{what}: stats.ranks / per_rank missing: {t['stats']}")
        print(f"ok: {what}: {t['verdict']}, {t['stats']['states']} states", flush=True)


def expect(what, args, code, pattern):
    rc, out, err = mpi(args)
    if rc != code or not re.search(pattern, out + err, re.M):
        fail(f"{what}: exit {rc} (want {code}), output lacks /{pattern}/:\n{out}\n{err}")
    else:
        print(f"ok: {what}", flush=True)


def rank_pids(mpirun_pid):
    """The pcmc processes mpirun started, by rank (Open MPI starts local ranks as its children)."""
    pids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = open(f"/proc/{d}/stat").read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid != mpirun_pid:
                continue
            env = open(f"/proc/{d}/environ", "rb").read().split(b"\0")
            for e in env:
                if e.startswith(b"OMPI_COMM_WORLD_RANK="):
                    pids[int(e.split(b"=")[1])] = int(d)
        except (OSError, ValueError, IndexError):
            pass
    return pids


def signal_rank(sig, want_code, pattern):
    """Starts a long search, sends `sig` to the last rank once it searches; checks the ending."""
    big = os.path.join(EX, "scaled/bench/collapse-n4-open2.pcm")
    p = subprocess.Popen(MPIRUN + ["-np", NP, PCMC, "check", big, "--engine", "interp",
                                   "--progress", "off", "--max-memory", "512"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    what = f"signal {signal.Signals(sig).name} to rank {int(NP) - 1} (-np {NP})"
    pids = {}
    for _ in range(100):  # wait until every rank runs
        pids = rank_pids(p.pid)
        if len(pids) == int(NP):
            break
        time.sleep(0.1)
    time.sleep(2)
    if len(pids) != int(NP):
        p.kill()
        return fail(f"{what}: found ranks {pids}")
    os.kill(pids[int(NP) - 1], sig)
    try:
        out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        return fail(f"{what}: mpirun still runs 60 s later (a hang)")
    if (want_code is not None and p.returncode != want_code) or p.returncode == 0 or \
            not re.search(pattern, out + err, re.M):
        return fail(f"{what}: exit {p.returncode}, output lacks /{pattern}/:\n{out}\n{err}")
    print(f"ok: {what}: exit {p.returncode}", flush=True)


def second_interrupt():
    """--all after violations were found, then SIGINT and SIGTERM to the last rank (two signals,
    which do not merge as two of one kind may): the first stops the search, the second the
    search again that would rebuild the violations' paths. Incomplete, nothing printed as
    violated (two_searches.cpp)."""
    big = os.path.join(EX, "scaled/bench/collapse-n4-open2.pcm")
    what = f"SIGINT and SIGTERM to rank {int(NP) - 1} during --all (-np {NP})"
    p = subprocess.Popen(MPIRUN + ["-np", NP, PCMC, "check", big, "--engine", "interp",
                                   "--debug-vm", "--all", "--progress", "json",
                                   "--max-memory", "512"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    depth, seen = 0, []
    for line in p.stderr:  # rank 0's progress, once a second: A1.discipline is met at depth 6
        seen.append(line)
        if line.startswith("{"):
            depth = json.loads(line).get("depth", 0)
            if depth >= 10:
                break
    pids = rank_pids(p.pid)
    if depth < 10 or len(pids) != int(NP):
        p.kill()
        return fail(f"{what}: depth {depth}, ranks {pids}:\n{''.join(seen)}")
    os.kill(pids[int(NP) - 1], signal.SIGINT)
    os.kill(pids[int(NP) - 1], signal.SIGTERM)
    try:
        out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        return fail(f"{what}: mpirun still runs 60 s later")
    want = r"verdict: incomplete \(interrupted; violations were found, their paths not rebuilt\)"
    if p.returncode != 20 or not re.search(want, out) or "VIOLATED" in out:
        return fail(f"{what}: exit {p.returncode}, want 20 and /{want}/:\n{out}\n{err}")
    print(f"ok: {what}: exit 20", flush=True)


# The reports and JSON equal the sequential ones: violations (an assertion at depth 31, a final
# condition, a deadlock), holds with exists counts, --all, a depth limit, a state limit, symmetry.
# With 3 ranks (oversubscribed here) every other case, to keep the suite's time.
CASES = [("basics/lost_update.pcm", []),
         ("basics/lost_update.pcm", ["-D", "LOCKED"]),
         ("basics/abba_deadlock.pcm", []),
         ("seed/c-r1.pcm", ["--debug-vm", "-D", "F1"]),
         ("seed/c-r1.pcm", []),
         ("seed/c-r4-blk.pcm", ["--debug-vm", "--all"]),
         ("classic/peterson-n3.pcm", ["--max-depth", "12"]),
         ("classic/peterson-n3.pcm", ["--max-states", "500"]),
         ("classic/peterson-n3.pcm", ["-j", "2"]),
         ("classic/anderson-n3.pcm", ["--symmetry", "on", "--all"])]
for rel, extra in CASES if NP == "2" else CASES[::2]:
    compare(rel, extra)

lost = os.path.join(EX, "basics/lost_update.pcm")
expect("--liveness on refused", ["check", lost, "--liveness", "on"], 64,
       r"--liveness on cannot run distributed")
expect("--search dfs refused", ["check", lost, "--search", "dfs"], 64, r"--search dfs cannot run distributed")
expect("graph refused", ["graph", lost, "-o", os.path.join(tempfile.gettempdir(), "mpi-graph-test.dot")], 64, r"only `pcmc check` runs distributed")
expect("the default non-termination pass is turned off with a note", ["check", lost], 10,
       r"^note: \d+ MPI ranks: the non-termination pass does not run distributed")
expect("a tiny --max-memory: incomplete", ["check", os.path.join(EX, "classic/peterson-n3.pcm"),
                                           "--max-memory", "1"], 20,
       r"verdict: incomplete \(memory limit 1048576 bytes reached on rank \d\)")
signal_rank(signal.SIGTERM, 20, r"verdict: incomplete \(interrupted\)")
signal_rank(signal.SIGKILL, None, r"rank \d+ .*(exited on signal 9|killed)")
second_interrupt()

sys.exit(1 if failures else 0)
