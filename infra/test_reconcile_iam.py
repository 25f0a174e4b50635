#!/usr/bin/env python3
"""`firehose-local reconcile --repair` and a reprocess under the reconcile role's synthesized
policy, with IAM enforced (moto in server mode; the setup both tests share is moto_iam.py).

Creates the data bucket and the streams named as the template names them, creates the reconcile
role with the policy documents of the synthesized template (intrinsics resolved), assumes it and
runs the real binary with those temporary credentials:

  1. reprocess into the bucket: `run events/system-two --out s3://BUCKET` (run's writes:
     system-one/, errors/, source/, its mark under firehose-local/runs/), and `run
     kinesis:<stack>-orders --from --to --out s3://BUCKET` (DescribeStreamSummary, ListShards,
     GetShardIterator, GetRecords);
  2. `reconcile s3://BUCKET` of that hour: clean (exit 0);
  3. an output object deleted (by the administrator): `reconcile --repair` restores it, writes
     its journal under firehose-local/repairs/, and the next reconcile is clean;
  4. the role cannot delete an object (DeleteObject is AccessDenied);
  5. the same repair under the role's policy without s3:PutObject fails with AccessDenied
     (exit 2) and writes nothing: a missing permission fails this test.

moto checks Kinesis calls against the resource "*" (no per-stream resource): for moto only, the
Kinesis statement's Resource is widened to "*" (its Actions stay exact); the stream ARNs
themselves are evaluated by test/iam.test.ts. moto authorizes HeadBucket as "s3:HeadBucket"
(AWS: s3:ListBucket), so for moto only the ListBucket statement also allows that name.

Usage: test_reconcile_iam.py TEMPLATE_JSON FIREHOSE_LOCAL_BINARY
Prints "reconcile under IAM: N passed, N failed"; exits 1 on any failure.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import time
from pathlib import Path

from moto_iam import BUCKET, ROOT, IamMoto, Results, client, firehose_local, keys, role_policies, stream_names, without

AT = "2026-12-01T05:10:00Z"
WINDOW = ["--from", "2026-12-01T05", "--to", "2026-12-01T06"]


def for_moto(doc: dict) -> dict:
    """moto evaluates Kinesis calls against resource "*": widen only the Kinesis statement. And
    moto authorizes HeadBucket as "s3:HeadBucket", which is no IAM action (AWS authorizes it as
    s3:ListBucket): the ListBucket statement gets it too, for moto only."""
    doc = copy.deepcopy(doc)
    for st in doc["Statement"]:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        if all(a.startswith("kinesis:") for a in actions):
            st["Resource"] = "*"
        if "s3:ListBucket" in actions:
            st["Action"] = [*actions, "s3:HeadBucket"]
    return doc


def report(p: subprocess.CompletedProcess) -> dict:
    lines = p.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        return {}


def tail(p: subprocess.CompletedProcess) -> str:
    return (p.stderr.strip() or p.stdout.strip())[-300:]


def main() -> int:
    template_path, binary = sys.argv[1], sys.argv[2]
    template = json.loads(Path(template_path).read_text())
    streams = stream_names(template)
    policies = role_policies(template, "ReconcileRole")
    r = Results()
    m = IamMoto(r, streams, for_moto)
    try:
        endpoint, s3, kinesis = m.endpoint, m.s3, m.kinesis

        role = m.role_credentials("ReconcileRole", policies)

        # 1. reprocess into the bucket: run's writes, and a Kinesis re-read
        events = str(ROOT / "events/system-two")
        p = firehose_local(binary, endpoint, role, "run", events, "--out", f"s3://{BUCKET}", "--frozen-clock", AT, "-q")
        r.check(p.returncode == 0, f"run into the bucket under the role: exit {p.returncode} {tail(p) if p.returncode else ''}")
        written = keys(s3)
        for prefix in ("system-one/orders/", "errors/", "source/orders/2026/12/01/05/", "firehose-local/runs/"):
            r.check(any(k.startswith(prefix) for k in written), f"... wrote under {prefix}")
        if streams:
            name = next(n for n in streams if n.endswith("-orders"))
            started = time.time()
            kinesis.put_record(StreamName=name, Data=b'{"not": "an event"}\n', PartitionKey="a")
            p = firehose_local(
                binary, endpoint, role, "run", f"kinesis:{name}",
                "--from", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started - 60)),
                "--to", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started + 60)),
                "--stream", "orders", "--out", f"s3://{BUCKET}", "-q",
            )
            r.check(p.returncode == 0 and len(keys(s3)) > len(written),
                    f"run kinesis:{name} into the bucket under the role (re-read the stream): exit {p.returncode} {tail(p) if p.returncode else ''}")

        # 2. the hour reconciles clean
        p = firehose_local(binary, endpoint, role, "reconcile", f"s3://{BUCKET}", *WINDOW, "--json")
        records = report(p).get("records")
        r.check(p.returncode == 0, f"reconcile under the role: exit {p.returncode} ({records} records) {tail(p) if p.returncode else ''}")

        # 3. an output lost: --repair restores it, once
        lost = next(k for k in keys(s3, "system-one/orders/2026/12/01/"))
        s3.delete_object(Bucket=BUCKET, Key=lost)
        p = firehose_local(binary, endpoint, role, "reconcile", f"s3://{BUCKET}", *WINDOW, "--repair", "--json")
        repair = report(p).get("repair") or {}
        r.check(p.returncode == 1 and repair.get("written") == 1,
                f"reconcile --repair under the role: exit {p.returncode}, written {repair.get('written')} {tail(p) if p.returncode != 1 else ''}")
        r.check(len(keys(s3, "firehose-local/repairs/")) == 1, "... its journal under firehose-local/repairs/")
        p = firehose_local(binary, endpoint, role, "reconcile", f"s3://{BUCKET}", *WINDOW, "--json")
        r.check(p.returncode == 0, f"... and the next reconcile is clean: exit {p.returncode}")

        # 4. never a delete
        try:
            client("s3", endpoint, role).delete_object(Bucket=BUCKET, Key=lost)
            r.check(False, "the role cannot DeleteObject")
        except Exception as error:
            r.check("AccessDenied" in str(error), f"the role cannot DeleteObject ({type(error).__name__})")

        # 5. a missing permission fails
        crippled = m.role_credentials("ReconcileRoleWithoutPut", [without(d, "s3:PutObject") for d in policies])
        repaired = [k for k in keys(s3, "system-one/orders/2026/12/01/") if k != lost]
        for k in repaired:
            s3.delete_object(Bucket=BUCKET, Key=k)
        before = keys(s3)
        p = firehose_local(binary, endpoint, crippled, "reconcile", f"s3://{BUCKET}", *WINDOW, "--repair", "--json")
        text = p.stdout + p.stderr
        r.check(p.returncode == 2 and "AccessDenied" in text,
                f"without s3:PutObject the repair fails with AccessDenied (exit {p.returncode})")
        r.check(keys(s3) == before, "... and writes nothing")
    finally:
        m.stop()
    print(f"reconcile under IAM: {r.passed} passed, {r.failed} failed")
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
