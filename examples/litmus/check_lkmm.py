#!/usr/bin/env python3
"""The kernel's litmus tests (examples/litmus/kernel/, docs/memory-models.md): every file names
its LKMM `Result:` in its first line and states `exists` for variant B under sc, tso and pso;
where the LKMM says Never, tso and pso must say never too (pcmc's modes are stronger than the
LKMM, never weaker). The runs themselves are the files' ctest judges; this checks that the
expectations they judge say what the LKMM requires. `--self-test` plants a wrong file.
`--barriers-matter PCMC FOLDER` shows that the `never` of the tests below comes from their
barriers, releases and unlocks: with those made plain, pcmc's pso must say `sometimes`."""
import pathlib
import re
import subprocess
import sys
import tempfile

# The LKMM-Never tests whose outcome pso forbids only through their ordering primitives (the
# others are never in every mode without them: coherence, R->R, R->W, dependencies).
BARRIERS_MATTER = [
    "ISA2+pooncelock+pooncelock+pombonce", "ISA2+pooncerelease+poacquirerelease+poacquireonce",
    "MP+fencewmbonceonce+fencermbonceonce", "MP+onceassign+derefonce", "MP+polocks",
    "MP+pooncerelease+poacquireonce", "MP+porevlocks", "MP+unlocklockonceonce+fencermbonceonce",
    "R+fencembonceonces", "S+fencewmbonceonce+poacquireonce", "SB+fencembonceonces",
    "Z6.0+pooncelock+poonceLock+pombonce",
]

HEADER = re.compile(r"LKMM Result: (Never|Sometimes)")
EXPECT = re.compile(r'^expect memory_model ((?:"\w+" ?)+) ([^{]*)\{ *exists (never|sometimes); *\}',
                    re.M)


def problems(folder):
    out = []
    files = sorted(pathlib.Path(folder).glob("*.pcm"))
    if not files:
        out.append(f"{folder}: no litmus tests")
    for f in files:
        text = f.read_text()
        m = HEADER.search(text.splitlines()[0] if text else "")
        if not m:
            out.append(f"{f.name}: the first line names no 'LKMM Result: Never|Sometimes'")
            continue
        said = {}
        for models, variants, verdict in EXPECT.findall(text):
            if "B" not in re.split(r"[ ,]+", variants.strip()):
                continue
            for mm in re.findall(r'"(\w+)"', models):
                said[mm] = verdict
        for mm in ("sc", "tso", "pso"):
            if mm not in said:
                out.append(f"{f.name}: no `exists` expectation for B under {mm}")
        if said.get("sc") == "sometimes":
            out.append(f"{f.name}: sc says sometimes; every kernel litmus test is never under sc")
        if m.group(1) == "Never":
            for mm in ("tso", "pso"):
                if said.get(mm) == "sometimes":
                    out.append(f"{f.name}: LKMM Never but {mm} expects sometimes")
    return out


def self_test():
    with tempfile.TemporaryDirectory() as d:
        bad = pathlib.Path(d) / "SB+bad.pcm"
        bad.write_text("/* SB+bad (LKMM Result: Never). */\n"
                       'expect memory_model "sc" B { exists never; }\n'
                       'expect memory_model "tso" "pso" B { exists sometimes; }\n')
        found = problems(d)
        want = ["LKMM Never but tso", "LKMM Never but pso"]
        missing = [w for w in want if not any(w in p for p in found)]
        if missing:
            print("self-test: not found: " + ", ".join(missing))
            return 1
    print("self-test: the planted LKMM-Never/pso-sometimes file is reported")
    return 0


def plain(text):
    """The test with its barriers dropped and its releases made plain stores."""
    text = re.sub(r"\bsmp_(mb|wmb|rmb|mb__after_spinlock)\(\);", "", text)
    text = re.sub(r"smp_store_release\(&?(\w+), ([^;]+)\);", r"WRITE_ONCE(\1, \2);", text)
    return re.sub(r"^expect .*$", "", text, flags=re.M)


def barriers_matter(pcmc, folder):
    bad = []
    with tempfile.TemporaryDirectory() as d:
        lock = (pathlib.Path(folder) / "spinlock.h").read_text()
        (pathlib.Path(d) / "spinlock.h").write_text(
            lock.replace("smp_store_release(lock, NO_THREAD);", "*lock = NO_THREAD;"))
        for name in BARRIERS_MATTER:
            f = pathlib.Path(d) / (name + ".pcm")
            f.write_text(plain((pathlib.Path(folder) / (name + ".pcm")).read_text()))
            r = subprocess.run([pcmc, "check", "--memory-model", "pso", str(f)],
                               capture_output=True, text=True)
            said = re.search(r"^\s*exists .*: (never|sometimes)", r.stdout, re.M)
            if not said or said.group(1) != "sometimes":
                bad.append(f"{name}: without its barriers pso says "
                           f"{said.group(1) if said else 'nothing: ' + r.stdout + r.stderr}")
    for b in bad:
        print(b)
    if not bad:
        print(f"{len(BARRIERS_MATTER)} tests: without their barriers pso says sometimes")
    return 1 if bad else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if sys.argv[1:2] == ["--barriers-matter"]:
        return barriers_matter(sys.argv[2], sys.argv[3])
    found = problems(sys.argv[1])
    for p in found:
        print(p)
    if not found:
        print(f"{len(list(pathlib.Path(sys.argv[1]).glob('*.pcm')))} kernel litmus tests: "
              "every LKMM Never is never under tso and pso")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
