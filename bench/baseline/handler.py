"""A straightforward Python Firehose transformation Lambda for the `orders` stream.

The baseline the Rust functions are measured against: the same job (system-two-events.md in,
system-one-records.md ORD lines out), written the way a Python team would write it with the
standard library only: json (with an object_pairs_hook that rejects duplicate names), decimal,
zoneinfo (tzdata from PyPI where the system has none), base64, re. No shortcuts (every rule is
checked) and no deliberate slowness. `lambda_handler` is the Lambda entry point.
"""

import base64
import binascii
import decimal
import json
import os
import re
from datetime import datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo(os.environ.get("SYSTEM_ONE_TIMEZONE") or "America/Chicago")
MAX_DEPTH = 64
EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
ENTITIES = {
    "customer", "order", "order_line", "invoice", "invoice_line", "shipment",
    "shipping_address", "virtual_request", "estimate",
}
ACTIONS = {"created": "A", "updated": "C", "deleted": "D"}
STATUS = {
    "open": "O", "on_hold": "H", "in_production": "P", "shipped": "S", "closed": "C",
    "cancelled": "X", "canceled": "X",
}
# (System One name, kind, argument, rule, v2 path, v1 name); rule: key, req or opt.
ORD = [
    ("ORDER_NO", "code", 12, "key", "orderNumber", "order_number"),
    ("CUST_NO", "code", 10, "req", "customerNumber", "customer_number"),
    ("ORDER_DATE", "date", None, "req", "orderDate", "order_date"),
    ("PO_NO", "text", 25, "opt", "purchaseOrder", "po_number"),
    ("STATUS", "enum", STATUS, "req", "status", "status"),
    ("SHIP_VIA", "code", 10, "opt", "shipVia", "ship_via"),
    ("REQ_SHIP_DATE", "date", None, "opt", "requestedShipDate", "requested_ship_date"),
    ("CURRENCY", "letters", 3, "req", "currency", "currency"),
    ("SUBTOTAL", "dec", 2, "req", "totals.subtotal", "subtotal"),
    ("TAX", "dec", 2, "req", "totals.tax", "tax"),
    ("FREIGHT", "dec", 2, "req", "totals.freight", "freight"),
    ("TOTAL", "dec", 2, "req", "totals.total", "total"),
    ("QUOTE_NO", "code", 12, "opt", "quote.number", "quote_number"),
    ("QUOTE_VER", "int", None, "opt", "quote.version", "quote_version"),
]

CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
CODE = re.compile(r"[A-Z0-9._/-]+")
LETTERS = re.compile(r"[A-Z]+")
INT_TEXT = re.compile(r"-?[0-9]+")
DEC_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|([+-])([0-9]{2}):([0-9]{2}))"
)
UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
ESCAPES = str.maketrans({"\\": "\\\\", "|": "\\|", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u2028": "\\n", "\u2029": "\\n"})


class Failed(Exception):
    """The record fails; the message is the reason (never a value)."""


def reject_duplicates(pairs):
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise Failed("duplicate-name")
    return dict(pairs)


def reject_constant(name):
    raise Failed("bad-json")


def check_tree(value, depth):
    """Nesting depth and escaped lone surrogates, anywhere in the document."""
    if isinstance(value, dict):
        if depth + 1 > MAX_DEPTH:
            raise Failed("too-deep")
        for name, member in value.items():
            check_string(name)
            check_tree(member, depth + 1)
    elif isinstance(value, list):
        if depth + 1 > MAX_DEPTH:
            raise Failed("too-deep")
        for item in value:
            check_tree(item, depth + 1)
    elif isinstance(value, str):
        check_string(value)


def check_string(text):
    # Decoded UTF-8 holds no surrogates, so any here came from an unpaired \u escape.
    if not text.isascii() and any("\ud800" <= c <= "\udfff" for c in text):
        raise Failed("lone-surrogate")


def parse(data):
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise Failed("bad-base64")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Failed("bad-utf8")
    try:
        document = json.loads(
            text,
            object_pairs_hook=reject_duplicates,
            parse_float=decimal.Decimal,
            parse_int=decimal.Decimal,
            parse_constant=reject_constant,
        )
    except RecursionError:
        raise Failed("too-deep")
    except ValueError:
        raise Failed("bad-json")
    check_tree(document, 0)
    if not isinstance(document, dict):
        raise Failed("not-object")
    return document


def is_number(value):
    return isinstance(value, decimal.Decimal)


def version(document):
    v2, v1 = document.get("schemaVersion", None), document.get("schema_version", None)
    has_v2, has_v1 = "schemaVersion" in document, "schema_version" in document
    if has_v2 and not has_v1 and is_number(v2) and v2 == 2:
        return 2
    if has_v1 and not has_v2 and is_number(v1) and v1 == 1:
        return 1
    if not has_v1 and not has_v2:
        return 1
    raise Failed("schema-version")


def days_from_civil(year, month, day):
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def real_date(year, month, day):
    if not 1 <= month <= 12 or day < 1:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return day <= days


def integral(value, name):
    if value != value.to_integral_value(context=EXACT):
        raise Failed(f"precision:{name}")
    number = int(value)
    if not -(2**63) <= number < 2**63:
        raise Failed(f"range:{name}")
    return number


def timestamp(value, name):
    if isinstance(value, str):
        match = RFC3339.fullmatch(value)
        if not match:
            raise Failed(f"format:{name}")
        year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
        if not real_date(year, month, day) or hour > 23 or minute > 59 or second > 59:
            raise Failed(f"format:{name}")
        offset = 0
        if match.group(9):
            offset_hours, offset_minutes = int(match.group(10)), int(match.group(11))
            if offset_hours > 23 or offset_minutes > 59:
                raise Failed(f"format:{name}")
            offset = (1 if match.group(9) == "+" else -1) * (offset_hours * 3600 + offset_minutes * 60)
        seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
    elif is_number(value):
        seconds = integral(value, name)
    else:
        raise Failed(f"type:{name}")
    try:
        local = datetime.fromtimestamp(seconds, ZONE)
    except (OverflowError, OSError, ValueError):
        raise Failed(f"range:{name}")
    if not 1900 <= local.year <= 2099:
        raise Failed(f"range:{name}")
    return local.strftime("%Y%m%d%H%M%S")


def lookup(payload, path):
    *groups, member = path.split(".")
    current = payload
    for group in groups:
        inner = current.get(group)
        if inner is None:
            return None
        if not isinstance(inner, dict):
            raise Failed(f"type:{group}")
        current = inner
    return current.get(member)


def clean(text):
    return CONTROLS.sub("", text).strip(SPACE)


def string(value, name):
    if not isinstance(value, str):
        raise Failed(f"type:{name}")
    return value


def decimal_value(value, name, fraction):
    if is_number(value):
        return value
    if isinstance(value, str):
        if (DEC_TEXT if fraction else INT_TEXT).fullmatch(value):
            return decimal.Decimal(value)
        raise Failed(f"format:{name}")
    raise Failed(f"type:{name}")


def convert(kind, argument, value, name):
    """One present value to its System One text, or None when it counts as absent."""
    if value is None or value == "":
        return None
    if kind in ("text", "code", "letters", "enum"):
        cleaned = clean(string(value, name))
        if not cleaned:
            return None
        if kind == "text":
            if len(cleaned) > argument:
                raise Failed(f"too-long:{name}")
            return cleaned.translate(ESCAPES)
        if kind == "code":
            cleaned = cleaned.translate(UPPER)
            if len(cleaned) > argument:
                raise Failed(f"too-long:{name}")
            if not CODE.fullmatch(cleaned):
                raise Failed(f"charset:{name}")
            return cleaned
        if kind == "letters":
            cleaned = cleaned.translate(UPPER)
            if len(cleaned) != argument or not LETTERS.fullmatch(cleaned):
                raise Failed(f"charset:{name}")
            return cleaned
        code = argument.get(cleaned.translate(LOWER))
        if code is None:
            raise Failed(f"unknown-value:{name}")
        return code
    if kind == "int":
        return integral(decimal_value(value, name, False), name)
    if kind == "dec":
        scaled = decimal_value(value, name, True).scaleb(argument, context=EXACT)
        if scaled != scaled.to_integral_value(context=EXACT):
            raise Failed(f"precision:{name}")
        scaled = int(scaled)
        if abs(scaled) >= 10**15:
            raise Failed(f"range:{name}")
        return decimal.Decimal(scaled).scaleb(-argument)
    if kind == "date":
        match = DATE.fullmatch(string(value, name))
        if not match:
            raise Failed(f"format:{name}")
        year, month, day = (int(part) for part in match.groups())
        if not real_date(year, month, day):
            raise Failed(f"format:{name}")
        if not 1900 <= year <= 2099:
            raise Failed(f"range:{name}")
        return f"{year:04}{month:02}{day:02}"
    raise AssertionError(kind)


def text_of(cell):
    if cell is None:
        return ""
    if isinstance(cell, decimal.Decimal):
        return "0.00" if cell == 0 else f"{cell:f}"
    return str(cell)


def transform(data):
    """One record's `data` to its ORD line, or None for a heartbeat."""
    document = parse(data)
    generation = version(document)
    names = ("eventType", "eventId", "occurredAt", "data") if generation == 2 else (
        "event_type", "event_id", "occurred_at", "payload")
    event_type = document.get(names[0])
    if not isinstance(event_type, str):
        raise Failed("event-type")
    if event_type == "system.heartbeat":
        return None
    entity, _, action = event_type.partition(".")
    if entity not in ENTITIES or action not in ACTIONS:
        raise Failed("event-type")
    if entity != "order":
        raise Failed("wrong-stream")
    event_id = document.get(names[1])
    if event_id is None or event_id == "":
        raise Failed(f"missing:{names[1]}")
    if not isinstance(event_id, str):
        raise Failed(f"type:{names[1]}")
    occurred = document.get(names[2])
    if occurred is None or occurred == "":
        raise Failed(f"missing:{names[2]}")
    updated_at = timestamp(occurred, names[2])
    payload = document.get(names[3])
    if payload is None:
        raise Failed(f"missing:{names[3]}")
    if not isinstance(payload, dict):
        raise Failed(f"type:{names[3]}")
    deleted = action == "deleted"
    cells = {}
    for name, kind, argument, rule, v2, v1 in ORD:
        if deleted and rule != "key":
            cells[name] = None
            continue
        cells[name] = convert(kind, argument, lookup(payload, v2 if generation == 2 else v1), name)
        if cells[name] is None and rule != "opt":
            raise Failed(f"missing:{name}")
    if not deleted:
        if cells["SUBTOTAL"] + cells["TAX"] + cells["FREIGHT"] != cells["TOTAL"]:
            raise Failed("total-mismatch")
        if cells["QUOTE_VER"] is not None and cells["QUOTE_VER"] < 1:
            raise Failed(f"range:QUOTE_VER")
    fields = ["ORD", ACTIONS[action]] + [text_of(cells[name]) for name, *_ in ORD] + [updated_at]
    return "|".join(fields) + "\n"


def lambda_handler(event, context=None):
    records = []
    for record in event["records"]:
        try:
            line = transform(record["data"])
        except Failed:
            records.append({"recordId": record["recordId"], "result": "ProcessingFailed", "data": record["data"]})
            continue
        if line is None:
            records.append({"recordId": record["recordId"], "result": "Dropped", "data": ""})
        else:
            data = base64.b64encode(line.encode("utf-8")).decode("ascii")
            records.append({"recordId": record["recordId"], "result": "Ok", "data": data})
    return {"records": records}
