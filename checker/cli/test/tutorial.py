#!/usr/bin/env python3
"""tutorial.py PCMC TUTORIAL.md

Runs docs/tutorial.md as written, so that the page cannot drift from what pcmc does:
  * every ```c block right after a `<!-- tutorial-file: NAME -->` line is appended to NAME (in
    page order) in an empty temporary folder;
  * every line `$ pcmc ARGS...   # exit N` of a ```console block is run there (pcmc replaced by
    the binary under test, ARGS split like a shell would, without a shell) and must exit with N
    (0 when no `# exit` is given);
  * every other non-empty line of that block, up to the next `$` line, must appear as a line of
    the command's output (stdout and stderr, trailing blanks ignored).
Fails with the command, the expectation and the output; prints the number of commands run."""
import os
import re
import shlex
import subprocess
import sys
import tempfile


def parse(page):
    files, commands = {}, []
    lines = page.splitlines()
    i, pending = 0, None
    while i < len(lines):
        line = lines[i]
        m = re.match(r"<!-- tutorial-file: (\S+) -->", line.strip())
        if m:
            pending = m.group(1)
            i += 1
            continue
        if line.startswith("```"):
            lang = line[3:].strip()
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            if lang == "c" and pending:
                files.setdefault(pending, []).append("\n".join(body) + "\n")
            elif lang == "console":
                for b in body:
                    if b.startswith("$ "):
                        cmd, _, comment = b[2:].partition("#")
                        m = re.search(r"exit (\d+)", comment)
                        commands.append([shlex.split(cmd), int(m.group(1)) if m else 0, []])
                    elif b.strip() and commands:
                        commands[-1][2].append(b.rstrip())
            pending = None
        i += 1
    return files, commands


def main():
    pcmc, page_path = os.path.abspath(sys.argv[1]), sys.argv[2]
    with open(page_path) as f:
        files, commands = parse(f.read())
    if not files or not commands:
        sys.exit("FAIL: no tutorial-file blocks or no console commands found in " + page_path)
    with tempfile.TemporaryDirectory() as work:
        for name, parts in files.items():
            with open(os.path.join(work, name), "w") as f:
                f.write("\n".join(parts))
        for argv, code, expected in commands:
            if argv[0] != "pcmc":
                sys.exit(f"FAIL: not a pcmc command: {argv}")
            proc = subprocess.run([pcmc, *argv[1:]], cwd=work, capture_output=True, text=True)
            out = proc.stdout + proc.stderr
            got = [l.rstrip() for l in out.splitlines()]
            missing = [e for e in expected if e not in got]
            if proc.returncode != code or missing:
                sys.exit(f"FAIL: $ {' '.join(argv)}\n  exit {proc.returncode} (page says {code})\n"
                         f"  missing lines: {missing}\n--- output ---\n{out}")
    print(f"ok: {len(commands)} commands of {page_path} as the page says "
          f"({', '.join(sorted(files))} assembled from the page)")


if __name__ == "__main__":
    main()
