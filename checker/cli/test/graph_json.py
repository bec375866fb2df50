#!/usr/bin/env python3
"""graph_json.py SCHEMA PCMC SCENARIO NODES EDGES PATH_EDGES [pcmc options...]

Runs `pcmc graph SCENARIO -o OUT.json` and checks the document: it validates against
docs/graph-schema.json (skipped when python3-jsonschema is missing), has NODES nodes and EDGES
edges, its "path" is PATH_EDGES edge ids that chain from node 0 (each edge's `to` is the next
one's `from`) and are exactly the edges marked on_path, and every edge names its thread and a
step with a file and a line."""
import json
import os
import subprocess
import sys
import tempfile


def main():
    schema_path, pcmc, scenario = sys.argv[1:4]
    nodes, edges, path = (int(x) for x in sys.argv[4:7])
    extra = sys.argv[7:]
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "g.json")
        proc = subprocess.run([pcmc, "graph", scenario, "-o", out, *extra],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"FAIL: pcmc graph exited {proc.returncode}: {proc.stdout}{proc.stderr}")
        with open(out) as f:
            g = json.load(f)
    try:
        import jsonschema
        with open(schema_path) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate(g)
        checked = "schema-valid"
    except ImportError:
        checked = "schema not checked (python3-jsonschema missing)"
    fail = []
    if len(g["nodes"]) != nodes:
        fail.append(f"{len(g['nodes'])} nodes, expected {nodes}")
    if len(g["edges"]) != edges:
        fail.append(f"{len(g['edges'])} edges, expected {edges}")
    if len(g["path"]) != path or g["path_length"] != path:
        fail.append(f"path {g['path']} (length {g['path_length']}), expected {path} edges")
    at = 0
    for e in g["path"]:
        edge = g["edges"][e]
        if edge["from"] != at:
            fail.append(f"path edge {e} starts at {edge['from']}, not {at}")
        at = edge["to"]
    marked = [e["id"] for e in g["edges"] if e["on_path"]]
    if sorted(marked) != sorted(g["path"]):
        fail.append(f"on_path edges {marked} differ from path {g['path']}")
    for e in g["edges"]:
        if not e["thread"] or not e["step"]["file"] or e["step"]["line"] <= 0:
            fail.append(f"edge {e['id']} has no thread or step: {e}")
            break
    if [n["id"] for n in g["nodes"]] != list(range(len(g["nodes"]))):
        fail.append("node ids are not 0..n-1")
    if fail:
        sys.exit("FAIL: " + "; ".join(fail))
    print(f"ok: {len(g['nodes'])} nodes, {len(g['edges'])} edges, path {len(g['path'])}; {checked}")


if __name__ == "__main__":
    main()
