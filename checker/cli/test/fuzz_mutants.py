#!/usr/bin/env python3
"""Mutation fuzzer of pcmc (issue 14): mutants of the examples, of the kernel library and of saved
traces must never crash pcmc, and every error must say where it is.

    fuzz_mutants.py --pcmc BUILD/checker/cli/pcmc --root REPO [--seconds 45] [--seed 1]
                    [--jobs 2] [--keep DIR] [--max-mutants N]

Mutants (each one to three mutations of one file, seeded: the same seed gives the same sequence;
a time bound only cuts it shorter):
  example  a scenario under examples/ (or a kernel library test), mutated in a copy of its folder
  library  a file of model/kernel/, mutated in a copy of the library; a scenario that includes it
           is checked with -I COPY, which shadows the whole library (docs/language.md, "Includes")
  trace    a JSON trace `pcmc check --json` wrote, mutated, then `pcmc replay` and `pcmc explain`
Mutations: delete, duplicate or swap tokens; replace a number by an edge value (0, -1, 64, 2^31,
2^62, INT64_MAX, INT64_MIN, too large); replace an operator or a name; delete, duplicate or
truncate lines; insert a stray byte; splice in a 2000-operator chain, 300 parentheses, a
division by zero, INT64_MIN / -1 or a shift by 64.

A run passes when pcmc exits with one of its documented codes (never 70, a signal, or a hang) and
when an error exit says where: exit 65 with `PATH:LINE:COL: error: ` (or `PATH: error: ` for an
error about a whole file) on stderr, or a model error at run time printed as `PATH:LINE:COL:
model error: ...` (check -q); a trace error names the trace file (`pcmc: PATH...`).
Prints the totals; failures are printed and kept in --keep DIR. Exit 0: no failure; 1: some.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

EDGE_NUMBERS = ["0", "1", "-1", "63", "64", "65", "255", "65536", "2147483648",
                "4611686018427387904", "9223372036854775807", "(-9223372036854775807 - 1)",
                "99999999999999999999"]
OPERATORS = ["+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "&&", "||", "==", "!=", "<",
             "<=", ">", ">=", "=", "!", "~", "->", ".", "?", ":"]
TOKEN = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|[A-Za-z_][A-Za-z0-9_]*|\d+|'
                   r'<<=|>>=|->|\+\+|--|&&|\|\||<<|>>|<=|>=|==|!=|[-+*/%&|^]=|\.\.|\s+|.', re.S)
DOCUMENTED = {0, 10, 11, 20, 30, 64, 65, 69, 74}
LOCATED = re.compile(r"^(?P<path>[^\s:][^:]*?):(?P<line>\d+):(?P<col>\d+): error: ", re.M)
WHOLE_FILE = re.compile(r"^(?P<path>[^\s:][^:]*?): error: ", re.M)
MODEL_ERROR = re.compile(r"^\S+:\d+:\d+: model error: ", re.M)


def tokens(text):
    return TOKEN.findall(text)


def significant(toks):
    return [i for i, t in enumerate(toks) if t.strip() and not t.startswith(("/*", "//"))]


def mutate_once(text, rng):
    """One mutation of `text`; returns (kind, new text)."""
    toks = tokens(text)
    sig = significant(toks)
    kinds = ["delete", "duplicate", "swap", "number", "operator", "name", "line-delete",
             "line-duplicate", "truncate", "byte", "chain", "parens", "arith"]
    kind = rng.choice(kinds)
    if not sig:
        kind = "byte"
    pick = lambda: rng.choice(sig)
    if kind == "delete":
        toks[pick()] = ""
    elif kind == "duplicate":
        i = pick()
        toks[i] = toks[i] + " " + toks[i]
    elif kind == "swap" and len(sig) > 1:
        k = rng.randrange(len(sig) - 1)
        a, b = sig[k], sig[k + 1]
        toks[a], toks[b] = toks[b], toks[a]
    elif kind == "number":
        nums = [i for i in sig if toks[i].isdigit()]
        if nums:
            toks[rng.choice(nums)] = rng.choice(EDGE_NUMBERS)
    elif kind == "operator":
        ops = [i for i in sig if toks[i] in OPERATORS]
        if ops:
            toks[rng.choice(ops)] = rng.choice(OPERATORS)
    elif kind == "name":
        names = [i for i in sig if re.match(r"[A-Za-z_]", toks[i])]
        if len(names) > 1:
            toks[rng.choice(names)] = toks[rng.choice(names)]
    elif kind in ("line-delete", "line-duplicate", "truncate"):
        lines = text.split("\n")
        k = rng.randrange(len(lines))
        if kind == "line-delete":
            del lines[k]
        elif kind == "line-duplicate":
            lines.insert(k, lines[k])
        else:
            return kind, text[:rng.randrange(len(text) + 1)]
        return kind, "\n".join(lines)
    elif kind == "byte":
        pos = rng.randrange(len(text) + 1)
        return kind, text[:pos] + rng.choice(["\0", "@", "#", '"', "{", "}", ";", "\\", "\xff",
                                              "/*"]) + text[pos:]
    elif kind == "chain":
        names = [i for i in sig if re.match(r"[A-Za-z_]", toks[i])]
        if names:
            i = rng.choice(names)
            toks[i] = "(" + (" " + rng.choice(["+", "&&", "*", "<"]) + " ").join([toks[i]] * 2000) + ")"
    elif kind == "parens":
        names = [i for i in sig if re.match(r"[A-Za-z_0-9]", toks[i])]
        if names:
            i = rng.choice(names)
            toks[i] = "(" * 300 + toks[i] + ")" * 300
    elif kind == "arith":
        nums = [i for i in sig if toks[i].isdigit()]
        if nums:
            i = rng.choice(nums)
            toks[i] = "(" + toks[i] + rng.choice([" / 0", " % -1", " << 64", " >> -1",
                                                   " * 4611686018427387904",
                                                   " - 9223372036854775807 - 2"]) + ")"
            if rng.random() < 0.5:
                toks[i] = "((-9223372036854775807 - 1) / (" + toks[i] + " - " + toks[i] + " - 1))"
    return kind, "".join(toks)


def mutate(text, rng):
    kinds = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        kind, text = mutate_once(text, rng)
        kinds.append(kind)
    return "+".join(kinds), text


def includes_of(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return re.findall(r'^\s*#include\s+"([^"]+)"', f.read(), re.M)
    except OSError:
        return []


class Corpus:
    def __init__(self, root):
        self.root = root
        self.library = os.path.join(root, "model")
        self.scenarios = []
        for top in ("examples", os.path.join("model", "kernel")):
            for d, _, files in os.walk(os.path.join(root, top)):
                # include/: bodies that scenarios include (examples/classic/), not scenarios
                if "quarantine" in d or os.path.basename(d) == "include":
                    continue
                for f in sorted(files):
                    p = os.path.join(d, f)
                    if f.endswith(".pcm") and (top == "examples" or "/test" in d):
                        self.scenarios.append(p)
        self.scenarios.sort()
        self.library_files = sorted(
            os.path.join(d, f) for d, _, files in os.walk(os.path.join(self.library, "kernel"))
            for f in files if f.endswith(".pcm") and "/test" not in d)
        # Which scenarios include each library file (transitively).
        self.users = collections.defaultdict(list)
        for s in self.scenarios:
            seen, todo = set(), includes_of(s)
            while todo:
                inc = todo.pop()
                lib = os.path.normpath(os.path.join(self.library, inc))
                if lib in seen or not os.path.isfile(lib):
                    continue
                seen.add(lib)
                todo.extend(includes_of(lib))
            for lib in seen:
                self.users[lib].append(s)
        self.library_files = [f for f in self.library_files if self.users[f]]


class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.corpus = Corpus(args.root)
        self.work = tempfile.mkdtemp(prefix="pcmc-fuzz-")
        self.traces = self.make_traces()

    def make_traces(self):
        out = []
        for name in ("lost_update", "abba_deadlock", "livelock"):
            scenario = os.path.join(self.args.root, "examples", "basics", name + ".pcm")
            trace = os.path.join(self.work, name + ".json")
            subprocess.run([self.args.pcmc, "check", scenario, "--json", trace, "-q",
                            "--engine", "interp", "--progress", "off"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            if os.path.isfile(trace):
                with open(trace, encoding="utf-8") as f:
                    out.append((scenario, f.read()))
        return out

    def run(self, argv, cwd):
        try:
            p = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=30,
                               env=dict(os.environ, PCMC_CACHE=os.path.join(self.work, "cache")))
        except subprocess.TimeoutExpired:
            return None, "", "timeout"
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    def judge_check(self, rc, out, err, cwd):
        """'' when a `check` run is acceptable, else why not."""
        if rc is None:
            return "hang (no exit within 30 s)"
        if rc < 0 or rc >= 128:
            return "killed by signal %d" % (-rc if rc < 0 else rc - 128)
        if rc not in DOCUMENTED or rc == 64:
            return "exit %d" % rc
        if rc == 65:
            for m in list(LOCATED.finditer(err)) + list(WHOLE_FILE.finditer(err)):
                path = m.group("path")
                if path == "pcmc" or os.path.exists(os.path.join(cwd, path)):
                    return ""
            if MODEL_ERROR.search(out):
                return ""
            return "exit 65 without a located error"
        return ""

    def one(self, index):
        rng = random.Random("%d:%d" % (self.args.seed, index))
        r = rng.random()
        d = os.path.join(self.work, "m%d" % index)
        os.makedirs(d)
        try:
            if r < 0.1 and self.traces:
                return self.trace_mutant(rng, d)
            if r < 0.4 and self.corpus.library_files:
                return self.library_mutant(rng, d)
            return self.example_mutant(rng, d)
        finally:
            if not self.args.keep_all:
                shutil.rmtree(d, ignore_errors=True)

    def check_argv(self, rng, scenario, extra=()):
        argv = [self.args.pcmc, "check", scenario, "-q", "--engine", "interp", "--progress",
                "off", "--max-states", "3000", "--max-time", "2"] + list(extra)
        if rng.random() < 0.5:
            argv.append("--debug-vm")
        if rng.random() < 0.3:
            argv += ["--liveness", "off", "--por", rng.choice(["on", "off"])]
        return argv

    def example_mutant(self, rng, d):
        src = rng.choice(self.corpus.scenarios)
        with open(src, encoding="utf-8", errors="replace") as f:
            kind, text = mutate(f.read(), rng)
        # The scenario's folder comes along (a scenario may include files next to it).
        copy = os.path.join(d, "s")
        shutil.copytree(os.path.dirname(src), copy,
                        ignore=shutil.ignore_patterns("*.json", "*.md", "*.py", "*.txt"))
        mutant = os.path.join(copy, os.path.basename(src))
        with open(mutant, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        argv = self.check_argv(rng, mutant)
        rc, out, err = self.run(argv, d)
        return self.result("example", kind, src, text, rc, out, err,
                           self.judge_check(rc, out, err, d), argv)

    def library_mutant(self, rng, d):
        lib = rng.choice(self.corpus.library_files)
        scenario = rng.choice(self.corpus.users[lib])
        copy = os.path.join(d, "lib")
        shutil.copytree(os.path.join(self.corpus.library, "kernel"), os.path.join(copy, "kernel"))
        target = os.path.join(copy, os.path.relpath(lib, self.corpus.library))
        with open(lib, encoding="utf-8", errors="replace") as f:
            kind, text = mutate(f.read(), rng)
        with open(target, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        argv = self.check_argv(rng, scenario, ["-I", copy])
        rc, out, err = self.run(argv, d)
        return self.result("library", kind, lib, text, rc, out, err,
                           self.judge_check(rc, out, err, d), argv)

    def trace_mutant(self, rng, d):
        scenario, text = rng.choice(self.traces)
        kinds = []
        for _ in range(rng.choice([1, 1, 2])):
            toks = re.findall(r'"(?:\\.|[^"\\])*"|-?\d+|[{}\[\],:]|true|false|null|\s+|.', text)
            sig = [i for i, t in enumerate(toks) if t.strip()]
            i = rng.choice(sig)
            k = rng.choice(["delete", "number", "string", "swap", "truncate"])
            kinds.append(k)
            if k == "delete":
                toks[i] = ""
            elif k == "number":
                toks[i] = rng.choice(["0", "-1", "65535", "65536", "4294967296", "1e99", "0.5"])
            elif k == "string":
                toks[i] = rng.choice(['"P9"', '"x"', '""', "[]", "{}", "null"])
            elif k == "swap" and i + 2 < len(toks):
                toks[i], toks[i + 2] = toks[i + 2], toks[i]
            text = "".join(toks)
            if k == "truncate":
                text = text[:rng.randrange(len(text) + 1)]
        trace = os.path.join(d, "t.json")
        with open(trace, "w", encoding="utf-8") as f:
            f.write(text)
        why = ""
        rc = out = err = None
        for cmd in ("replay", "explain"):
            argv = [self.args.pcmc, cmd, scenario, trace]
            rc, out, err = self.run(argv, d)
            if rc is None:
                why = cmd + ": hang"
            elif rc < 0 or rc >= 128 or rc not in {0, 10, 11, 65}:
                why = "%s: exit %d" % (cmd, rc)
            elif rc == 65 and "pcmc: " not in err:
                why = cmd + ": exit 65 without a message"
            if why:
                break
        return self.result("trace", "+".join(kinds), scenario, text, rc, out, err, why, argv)

    def result(self, what, kind, source, text, rc, out, err, why, argv):
        r = {"what": what, "kind": kind, "source": os.path.relpath(source, self.args.root),
             "rc": rc, "failure": why}
        if why:
            r["text"], r["out"], r["err"] = text, out[-2000:], err[-2000:]
            r["argv"] = " ".join(os.path.relpath(a, self.args.root) if a.startswith(self.args.root)
                                 else a for a in argv[1:])
        return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcmc", required=True)
    ap.add_argument("--root", required=True, help="the repository (examples/, model/)")
    ap.add_argument("--seconds", type=float, default=45)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--max-mutants", type=int, default=0, help="0: until --seconds")
    ap.add_argument("--keep", help="folder for the failing mutants")
    ap.add_argument("--keep-all", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.pcmc = os.path.abspath(args.pcmc)
    args.root = os.path.abspath(args.root)

    start = time.monotonic()
    fz = Fuzzer(args)
    deadline = start + args.seconds
    results = []
    index = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        running = set()
        while True:
            while (len(running) < args.jobs and time.monotonic() < deadline and
                   (args.max_mutants == 0 or index < args.max_mutants)):
                running.add(pool.submit(fz.one, index))
                index += 1
            if not running:
                break
            done, running = concurrent.futures.wait(
                running, return_when=concurrent.futures.FIRST_COMPLETED)
            results.extend(f.result() for f in done)
    shutil.rmtree(fz.work, ignore_errors=True)

    failures = [r for r in results if r["failure"]]
    by_what = collections.Counter(r["what"] for r in results)
    by_rc = collections.Counter(str(r["rc"]) for r in results)
    print("fuzz: %d mutants in %.1f s (seed %d, %d jobs): %s" % (
        len(results), time.monotonic() - start, args.seed, args.jobs,
        ", ".join("%d %s" % (n, w) for w, n in sorted(by_what.items()))))
    print("  exit codes: " + ", ".join("%s: %d" % (rc, n) for rc, n in
                                        sorted(by_rc.items(), key=lambda x: x[0])))
    print("  failures: %d" % len(failures))
    for i, r in enumerate(failures):
        print("\nFAIL %s mutant of %s (%s): %s" % (r["what"], r["source"], r["kind"], r["failure"]))
        print("  ran: pcmc " + r["argv"] + " (the mutant in a temporary copy)")
        print("  stderr: " + r["err"].strip().replace("\n", "\n          ")[:1500])
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            ext = ".json" if r["what"] == "trace" else ".pcm"
            path = os.path.join(args.keep, "failure-%d%s" % (i, ext))
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(r["text"])
            print("  kept: " + path)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
