#!/usr/bin/env python3
"""Renders the API's mapping templates, as synthesized, with a Velocity engine and checks them.

The engine is airspeed (PyPI), the Velocity implementation AWS emulators use for API Gateway,
given here the API Gateway variables the templates use ($input, $util, $context) with Java's
semantics (UTF-16 string lengths, commons-lang escapeJavaScript, no backslash escapes in VTL
string literals, as in Velocity 1.7). For every POST /events/<stream> of each template given:

  * on every sample event of events/system-two/<stream>.jsonl and on bodies with quotes,
    backslashes, emoji, CJK, a single quote in the key: the request is valid JSON naming the
    right stream (StreamName / DeliveryStreamName), base64 Data decodes to the body's exact
    bytes and one newline (JSON lines in the raw backup), and PartitionKey is the entity key (interfaces.md), for both connector versions;
  * keys absent, empty or not a string/number fall back to the request id; keys over 256
    characters are cut; numbers keep their JSON text;
  * bodies over the record limit (1 MiB including the key; 1,000 KiB for Direct PUT) send no
    data and no key, bodies exactly at the limit pass;
  * the 4xx response template answers 429 for throttling, 413 for the over-limit refusal
    (by error type), and leaves anything else to the 500 default.

Usage: test_mapping_templates.py TEMPLATE_JSON [TEMPLATE_JSON ...]
Prints "mapping templates: N passed, N failed"; exits 1 on any failure.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import urllib.parse
from pathlib import Path

import airspeed

ROOT = Path(__file__).resolve().parent.parent
REQUEST_ID = "c0ffee00-1111-2222-3333-444455556666"

# Velocity 1.7 (API Gateway's engine) does not process backslash escapes in string literals.
airspeed.StringLiteral.ESCAPED_CHAR = re.compile(r"(?!)")
airspeed.InterpolatedStringLiteral.ESCAPED_CHAR = re.compile(r"(?!)")


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def utf16_substring(s: str, start: int, end: int | None = None) -> str:
    units = s.encode("utf-16-le")
    end = utf16_len(s) if end is None else end
    return units[2 * start : 2 * end].decode("utf-16-le", errors="surrogatepass")


airspeed.__additional_methods__[str].update(
    {
        "length": utf16_len,
        "substring": utf16_substring,
        "endsWith": lambda self, suffix: self.endswith(suffix),
        "toLowerCase": lambda self: self.lower(),
    }
)


def java_escape_javascript(s: str) -> str:
    """org.apache.commons.lang.StringEscapeUtils.escapeJavaScript, as $util.escapeJavaScript:
    per UTF-16 code unit, non-ASCII as \\uXXXX, control characters escaped, ' " \\ / backslashed."""
    units = s.encode("utf-16-le", "surrogatepass")
    out = []
    for i in range(0, len(units), 2):
        code = int.from_bytes(units[i : i + 2], "little")
        if code > 0x7F:
            out.append("\\u%04X" % code)
        elif code < 32:
            out.append({8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}.get(code, "\\u%04X" % code))
        elif chr(code) in "'\"\\/":
            out.append("\\" + chr(code))
        else:
            out.append(chr(code))
    return "".join(out)


_MISSING = object()


def json_path(doc, path: str):
    """The `$.a.b` paths the templates use."""
    assert path == "$" or path.startswith("$."), path
    node = doc
    for part in [p for p in path[2:].split(".") if p] if path != "$" else []:
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


class Input:
    """$input: the method request body (API Gateway's json() re-serializes the value found)."""

    def __init__(self, body: str, missing_json: str):
        self.body = body
        self._missing_json = missing_json
        try:
            self._doc = json.loads(body)
        except ValueError:
            self._doc = None

    def json(self, path):
        v = json_path(self._doc, path)
        return self._missing_json if v is _MISSING else json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    def path(self, path):
        v = json_path(self._doc, path)
        return None if v is _MISSING else v


class Util:
    def base64Encode(self, s):
        return base64.b64encode(str(s).encode("utf-8")).decode("ascii")

    def urlDecode(self, s):
        return urllib.parse.unquote_plus(str(s))

    def escapeJavaScript(self, s):
        return java_escape_javascript(str(s))


def render(template: str, body: str, missing_json: str = "") -> str:
    ctx = {"requestId": REQUEST_ID, "responseOverride": {}}
    return airspeed.Template(template).merge(
        {"input": Input(body, missing_json), "util": Util(), "context": ctx}
    )


def render_response(template: str, service_body: str) -> tuple[str, int | None]:
    ctx = {"requestId": REQUEST_ID, "responseOverride": {}}
    out = airspeed.Template(template).merge({"input": Input(service_body, ""), "util": Util(), "context": ctx})
    return out, ctx["responseOverride"].get("status")


# ---- the expected partition key, written from interfaces.md independently of the VTL --------
# The key fields per stream, as [v2, v1] names; infra/check_streams.py holds them to the engine's
# layout table (its key fields), so they cannot drift from what the functions read.
KEYS = {
    "customers": [("customerNumber", "customer_number")],
    "orders": [("orderNumber", "order_number")],
    "order-lines": [("orderNumber", "order_number"), ("lineNumber", "line_number")],
    "invoices": [("invoiceNumber", "invoice_number")],
    "invoice-lines": [("invoiceNumber", "invoice_number"), ("lineNumber", "line_number")],
    "shipments": [("shipmentNumber", "shipment_number")],
    "shipping-addresses": [("customerNumber", "customer_number"), ("addressId", "address_id")],
    "virtual-requests": [("requestNumber", "request_number")],
    "estimates": [("orderNumber", "order_number")],
}


def expected_key(stream: str, body: str) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    for envelope, version in (("data", 0), ("payload", 1)):
        obj = doc.get(envelope) if isinstance(doc, dict) else None
        values = []
        for names in KEYS[stream]:
            v = obj.get(names[version]) if isinstance(obj, dict) else None
            if isinstance(v, str) and v != "":
                values.append(v)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                values.append(json.dumps(v))
        if len(values) == len(KEYS[stream]):
            key = "|".join(values)
            return utf16_substring(key, 0, 256) if utf16_len(key) > 256 else key
    return REQUEST_ID


# ---- the synthesized template ------------------------------------------------------------------
def resolve(value, physical: dict[str, str]) -> str:
    """Fn::Join / Ref / plain strings -> text, Ref X -> physical[X]."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        sep, parts = value["Fn::Join"]
        return sep.join(resolve(p, physical) for p in parts)
    if "Ref" in value:
        return physical[value["Ref"]]
    raise ValueError(f"cannot resolve {value}")


def methods(template: dict):
    """(stream, kind, request template text, target physical name, {status: response template})."""
    res = template["Resources"]
    physical = {lid: f"phys-{lid}" for lid in res}
    paths = {lid: r["Properties"]["PathPart"] for lid, r in res.items() if r["Type"] == "AWS::ApiGateway::Resource"}
    for r in res.values():
        if r["Type"] != "AWS::ApiGateway::Method":
            continue
        p = r["Properties"]
        stream = paths[p["ResourceId"]["Ref"]]
        integ = p["Integration"]
        uri = json.dumps(integ["Uri"])
        kind = "kinesis" if ":kinesis:action/PutRecord" in uri else "firehose" if ":firehose:action/PutRecord" in uri else "?"
        raw = integ["RequestTemplates"]["application/json"]
        refs = [x["Ref"] for x in (raw["Fn::Join"][1] if isinstance(raw, dict) else []) if isinstance(x, dict)]
        target_type = "AWS::Kinesis::Stream" if kind == "kinesis" else "AWS::KinesisFirehose::DeliveryStream"
        targets = {physical[x] for x in refs if res[x]["Type"] == target_type}
        responses = {
            ir.get("SelectionPattern", "default"): ir["ResponseTemplates"]["application/json"]
            for ir in integ["IntegrationResponses"]
        }
        yield stream, kind, resolve(raw, physical), targets, responses


# ---- the cases -----------------------------------------------------------------------------------
def tricky_bodies(stream: str) -> list[str]:
    (v2a, v1a), *rest = KEYS[stream]
    second = {names: 7 for names in rest}
    def v2(key_value, extra=""):
        data = {v2a: key_value, **{n[0]: v for n, v in second.items()}}
        return json.dumps({"schemaVersion": 2, "eventId": "e-1", "eventType": "x.updated", "occurredAt": 1, "data": data, "note": extra}, ensure_ascii=False)
    def v1(key_value):
        payload = {v1a: key_value, **{n[1]: v for n, v in second.items()}}
        return json.dumps({"schema_version": 1, "event_id": "e-1", "payload": payload})
    return [
        v2("SO-1", 'he said "hi" \\ back\\slash \\" \\\\'),
        v2("SO-😀-1", "emoji 😀👍🏽 and CJK 漢字かな한국어"),
        v2("客户-漢字"),
        v2("O'Brien-1"),
        v2('Q"uote\\d'),
        v2("x" * 300),
        v2("😀" * 200),
        v2(""),
        v2(None),
        v2(12345),
        v2({"nested": 1}),
        v2(True),
        v1("SO-9"),
        v1(77),
        v1(""),
        '{"schemaVersion":2,"data":{}}',
        '{"unrelated":true}',
        '{ "data" : { "%s" : "spaced" } ,"x":[1,2,{"y":"\\u00e9\\n\\t"}]}' % v2a,
        "{}",
    ]


class Results:
    def __init__(self):
        self.passed = 0
        self.failures: list[str] = []

    def check(self, ok: bool, what: str):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)


def check_request(r: Results, stream: str, kind: str, text: str, target: str, body: str, missing_json: str, label: str):
    out = render(text, body, missing_json)
    try:
        req = json.loads(out)
    except ValueError as e:
        r.check(False, f"{stream} {label}: output is not JSON ({e}): {out[:300]!r}")
        return
    if kind == "kinesis":
        r.check(req.get("StreamName") == target, f"{stream} {label}: StreamName {req.get('StreamName')!r} != {target!r}")
        data = req.get("Data", "")
        key = expected_key(stream, body)
        r.check(req.get("PartitionKey") == key, f"{stream} {label}: PartitionKey {req.get('PartitionKey')!r} != {key!r}")
    else:
        r.check(req.get("DeliveryStreamName") == target, f"{stream} {label}: DeliveryStreamName {req.get('DeliveryStreamName')!r}")
        data = req.get("Record", {}).get("Data", "")
    r.check(base64.b64decode(data) == body.encode("utf-8") + b"\n", f"{stream} {label}: Data is not the body's bytes and a newline")


def check_size(r: Results, stream: str, kind: str, text: str, target: str):
    limit = 1024 * 1024 if kind == "kinesis" else 1000 * 1024
    for pad_to, expect_sent in ((limit, True), (limit + 1, False), (limit + 3, False)):
        for version in (2, 1):
            (v2a, v1a), *rest = KEYS[stream]
            if version == 2:
                env = {"schemaVersion": 2, "data": {v2a: "K-1", **{n[0]: 1 for n in rest}}, "pad": ""}
            else:
                env = {"schema_version": 1, "payload": {v1a: "K-1", **{n[1]: 1 for n in rest}}, "pad": ""}
            base = json.dumps(env, separators=(",", ":"))
            key = expected_key(stream, base) if kind == "kinesis" else ""
            # pad with a 3-byte character and ASCII so that the UTF-8 size is exact
            # the record is the body and its newline
            room = pad_to - len(key.encode()) - len(base.encode()) - 1
            filler = "漢" * (room // 6) + "a" * (room - 3 * (room // 6))
            env["pad"] = filler
            body = json.dumps(env, separators=(",", ":"), ensure_ascii=False)
            size = len(body.encode()) + 1 + len(key.encode())
            assert size == pad_to, (size, pad_to)
            try:
                req = json.loads(render(text, body))
            except ValueError as e:
                r.check(False, f"{stream} v{version}: {size}-byte body: output is not JSON ({e})")
                continue
            if kind == "kinesis":
                sent = req.get("Data") != "" and req.get("PartitionKey") != ""
            else:
                sent = req.get("Record", {}).get("Data") != "" and req.get("DeliveryStreamName") == target
            r.check(sent == expect_sent, f"{stream} v{version}: record of {size} bytes sent={sent}, expected {expect_sent}")
            if expect_sent:
                data = req["Data"] if kind == "kinesis" else req["Record"]["Data"]
                r.check(base64.b64decode(data) == body.encode() + b"\n", f"{stream}: at-limit body not byte for byte")


def check_responses(r: Results, stream: str, responses: dict[str, str]):
    four = responses.get("4\\d{2}")
    r.check(four is not None, f"{stream}: no 4xx integration response")
    if four is None:
        return
    for service_type, expected in (
        ("ProvisionedThroughputExceededException", 429),
        ("LimitExceededException", 429),
        ("ValidationException", 413),
        ("com.amazon.coral.validate#ValidationException", 413),
        ("AccessDeniedException", None),
        ("ResourceNotFoundException", None),
    ):
        out, status = render_response(four, json.dumps({"__type": service_type, "message": "whatever wording"}))
        r.check(status == expected, f"{stream}: 4xx {service_type} -> {status}, expected {expected}")
        try:
            json.loads(out)
            r.check(True, "")
        except ValueError:
            r.check(False, f"{stream}: 4xx response for {service_type} is not JSON: {out!r}")


def envelope_version(body: str):
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    return doc.get("schemaVersion", doc.get("schema_version")) if isinstance(doc, dict) else None


def main() -> int:
    r = Results()
    for template_path in sys.argv[1:]:
        template = json.loads(Path(template_path).read_text())
        seen = set()
        for stream, kind, text, targets, responses in methods(template):
            seen.add(stream)
            r.check(len(targets) == 1, f"{stream}: request template names {len(targets)} streams")
            if len(targets) != 1:
                continue
            target = next(iter(targets))
            samples = (ROOT / "events" / "system-two" / f"{stream}.jsonl").read_text().splitlines()
            bodies = [s for s in samples if s.strip()] + tricky_bodies(stream)
            versions = {envelope_version(b) for b in samples}
            r.check({1, 2} <= versions, f"{stream}: the samples do not hold both connector versions ({versions})")
            for missing_json in ("", "null"):
                for i, body in enumerate(bodies):
                    check_request(r, stream, kind, text, target, body, missing_json, f"body {i} (missing={missing_json!r})")
            check_size(r, stream, kind, text, target)
            check_responses(r, stream, responses)
        r.check(seen == set(KEYS), f"{template_path}: methods for {sorted(seen)}")
        print(f"{template_path}: {len(seen)} methods rendered")
    for f in r.failures[:40]:
        print(f"  FAIL {f}")
    print(f"mapping templates: {r.passed} passed, {len(r.failures)} failed")
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main())
