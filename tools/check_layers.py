#!/usr/bin/env python3
"""The dependency direction of DESIGN.md section 2, enforced: every `#include "dir/..."` in a
source file must point at its own module or at a module below it.

    model <- properties <- checker/{store,system} <- checker/reduce <- checker/search
          <- checker/session <- checker/cli;  checker/search <- checker/distributed <- checker/cli;  model <- traces <- checker/search (and above)

checker/store depends on nothing of pcmc (it stores byte strings). Unit tests (<module>/test/)
may use the modules below them and checker/testing (shared toy models and oracles); the
example-driven oracle tests of the lower checker modules run whole scenarios, so checker tests
may also reach checker/session, never checker/cli. Exit 1 with one line per violation.
Usage: check_layers.py [ROOT]
"""
import pathlib
import re
import sys

BELOW = {
    "model": [],
    "properties": ["model"],
    "traces": ["model", "properties"],
    "checker/store": [],
    "checker/system": ["model", "properties"],
    "checker/reduce": ["model", "properties", "checker/store", "checker/system"],
    "checker/search": ["model", "properties", "traces", "checker/store", "checker/system",
                       "checker/reduce"],
    "checker/session": ["model", "properties", "traces", "checker/store", "checker/system",
                        "checker/reduce", "checker/search"],
    # The distributed search (MPI): on the search, never below it (docs/distributed.md).
    "checker/distributed": ["model", "properties", "traces", "checker/store", "checker/system",
                            "checker/reduce", "checker/search"],
    "checker/cli": ["model", "properties", "traces", "checker/store", "checker/system",
                    "checker/reduce", "checker/search", "checker/session",
                    "checker/distributed"],
}
# What tests may use beyond their module's own allowance.
TEST_EXTRA = {m: ["checker/testing", "checker/session", "checker/search", "checker/reduce",
                  "checker/system", "checker/store", "traces", "properties", "model"]
              for m in BELOW if m.startswith("checker/") and m != "checker/cli"}
TEST_EXTRA["checker/testing"] = []
BELOW["checker/testing"] = TEST_EXTRA["checker/store"]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module_of(rel: str):
    """The module a repository path belongs to: the longest key of BELOW it starts with."""
    best = None
    for m in BELOW:
        if rel == m or rel.startswith(m + "/"):
            if best is None or len(m) > len(best):
                best = m
    return best


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    bad = []
    checked = 0
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".cpp", ".hpp", ".h", ".inc") or not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if rel.startswith("build") or "/." in "/" + rel:
            continue
        mod = module_of(rel)
        if mod is None:
            continue
        is_test = "/test/" in rel
        allowed = set(BELOW[mod]) | {mod}
        if is_test:
            allowed |= set(TEST_EXTRA.get(mod, []))
        checked += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        for line_no, inc in ((text.count("\n", 0, m.start()) + 1, m.group(1))
                             for m in INCLUDE.finditer(text)):
            target = module_of(inc)
            if target is None or target in allowed:
                continue
            bad.append(f"{rel}:{line_no}: {mod} must not include {inc} ({target} is not below it)")
    for b in bad:
        print(b)
    print(f"check_layers: {checked} files, {len(bad)} include(s) against the dependency direction",
          file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
