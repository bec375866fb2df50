#!/usr/bin/env python3
"""Keep the docs from rotting silently (a ctest, docs/CMakeLists.txt).

Checks README.md, docs/*.md, examples/README.md and bench/README.md:
  - every relative Markdown link [text](target) names an existing file (relative to the page),
    and its #anchor, if any, a heading of that page (GitHub's slugs);
  - every path mentioned in the text, `docs/x.md` or `bench/README.md` (relative to the
    repository root), and every bare page name `x.md` inside docs/ (a sibling page) exists;
  - every section reference `page.md, "Heading"` names a heading of that page (its start);
  - no page under docs/ is longer than MAX_LINES (docs are one page per decision, short).
Exit 0 when all hold, 1 with one `file:line: error: ...` per problem.
`--self-test` runs the checks on a small broken tree and fails unless each problem is found.
"""
import os
import re
import sys
import tempfile

MAX_LINES = 320
# Pages allowed to be longer for now, each with the reason; remove an entry once the page is split.
LONG_PAGES = {
    "docs/findings.md": "the spec's verdict table, under rework by its own issue",
}
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
PATH = re.compile(r"(?<![\w./-])((?:[\w.-]+/)+[\w.-]+\.(?:md|json))\b")
BARE = re.compile(r"(?<![\w./-])([\w-]+\.md)\b")
SECTION = re.compile(r"(?<![\w/-])((?:docs/)?[\w-]+\.md)\)?,? \"([^\"]+)\"")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$")


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def headings(path, cache={}):
    if path not in cache:
        found = []
        in_code = False
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("```"):
                    in_code = not in_code
                m = None if in_code else HEADING.match(line)
                if m:
                    found.append(re.sub(r"[`*]", "", m.group(1)))
        cache[path] = found
    return cache[path]


def pages(root):
    out = [os.path.join(root, "README.md")]
    docs = os.path.join(root, "docs")
    out += sorted(os.path.join(docs, n) for n in os.listdir(docs) if n.endswith(".md"))
    for extra in ("examples/README.md", "bench/README.md"):
        if os.path.exists(os.path.join(root, extra)):
            out.append(os.path.join(root, extra))
    return out


def check_page(root, page, errors):
    rel = os.path.relpath(page, root)
    here = os.path.dirname(page)
    in_docs = os.path.dirname(rel) == "docs"
    with open(page, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if in_docs and rel not in LONG_PAGES and len(lines) - (1 if lines and lines[-1] == "" else 0) > MAX_LINES:
        errors.append(f"{rel}:1: error: {len(lines) - 1} lines, more than {MAX_LINES}: split the page by decision")
    in_code = False
    for no, line in enumerate(lines, 1):
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        prose = re.sub(r"`[^`]*`", "", line)  # a link inside `code` is an example, not a link
        for target in LINK.findall(prose):
            if re.match(r"^[a-z]+:", target):
                continue  # http:, https:, mailto:
            file, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(here, file)) if file else page
            if not os.path.exists(dest):
                errors.append(f"{rel}:{no}: error: link to {target}: no such file")
            elif anchor and dest.endswith(".md") and anchor not in {slug(h) for h in headings(dest)}:
                errors.append(f"{rel}:{no}: error: link to {target}: no such heading in {os.path.relpath(dest, root)}")
        text = re.sub(r"\]\([^)\s]*\)", "]", line)  # link targets are checked above
        for path in PATH.findall(text):
            if path.startswith("../") and not os.path.normpath(os.path.join(root, path)).startswith(
                    os.path.normpath(root) + os.sep):
                continue  # outside the repository (the machine's /work/shared)
            if not (os.path.exists(os.path.join(root, path)) or os.path.exists(os.path.join(here, path))):
                errors.append(f"{rel}:{no}: error: mentions {path}: no such file")
        if in_docs:
            for name in BARE.findall(text):
                if not os.path.exists(os.path.join(here, name)):
                    errors.append(f"{rel}:{no}: error: mentions {name}: no such page in docs/")
        for name, title in SECTION.findall(line):
            dest = os.path.join(root, name) if name.startswith("docs/") else os.path.join(here, name)
            if not os.path.exists(dest):
                continue  # reported above
            if not any(h.startswith(title) or title in h for h in headings(dest)):
                errors.append(f"{rel}:{no}: error: {name}, \"{title}\": no such section")


def run(root):
    errors = []
    for page in pages(root):
        check_page(root, page, errors)
    return errors


def self_test():
    with tempfile.TemporaryDirectory() as root:
        os.mkdir(os.path.join(root, "docs"))
        with open(os.path.join(root, "docs", "a.md"), "w") as f:
            f.write("# A\n\n## Good part\n\n[b](b.md) [ok](#good-part) [bad](#nope) see gone.md\n"
                    "and a.md, \"Good part\", a.md, \"Missing part\"\n" + "x\n" * MAX_LINES)
        with open(os.path.join(root, "README.md"), "w") as f:
            f.write("[a](docs/a.md) [a](docs/a.md#good-part) docs/missing.md\n")
        errors = run(root)
    want = ["docs/a.md:1: error: ", "link to b.md: no such file", "link to #nope: no such heading",
            "mentions gone.md: no such page", "a.md, \"Missing part\": no such section",
            "README.md:1: error: mentions docs/missing.md"]
    missing = [w for w in want if not any(w in e for e in errors)]
    if missing or len(errors) != len(want):
        print("self-test failed; found:\n  " + "\n  ".join(errors) + "\nmissing: " + repr(missing))
        return 1
    print(f"self-test: {len(errors)} planted problems found")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    errors = run(root)
    for e in errors:
        print(e)
    if errors:
        return 1
    print(f"docs: {len(pages(root))} pages, links and sizes fine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
