#!/usr/bin/env python3
"""Summarise checkov's JSON report and hold it to the template's skip list.

Usage: checkov_report.py CHECKOV_JSON TEMPLATE_JSON (a template written by infra/synth)

Fails (exit 1) when checkov reports a failed check or a parsing error, when it
ran no check at all, or when the skips checkov applied differ from the skips
declared in the template's Metadata (a stale or unused skip is an error too).
Prints "checkov: N passed, M failed, K skipped" and each skip with its reason.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path



def main() -> int:
    report_path, template_path = sys.argv[1], sys.argv[2]
    raw = json.loads(Path(report_path).read_text() or "{}")
    reports = raw if isinstance(raw, list) else [raw]
    passed: list = []
    failed: list = []
    skipped: list = []
    parse_errors = 0
    for rep in reports:
        if rep.get("check_type") not in (None, "cloudformation"):
            continue
        res = rep.get("results", {})
        passed += res.get("passed_checks", [])
        failed += res.get("failed_checks", [])
        skipped += res.get("skipped_checks", [])
        parse_errors += rep.get("summary", {}).get("parsing_errors", 0)

    template = json.loads(Path(template_path).read_text())
    declared = {
        (lid, s["id"]): s.get("comment", "")
        for lid, r in template.get("Resources", {}).items()
        for s in ((r.get("Metadata") or {}).get("checkov", {}).get("skip", []))
    }
    applied = set()
    for s in skipped:
        # resource looks like "AWS::S3::Bucket.AccessLogsBucketXXXXXXXX"
        applied.add((s["resource"].rsplit(".", 1)[-1], s["check_id"]))

    problems = []
    for f in failed:
        problems.append(f"FAILED {f['check_id']} {f['resource']}: {f.get('check_name', '')}")
    if parse_errors:
        problems.append(f"{parse_errors} parsing error(s)")
    if not passed:
        problems.append("checkov ran no passing check: did it parse the template at all?")
    for lid, cid in sorted(set(declared) - applied):
        problems.append(f"unused skip {cid} on {lid} (remove it from the template)")
    for lid, cid in sorted(applied - set(declared)):
        problems.append(f"skip {cid} on {lid} applied but not declared in Metadata")

    by_check: dict[tuple[str, str], list[str]] = {}
    for lid, cid in sorted(applied):
        by_check.setdefault((cid, declared.get((lid, cid), "")), []).append(lid)
    print("checkov skips (id, resources, reason):")
    for (cid, reason), lids in sorted(by_check.items()):
        print(f"  {cid} x{len(lids)} [{', '.join(lids)}]\n      {reason}")
    for p in problems:
        print(f"  {p}")
    print(f"checkov: {len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
