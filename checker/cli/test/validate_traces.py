#!/usr/bin/env python3
"""validate_traces.py SCHEMA PCMC OUTDIR SCENARIO...

For every scenario: runs `pcmc check --all --json` (the baseline), `pcmc check --judge --json`
(every variant and mode its expect blocks name), the baseline with `--store hashcompact
--liveness off` (the lossy store) and with `--liveness off --por on --por-stats --symmetry off` (ample and sleep sets: the
stats members por, ample_states, sleep, slept, por_stats), and validates each run object against the JSON
Schema (docs/trace-schema.json, draft 2020-12) with python3-jsonschema. Fails when a run does
not validate or a scenario produces no JSON; exits 77 (ctest: skipped) when the jsonschema
module is missing. Also requires at least one counterexample over all scenarios, so that the
$defs/trace part of the schema is exercised."""
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(77)


def main():
    schema_path, pcmc, outdir, scenarios = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    os.makedirs(outdir, exist_ok=True)
    failures, traces = 0, 0
    for scenario in scenarios:
        stem = os.path.splitext(os.path.basename(scenario))[0]
        for mode, args in (("all", ["--all"]), ("judge", ["--judge"]),
                           ("hashcompact", ["--all", "--store", "hashcompact", "--liveness", "off"]),
                           ("por", ["--all", "--liveness", "off", "--por", "on", "--por-stats",
                                    "--transactions", "off", "--symmetry", "off"])):
            out = os.path.join(outdir, f"{stem}.{mode}.json")
            proc = subprocess.run([pcmc, "check", scenario, *args, "--json", out, "--quiet",
                                   "--progress", "off"], capture_output=True, text=True)
            if proc.returncode not in (0, 10):
                print(f"{scenario} {mode}: pcmc exited {proc.returncode}\n{proc.stdout}{proc.stderr}")
                failures += 1
                continue
            with open(out) as f:
                doc = json.load(f)
            runs = doc if isinstance(doc, list) else [doc]
            for i, run in enumerate(runs):
                errors = sorted(validator.iter_errors(run), key=lambda e: list(e.path))
                for e in errors:
                    print(f"{out}[{i}] /{'/'.join(map(str, e.path))}: {e.message}")
                failures += len(errors)
                traces += len(run.get("violations", []))
            if mode == "por" and not all("slept" in r["stats"] and r["stats"].get("sleep") is True
                                         for r in runs):
                print(f"{out}: stats without sleep: true and slept under --por on")
                failures += 1
            if mode == "por" and not all("por_stats" in r["stats"] for r in runs):
                print(f"{out}: stats without por_stats under --por-stats")
                failures += 1
            print(f"ok: {out}: {len(runs)} run(s)")
    if traces == 0:
        print("no counterexample in any scenario: the trace schema was not exercised")
        failures += 1
    print(f"{traces} traces validated, {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
