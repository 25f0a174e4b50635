#!/usr/bin/env python3
"""Drift test: the synthesized stack must name exactly the function crates that exist.

Asserts, against a template synthesized by infra/synth and functions/*/Cargo.toml:
  * the binaries the stack's functions run (Metadata.SystemOneShimBinary, set from the same
    value as RustFunction's binaryName) == the crates' package names, each crate a workspace
    member with a binary of its own name;
  * the API paths POST /events/<name> == that same set, each path writing to the stream (or,
    direct-put, the delivery stream) whose processor is the `live` alias of function <name>,
    writing under system-one/<name>/ and errors/<name>/, every method authenticated;
  * a RecordsProcessingFailed alarm per crate (namespace SystemOneShim, dimension Stream);
  * every checkov skip carries a reason.

Prints "drift: N passed, M failed"; exits 1 on any failure.
`--self-test` also proves the checks notice a crate missing and a crate added.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

from check_report import report, report_self_test

INFRA = Path(__file__).resolve().parent
ROOT = INFRA.parent
METRIC_NAMESPACE = "SystemOneShim"
FAILED_RECORDS_METRIC = "RecordsProcessingFailed"


def crate_names(root: Path) -> tuple[set[str], list[str]]:
    """Package names of functions/*/Cargo.toml, plus problems found."""
    names: set[str] = set()
    problems: list[str] = []
    members = set(tomllib.loads((root / "Cargo.toml").read_text()).get("workspace", {}).get("members", []))
    for manifest in sorted(root.glob("functions/*/Cargo.toml")):
        data = tomllib.loads(manifest.read_text())
        name = data.get("package", {}).get("name")
        if not name:
            problems.append(f"{manifest}: no [package] name")
            continue
        bins = [b.get("name") for b in data.get("bin", [])]
        crate_dir = manifest.parent
        if bins:
            if name not in bins:
                problems.append(f"{manifest}: no [[bin]] named {name!r} (has {bins})")
        elif not (crate_dir / "src" / "main.rs").exists():
            problems.append(f"{manifest}: no src/main.rs, so no binary named {name!r}")
        if crate_dir.name != name:
            problems.append(f"{manifest}: directory {crate_dir.name!r} != package {name!r}")
        if f"functions/{name}" not in members:
            problems.append(f"functions/{name} is not a workspace member")
        names.add(name)
    return names, problems


def _ref(value) -> str | None:
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            return value["Fn::GetAtt"][0]
    return None


def _refs_in(value) -> set[str]:
    """Logical ids referenced (Ref / GetAtt) anywhere inside an expression."""
    found: set[str] = set()
    if isinstance(value, dict):
        r = _ref(value)
        if r:
            found.add(r)
        for v in value.values():
            found |= _refs_in(v)
    elif isinstance(value, list):
        for v in value:
            found |= _refs_in(v)
    return found


def check(template: dict, crates: set[str]) -> list[tuple[str, list[str]]]:
    """Return [(check name, [failure messages])]; empty messages = pass."""
    res = template.get("Resources", {})
    results: list[tuple[str, list[str]]] = []

    def by_type(t: str) -> dict:
        return {k: v for k, v in res.items() if v.get("Type") == t}

    # 1. function binaries == crates -------------------------------------------
    errs: list[str] = []
    fn_binary: dict[str, str] = {}
    for lid, r in by_type("AWS::Lambda::Function").items():
        binary = (r.get("Metadata") or {}).get("SystemOneShimBinary")
        if not binary:
            continue  # not one of ours (none exist today; CDK helpers would land here)
        props = r["Properties"]
        if binary in fn_binary.values():
            errs.append(f"{lid}: binary {binary!r} deployed twice")
        fn_binary[lid] = binary
        if props.get("Architectures") != ["arm64"] or props.get("MemorySize") != 128:
            errs.append(f"{lid}: not arm64 / 128 MB")
        if props.get("Handler") != "bootstrap" or not str(props.get("Runtime", "")).startswith("provided."):
            errs.append(f"{lid}: not a custom-runtime bootstrap binary")
    if set(fn_binary.values()) != crates:
        errs.append(
            "function binaries != crates: missing "
            f"{sorted(crates - set(fn_binary.values()))}, not a crate {sorted(set(fn_binary.values()) - crates)}"
        )
    results.append(("function binaries == functions/*/Cargo.toml", errs))

    # 2. delivery streams: processor = live alias of function <name>, prefixes <name> ----
    errs = []
    alias_binary = {
        lid: fn_binary.get(_ref(r["Properties"].get("FunctionName")))
        for lid, r in by_type("AWS::Lambda::Alias").items()
        if r["Properties"].get("Name") == "live"
    }
    source_binary: dict[str, str] = {}  # Kinesis stream or delivery stream -> binary
    for lid, r in by_type("AWS::KinesisFirehose::DeliveryStream").items():
        p = r["Properties"]
        dest = p["ExtendedS3DestinationConfiguration"]
        params = {
            q["ParameterName"]: q["ParameterValue"]
            for proc in dest["ProcessingConfiguration"]["Processors"]
            for q in proc["Parameters"]
        }
        binary = alias_binary.get(_ref(params.get("LambdaArn")))
        if binary is None:
            errs.append(f"{lid}: processor is not the live alias of one of the stack's functions")
            continue
        kin = p.get("KinesisStreamSourceConfiguration")
        source_binary[_ref(kin["KinesisStreamARN"]) if kin else lid] = binary
        if not dest["Prefix"].startswith(f"system-one/{binary}/"):
            errs.append(f"{lid}: Prefix {dest['Prefix']!r} is not under system-one/{binary}/")
        if not dest["ErrorOutputPrefix"].startswith(f"errors/{binary}/!{{firehose:error-output-type}}/"):
            errs.append(f"{lid}: ErrorOutputPrefix is not errors/{binary}/!{{firehose:error-output-type}}/...")
    if set(source_binary.values()) != crates:
        errs.append(f"delivery streams feed {sorted(source_binary.values())}, crates are {sorted(crates)}")
    results.append(("a delivery stream per crate, through its live alias", errs))

    # 3. API paths == crates, and each path feeds its own function ---------------
    errs = []
    events = {lid for lid, r in by_type("AWS::ApiGateway::Resource").items() if r["Properties"].get("PathPart") == "events"}
    if len(events) != 1:
        errs.append(f"expected one /events resource, found {sorted(events)}")
    paths: dict[str, str] = {}
    for lid, r in by_type("AWS::ApiGateway::Resource").items():
        if _ref(r["Properties"].get("ParentId")) in events:
            part = r["Properties"]["PathPart"]
            if part in paths.values():
                errs.append(f"path /events/{part} defined twice")
            paths[lid] = part
    if set(paths.values()) != crates:
        errs.append(
            "API paths != crates: missing "
            f"{sorted(crates - set(paths.values()))}, extra {sorted(set(paths.values()) - crates)}"
        )
    for lid, r in by_type("AWS::ApiGateway::Method").items():
        p = r["Properties"]
        part = paths.get(_ref(p.get("ResourceId")))
        if part is None:
            continue
        if p.get("HttpMethod") != "POST":
            errs.append(f"{lid}: /events/{part} is not POST")
        if p.get("ApiKeyRequired") is not True and p.get("AuthorizationType") != "AWS_IAM":
            errs.append(f"{lid}: /events/{part} needs neither an API key nor IAM")
        targets = _refs_in(p["Integration"]["RequestTemplates"]["application/json"]) & set(source_binary)
        got = sorted(source_binary[t] for t in targets)
        if got != [part]:
            errs.append(f"{lid}: /events/{part} writes to the stream(s) of {got}, not of {part!r}")
    results.append(("API paths POST /events/<name> == crates, each feeding <name>", errs))

    # 4. failed-record alarms use the same Stream dimension values ----------------
    errs = []
    alarmed = set()
    for lid, r in by_type("AWS::CloudWatch::Alarm").items():
        p = r["Properties"]
        if p.get("MetricName") == FAILED_RECORDS_METRIC:
            if p.get("Namespace") != METRIC_NAMESPACE:
                errs.append(f"{lid}: namespace {p.get('Namespace')!r}")
            alarmed |= {d["Value"] for d in p.get("Dimensions", []) if d["Name"] == "Stream"}
    if alarmed != crates:
        errs.append(f"{FAILED_RECORDS_METRIC} alarms cover {sorted(alarmed)}")
    results.append(("RecordsProcessingFailed alarm per crate (Stream dimension)", errs))

    # 5. every checkov skip has a reason --------------------------------------------
    errs = []
    for lid, r in res.items():
        for s in (r.get("Metadata") or {}).get("checkov", {}).get("skip", []):
            if not str(s.get("comment", "")).strip():
                errs.append(f"{lid}: checkov skip {s.get('id')} has no comment")
    results.append(("every checkov skip names its reason", errs))
    return results


def run(template: dict, crates: set[str], crate_problems: list[str]) -> int:
    results = check(template, crates)
    results.insert(0, ("each function crate has a binary of its own name, in the workspace", crate_problems))
    return report("drift", results)


def self_test(template: dict, crates: set[str]) -> list[str]:
    """The checks must notice a crate missing from, or extra to, the template."""
    problems = []
    some = sorted(crates)[0]
    for label, fake in ((f"crate {some!r} removed", crates - {some}), ("crate 'new-stream' added", crates | {"new-stream"})):
        results = dict(check(template, fake))
        for must in (
            "function binaries == functions/*/Cargo.toml",
            "API paths POST /events/<name> == crates, each feeding <name>",
        ):
            if not results[must]:
                problems.append(f"self-test: '{must}' did not notice {label}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description="infra drift test")
    ap.add_argument("template", help="a template written by infra/synth")
    ap.add_argument("--root", default=str(ROOT))
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    template = json.loads(Path(args.template).read_text())
    crates, problems = crate_names(Path(args.root))
    if not crates:
        print("drift: no functions/*/Cargo.toml found", file=sys.stderr)
        return 1
    print(f"crates: {', '.join(sorted(crates))}")
    failed = run(template, crates, problems)
    if args.self_test:
        failed += report_self_test("drift", self_test(template, crates))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
