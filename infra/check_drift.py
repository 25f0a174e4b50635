#!/usr/bin/env python3
"""Drift test: the deployment must name exactly the function crates that exist.

Asserts, against infra/template.yaml and functions/*/Cargo.toml:
  * the set of binaries built by the template (Metadata.BuildProperties.Binary
    of every AWS::Serverless::Function) == the set of crates' package names,
    and every crate really has a binary of that name;
  * the set of API paths POST /events/<name> == that same set, each path
    writing to the Kinesis stream whose delivery stream runs function <name>,
    which writes under system-one/<name>/ and is alarmed on Stream=<name>;
  * infra/generate.py's STREAMS list == that set;
  * every checkov skip in the template carries a reason.

Needs PyYAML (installed with cfn-lint into the venv by infra/check).
Prints "drift: N passed, M failed"; exits 1 on any failure.
`--self-test` also proves the checks catch a missing and an extra crate.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import yaml

INFRA = Path(__file__).resolve().parent
ROOT = INFRA.parent
sys.path.insert(0, str(INFRA))
import generate  # noqa: E402


def crate_names(root: Path) -> tuple[set[str], list[str]]:
    """Package names of functions/*/Cargo.toml, plus problems found."""
    names: set[str] = set()
    problems: list[str] = []
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
        names.add(name)
    return names, problems


def _ref(value) -> str | None:
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            return value["Fn::GetAtt"][0]
    return None


def check(template: dict, crates: set[str], root: Path) -> list[tuple[str, list[str]]]:
    """Return [(check name, [failure messages])]; empty messages = pass."""
    res = template.get("Resources", {})
    results: list[tuple[str, list[str]]] = []

    def by_type(t: str) -> dict:
        return {k: v for k, v in res.items() if v.get("Type") == t}

    # 1. function binaries == crates ------------------------------------------
    errs: list[str] = []
    fn_binary: dict[str, str] = {}
    for lid, r in by_type("AWS::Serverless::Function").items():
        meta = r.get("Metadata", {})
        props = r.get("Properties", {})
        binary = meta.get("BuildProperties", {}).get("Binary")
        if meta.get("BuildMethod") != "rust-cargolambda":
            errs.append(f"{lid}: BuildMethod is not rust-cargolambda")
        if not binary:
            errs.append(f"{lid}: no Metadata.BuildProperties.Binary")
            continue
        if binary in fn_binary.values():
            errs.append(f"{lid}: binary {binary!r} built twice")
        fn_binary[lid] = binary
        code_uri = props.get("CodeUri")
        if code_uri != "..":
            errs.append(f"{lid}: CodeUri {code_uri!r}, expected '..' (workspace root)")
    binaries = set(fn_binary.values())
    if binaries != crates:
        errs.append(
            "template binaries != crates: missing from template "
            f"{sorted(crates - binaries)}, not a crate {sorted(binaries - crates)}"
        )
    results.append(("function binaries == functions/*/Cargo.toml", errs))

    # 2. CodeUri '..' really is the workspace and lists every crate ------------
    errs = []
    ws_manifest = root / "Cargo.toml"
    if not ws_manifest.exists():
        errs.append("no Cargo.toml at the workspace root (CodeUri '..')")
    else:
        members = set(tomllib.loads(ws_manifest.read_text()).get("workspace", {}).get("members", []))
        for name in sorted(crates):
            if f"functions/{name}" not in members:
                errs.append(f"functions/{name} is not a workspace member")
    results.append(("workspace root lists every function crate", errs))

    # 3. API paths == crates, and each path feeds its own function ------------
    errs = []
    events = {
        lid
        for lid, r in by_type("AWS::ApiGateway::Resource").items()
        if r["Properties"].get("PathPart") == "events"
    }
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
    # kinesis stream -> function binary, via the delivery streams
    stream_binary: dict[str, str] = {}
    for lid, r in by_type("AWS::KinesisFirehose::DeliveryStream").items():
        p = r["Properties"]
        kin = _ref(p["KinesisStreamSourceConfiguration"]["KinesisStreamARN"])
        dest = p["ExtendedS3DestinationConfiguration"]
        params = {
            q["ParameterName"]: q["ParameterValue"]
            for proc in dest["ProcessingConfiguration"]["Processors"]
            for q in proc["Parameters"]
        }
        binary = fn_binary.get(_ref(params.get("LambdaArn")))
        if binary is None:
            errs.append(f"{lid}: processor is not one of the template's functions")
            continue
        stream_binary[kin] = binary
        if not dest["Prefix"].startswith(f"system-one/{binary}/"):
            errs.append(f"{lid}: Prefix {dest['Prefix']!r} is not under system-one/{binary}/")
        if not dest["ErrorOutputPrefix"].startswith(f"errors/{binary}/"):
            errs.append(f"{lid}: ErrorOutputPrefix is not under errors/{binary}/")
    for lid, r in by_type("AWS::ApiGateway::Method").items():
        p = r["Properties"]
        part = paths.get(_ref(p.get("ResourceId")))
        if part is None:
            continue
        if p.get("HttpMethod") != "POST" or p.get("ApiKeyRequired") is not True:
            errs.append(f"{lid}: /events/{part} must be POST with ApiKeyRequired")
        tmpl = p["Integration"]["RequestTemplates"]["application/json"]
        text = tmpl["Fn::Sub"] if isinstance(tmpl, dict) else tmpl
        targets = [k for k in stream_binary if "${%s}" % k in text]
        if len(targets) != 1 or stream_binary[targets[0]] != part:
            got = [stream_binary[t] for t in targets]
            errs.append(f"{lid}: /events/{part} writes to the stream(s) of {got}, not of {part!r}")
    results.append(("API paths POST /events/<name> == crates, each feeding <name>", errs))

    # 4. failed-record alarms use the same Stream dimension values -----------
    errs = []
    alarmed = set()
    for lid, r in by_type("AWS::CloudWatch::Alarm").items():
        p = r["Properties"]
        if p.get("MetricName") == generate.FAILED_RECORDS_METRIC:
            if p.get("Namespace") != generate.METRIC_NAMESPACE:
                errs.append(f"{lid}: namespace {p.get('Namespace')!r}")
            for d in p.get("Dimensions", []):
                if d["Name"] == "Stream":
                    alarmed.add(d["Value"])
    if alarmed != crates:
        errs.append(f"{generate.FAILED_RECORDS_METRIC} alarms cover {sorted(alarmed)}")
    results.append(("RecordsProcessingFailed alarm per crate (Stream dimension)", errs))

    # 5. generator's list == crates --------------------------------------------
    errs = []
    if set(generate.STREAMS) != crates or len(generate.STREAMS) != len(set(generate.STREAMS)):
        errs.append(f"generate.STREAMS {generate.STREAMS} != crates {sorted(crates)}")
    results.append(("infra/generate.py STREAMS == crates", errs))

    # 6. the YAML on disk is exactly what the generator builds ----------------
    errs = []
    if template != generate.build():
        errs.append("infra/template.yaml does not parse to generate.build() (emitter or edit)")
    results.append(("template.yaml parses to exactly generate.build()", errs))

    # 7. every checkov skip has a reason ----------------------------------------
    errs = []
    for lid, r in res.items():
        for s in (r.get("Metadata") or {}).get("checkov", {}).get("skip", []):
            if not str(s.get("comment", "")).strip():
                errs.append(f"{lid}: checkov skip {s.get('id')} has no comment")
    results.append(("every checkov skip names its reason", errs))
    return results


def run(template: dict, crates: set[str], crate_problems: list[str], root: Path) -> int:
    results = check(template, crates, root)
    results.insert(0, ("each function crate has a binary of its own name", crate_problems))
    failed = 0
    for name, errs in results:
        print(f"  {'ok  ' if not errs else 'FAIL'} {name}")
        for e in errs:
            print(f"       - {e}")
        failed += bool(errs)
    print(f"drift: {len(results) - failed} passed, {failed} failed")
    return failed


def self_test(template: dict, crates: set[str], root: Path) -> list[str]:
    """The checks must notice a crate missing from, or extra to, the template."""
    problems = []
    some = sorted(crates)[0]
    for label, fake in (
        (f"crate {some!r} removed", crates - {some}),
        ("crate 'new-stream' added", crates | {"new-stream"}),
    ):
        results = dict(check(template, fake, root))
        for must in (
            "function binaries == functions/*/Cargo.toml",
            "API paths POST /events/<name> == crates, each feeding <name>",
        ):
            if not results[must]:
                problems.append(f"self-test: '{must}' did not notice {label}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description="infra drift test")
    ap.add_argument("--template", default=str(INFRA / "template.yaml"))
    ap.add_argument("--root", default=str(ROOT))
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    root = Path(args.root)
    template = yaml.safe_load(Path(args.template).read_text())
    crates, problems = crate_names(root)
    if not crates:
        print("drift: no functions/*/Cargo.toml found", file=sys.stderr)
        return 1
    print(f"crates: {', '.join(sorted(crates))}")
    failed = run(template, crates, problems, root)
    if args.self_test:
        st = self_test(template, crates, root)
        for p in st:
            print(f"  FAIL {p}")
        print(f"drift self-test: {0 if st else 1} passed, {1 if st else 0} failed")
        failed += bool(st)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
