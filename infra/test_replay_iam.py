#!/usr/bin/env python3
"""`firehose-local replay` under the replay role's synthesized policy, with IAM enforced.

Starts moto in server mode (moto[server], pinned in infra/check) with IAM enforcement on
(INITIAL_NO_AUTH_ACTION_COUNT: only the first requests, which create an administrator, go
unauthenticated), creates the data bucket and the Kinesis streams named as the template names
them, creates the replay role with the policy documents of the synthesized template (intrinsics
resolved), assumes it, and runs the real binary with those temporary credentials:

  1. `replay s3://BUCKET/errors/orders/processing-failed/`: outputs under system-one/orders/,
     the source moved to errors/orders/replayed/, the journal deleted; a rerun is clean;
  2. `replay ... --to kinesis:<stack>-{stream}` (the stack output ReplayKinesisTarget): the
     records are on the stream, the source moved;
  3. the same replay under the role's policy without s3:DeleteObject fails with AccessDenied
     (exit 2) and leaves the source where it was: a missing permission fails this test.

moto checks S3 calls against the object/bucket ARN, but checks Kinesis calls against the
resource "*" (it has no per-stream resource for them): for moto only, the PutRecords
statement's Resource is widened to "*" (its Action stays exact); the stream ARNs themselves are
evaluated by test/iam.test.ts.

Usage: test_replay_iam.py TEMPLATE_JSON FIREHOSE_LOCAL_BINARY
Prints "replay under IAM: N passed, N failed"; exits 1 on any failure.
"""

from __future__ import annotations

import base64
import copy
import json
import subprocess
import sys
from pathlib import Path

from moto_iam import ACCOUNT, BUCKET, REGION, ROOT, IamMoto, Results, firehose_local, keys, role_policies, stream_names, without


def for_moto(doc: dict) -> dict:
    """moto evaluates Kinesis calls against resource "*": widen only the PutRecords statement."""
    doc = copy.deepcopy(doc)
    for st in doc["Statement"]:
        if [st["Action"]] == ["kinesis:PutRecords"] or st["Action"] == ["kinesis:PutRecords"]:
            st["Resource"] = "*"
    return doc


def error_object(stream: str) -> bytes:
    lines = [l for l in (ROOT / "events/system-two" / f"{stream}.jsonl").read_text().splitlines() if l.strip()]
    out = []
    for line in lines:
        out.append(
            json.dumps(
                {
                    "attemptsMade": 4,
                    "arrivalTimestamp": 1_796_000_000_000,
                    "errorCode": "Lambda.FunctionError",
                    "errorMessage": "The Lambda function was successfully invoked but it returned an error result.",
                    "attemptEndingTimestamp": 1_796_000_060_000,
                    # as the API sends it: the event and a newline
                    "rawData": base64.b64encode((line + "\n").encode()).decode(),
                    "lambdaArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:system-one-shim-{stream}:live",
                }
            )
        )
    return ("\n".join(out) + "\n").encode()


def run(binary: str, endpoint: str, creds: dict, *args: str):
    return firehose_local(binary, endpoint, creds, "replay", *args)


def finished(p: subprocess.CompletedProcess) -> bool:
    """Exit 0, or 1 because sample records still fail (bad events on purpose), never a refusal."""
    text = p.stdout + p.stderr
    return "AccessDenied" not in text and (p.returncode == 0 or (p.returncode == 1 and "still fail" in text))


def main() -> int:
    template_path, binary = sys.argv[1], sys.argv[2]
    template = json.loads(Path(template_path).read_text())
    streams = stream_names(template)
    stack_prefix = streams[0].rsplit("-", 1)[0] if streams else ""
    policies = role_policies(template, "ReplayRole")
    r = Results()
    m = IamMoto(r, streams, for_moto)
    try:
        endpoint, s3, kinesis = m.endpoint, m.s3, m.kinesis

        replay = m.role_credentials("ReplayRole", policies)

        # 1. to S3 (the default target), twice
        source = "errors/orders/processing-failed/2026/12/04/21/orders-1-2026-12-04-21-00-00-a"
        s3.put_object(Bucket=BUCKET, Key=source, Body=error_object("orders"))
        first = run(binary, endpoint, replay, f"s3://{BUCKET}/errors/orders/processing-failed/")
        r.check(finished(first),
                f"replay to S3 under the role: exit {first.returncode} {first.stderr.strip()[-300:]}")
        after = keys(s3)
        r.check(any(k.startswith("system-one/orders/") for k in after), "System One objects written under system-one/orders/")
        r.check(source not in after and any(k.startswith("errors/orders/replayed/processing-failed/2026/12/04/21/") for k in after),
                "the source moved to errors/orders/replayed/ (PutObject, GetObject, DeleteObject)")
        r.check(not any(k.startswith("errors/replay-journal/") for k in after), "the journal deleted")
        again = run(binary, endpoint, replay, f"s3://{BUCKET}/errors/orders/processing-failed/")
        r.check(finished(again), f"a rerun under the role: exit {again.returncode}")

        # 2. back onto Kinesis
        if streams:
            source_k = "errors/customers/processing-failed/2026/12/04/21/customers-1-2026-12-04-21-00-00-b"
            s3.put_object(Bucket=BUCKET, Key=source_k, Body=error_object("customers"))
            target = f"kinesis:{stack_prefix}-{{stream}}"
            out = run(binary, endpoint, replay, f"s3://{BUCKET}/errors/customers/processing-failed/", "--to", target)
            r.check(finished(out),
                    f"replay --to {target} under the role: exit {out.returncode} {out.stderr.strip()[-300:]}")
            name = f"{stack_prefix}-customers"
            shard = kinesis.list_shards(StreamName=name)["Shards"][0]["ShardId"]
            it = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            records = kinesis.get_records(ShardIterator=it, Limit=1000)["Records"]
            r.check(len(records) > 0, f"records put on {name}: {len(records)}")
            r.check(source_k not in keys(s3, "errors/customers/processing-failed/"), "the Kinesis replay's source moved")

        # 3. a missing permission fails
        crippled = m.role_credentials("ReplayRoleWithoutDelete", [without(d, "s3:DeleteObject") for d in policies])
        source_d = "errors/orders/processing-failed/2026/12/04/22/orders-1-2026-12-04-22-00-00-c"
        s3.put_object(Bucket=BUCKET, Key=source_d, Body=error_object("orders"))
        denied = run(binary, endpoint, crippled, f"s3://{BUCKET}/errors/orders/processing-failed/2026/12/04/22/")
        r.check(denied.returncode == 2 and "AccessDenied" in denied.stdout + denied.stderr,
                f"without s3:DeleteObject the replay fails with AccessDenied (exit {denied.returncode})")
        r.check(source_d in keys(s3, "errors/orders/processing-failed/"), "... and the source stays where it was")
    finally:
        m.stop()
    print(f"replay under IAM: {r.passed} passed, {r.failed} failed")
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
