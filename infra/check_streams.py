#!/usr/bin/env python3
"""Stream-list test: the infrastructure's restatements of the streams == the engine's table.

The one list of streams is the engine's layout table (shared/src/layout/tables.rs), printed by
`cargo run -q -p system-one-shim --example streams`. Two files restate part of it and must agree,
in order:
  * infra/lib/streams.ts   STREAMS: each stream's name and key ([v2, v1] source paths), which the
                           CDK app turns into API paths, streams, functions and partition keys;
  * infra/test_mapping_templates.py   KEYS: the test's expected partition-key fields per stream.

Prints "streams: N passed, M failed"; exits 1 on any failure. `--self-test` also proves the
comparison notices a stream missing, a stream renamed and a key field changed.
Usage: check_streams.py [--table FILE] [--self-test]   (FILE: the example's JSON; default: run it)
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import subprocess
import sys
from pathlib import Path

from check_report import report, report_self_test

INFRA = Path(__file__).resolve().parent
ROOT = INFRA.parent

Keys = list[tuple[str, str]]


def engine_table(path: str | None) -> list[dict]:
    if path:
        return json.loads(Path(path).read_text())
    out = subprocess.run(
        ["cargo", "run", "-q", "-p", "system-one-shim", "--example", "streams"],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    return json.loads(out)


def streams_ts(text: str) -> list[tuple[str, Keys]]:
    """(name, [(v2, v1)]) of each entry of STREAMS in lib/streams.ts, in order."""
    body = re.search(r"export const STREAMS[^=]*=\s*\[(.*?)\n\];", text, re.S)
    if not body:
        raise ValueError("lib/streams.ts: no `export const STREAMS ... = [ ... ];`")
    rows = []
    for entry in re.finditer(r"\{\s*name:\s*'([^']*)',\s*key:\s*\[(.*?)\]\s*\}", body.group(1), re.S):
        pairs = re.findall(r"\[\s*'([^']*)',\s*'([^']*)'\s*\]", entry.group(2))
        rows.append((entry.group(1), pairs))
    return rows


def mapping_keys(text: str) -> list[tuple[str, Keys]]:
    """(name, [(v2, v1)]) of KEYS in test_mapping_templates.py, in order (read, not imported)."""
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "KEYS" for t in node.targets):
            keys = ast.literal_eval(node.value)
            return [(name, [tuple(pair) for pair in pairs]) for name, pairs in keys.items()]
    raise ValueError("test_mapping_templates.py: no KEYS = {...}")


def compare(label: str, engine: list[tuple[str, Keys]], other: list[tuple[str, Keys]]) -> list[str]:
    errs = []
    names, other_names = [n for n, _ in engine], [n for n, _ in other]
    if names != other_names:
        errs.append(
            f"{label}: streams {other_names} != engine {names} "
            f"(missing {sorted(set(names) - set(other_names))}, extra {sorted(set(other_names) - set(names))})"
        )
    theirs = dict(other)
    for name, key in engine:
        if name in theirs and theirs[name] != key:
            errs.append(f"{label}: {name} key {theirs[name]} != engine {key}")
    return errs


def check(table: list[dict], ts_text: str, py_text: str) -> list[tuple[str, list[str]]]:
    engine = [(row["name"], [tuple(pair) for pair in row["key"]]) for row in table]
    return [
        ("infra/lib/streams.ts STREAMS (names, keys) == engine", compare("streams.ts", engine, streams_ts(ts_text))),
        ("infra/test_mapping_templates.py KEYS == engine", compare("KEYS", engine, mapping_keys(py_text))),
    ]


def self_test(table: list[dict], ts_text: str, py_text: str) -> list[str]:
    """Each restatement's check must fail when the engine's table differs from it."""
    problems = []
    missing = table[1:]
    renamed = copy.deepcopy(table)
    renamed[0]["name"] += "-renamed"
    rekeyed = copy.deepcopy(table)
    rekeyed[-1]["key"] = [["otherNumber", "other_number"]]
    for label, fake in (("a stream missing", missing), ("a stream renamed", renamed), ("a key changed", rekeyed)):
        for name, errs in check(fake, ts_text, py_text):
            if not errs:
                problems.append(f"self-test: '{name}' did not notice {label}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description="stream-list test")
    ap.add_argument("--table", help="the engine's table as JSON (default: run the example)")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    table = engine_table(args.table)
    ts_text = (INFRA / "lib" / "streams.ts").read_text()
    py_text = (INFRA / "test_mapping_templates.py").read_text()
    print(f"engine: {', '.join(row['name'] for row in table)}")
    failed = report("streams", check(table, ts_text, py_text))
    if args.self_test:
        failed += report_self_test("streams", self_test(table, ts_text, py_text))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
