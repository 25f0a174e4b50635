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
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"
REGION = "us-east-1"
BUCKET = "replay-data"
SETUP_ACTIONS = 3  # CreateUser, PutUserPolicy, CreateAccessKey of the administrator


class Results:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str) -> None:
        if ok:
            self.passed += 1
            print(f"  ok   {what}")
        else:
            self.failed += 1
            print(f"  FAIL {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(port: int) -> subprocess.Popen:
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP_ACTIONS)}
    server = Path(sys.executable).parent / "moto_server"
    proc = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("moto_server did not start")


def client(service: str, endpoint: str, creds: dict):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        **creds,
    )


def resolver(resources: dict):
    """Ref / GetAtt / Join as CloudFormation would resolve them here."""

    def name_of(logical_id: str) -> str:
        r = resources[logical_id]
        if r["Type"] == "AWS::S3::Bucket":
            return BUCKET
        if r["Type"] == "AWS::Kinesis::Stream":
            return r["Properties"]["Name"]
        return logical_id

    def resolve(v):
        if isinstance(v, list):
            return [resolve(x) for x in v]
        if isinstance(v, dict):
            if "Ref" in v:
                pseudo = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::URLSuffix": "amazonaws.com"}
                return pseudo.get(v["Ref"]) or name_of(v["Ref"])
            if "Fn::GetAtt" in v:
                logical_id, attr = v["Fn::GetAtt"]
                kind = resources[logical_id]["Type"]
                assert attr == "Arn", v
                if kind == "AWS::S3::Bucket":
                    return f"arn:aws:s3:::{BUCKET}"
                if kind == "AWS::Kinesis::Stream":
                    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name_of(logical_id)}"
                raise ValueError(f"GetAtt {logical_id} ({kind})")
            if "Fn::Join" in v:
                sep, parts = v["Fn::Join"]
                return sep.join(resolve(parts))
            return {k: resolve(x) for k, x in v.items()}
        return v

    return resolve


def replay_policies(template: dict) -> list[dict]:
    resources = template["Resources"]
    role = next(k for k, r in resources.items() if k.startswith("ReplayRole") and r["Type"] == "AWS::IAM::Role")
    resolve = resolver(resources)
    docs = [
        resolve(r["Properties"]["PolicyDocument"])
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy" and {"Ref": role} in r["Properties"]["Roles"]
    ]
    assert docs, "the replay role has a policy"
    return docs


def for_moto(doc: dict) -> dict:
    """moto evaluates Kinesis calls against resource "*": widen only the PutRecords statement."""
    doc = copy.deepcopy(doc)
    for st in doc["Statement"]:
        if [st["Action"]] == ["kinesis:PutRecords"] or st["Action"] == ["kinesis:PutRecords"]:
            st["Resource"] = "*"
    return doc


def without(doc: dict, action: str) -> dict:
    doc = copy.deepcopy(doc)
    for st in doc["Statement"]:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        st["Action"] = [a for a in actions if a != action] or ["s3:GetBucketTagging"]
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


def keys(s3, prefix: str = "") -> list[str]:
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        found += [o["Key"] for o in page.get("Contents", [])]
    return sorted(found)


def run(binary: str, endpoint: str, creds: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_REGION=REGION,
        AWS_ACCESS_KEY_ID=creds["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=creds["aws_secret_access_key"],
        AWS_SESSION_TOKEN=creds["aws_session_token"],
        AWS_CONFIG_FILE="/nonexistent/config",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent/credentials",
        AWS_EC2_METADATA_DISABLED="true",
    )
    return subprocess.run([binary, "replay", *args], env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)


def finished(p: subprocess.CompletedProcess) -> bool:
    """Exit 0, or 1 because sample records still fail (bad events on purpose), never a refusal."""
    text = p.stdout + p.stderr
    return "AccessDenied" not in text and (p.returncode == 0 or (p.returncode == 1 and "still fail" in text))


def main() -> int:
    template_path, binary = sys.argv[1], sys.argv[2]
    template = json.loads(Path(template_path).read_text())
    streams = sorted(r["Properties"]["Name"] for r in template["Resources"].values() if r["Type"] == "AWS::Kinesis::Stream")
    stack_prefix = streams[0].rsplit("-", 1)[0] if streams else ""
    policies = replay_policies(template)
    r = Results()
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    moto = start_moto(port)
    try:
        anon = {"aws_access_key_id": "setup", "aws_secret_access_key": "setup"}
        iam0 = client("iam", endpoint, anon)
        iam0.create_user(UserName="admin")
        iam0.put_user_policy(
            UserName="admin",
            PolicyName="all",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )
        key = iam0.create_access_key(UserName="admin")["AccessKey"]
        admin = {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}
        iam, s3, kinesis, sts = (client(s, endpoint, admin) for s in ("iam", "s3", "kinesis", "sts"))

        # IAM is enforced from here on: an unknown key is refused.
        try:
            client("s3", endpoint, anon).list_buckets()
            r.check(False, "moto enforces IAM (an unknown key is refused)")
        except Exception:
            r.check(True, "moto enforces IAM (an unknown key is refused)")

        s3.create_bucket(Bucket=BUCKET)
        for name in streams:
            kinesis.create_stream(StreamName=name, ShardCount=1)

        def role_credentials(name: str, docs: list[dict]) -> dict:
            # moto matches the trust principal literally (not the account root): trust the admin
            trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"}, "Action": "sts:AssumeRole"}]}
            arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
            for i, doc in enumerate(docs):
                iam.put_role_policy(RoleName=name, PolicyName=f"p{i}", PolicyDocument=json.dumps(for_moto(doc)))
            c = sts.assume_role(RoleArn=arn, RoleSessionName="replay")["Credentials"]
            return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"], "aws_session_token": c["SessionToken"]}

        replay = role_credentials("ReplayRole", policies)

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
        crippled = role_credentials("ReplayRoleWithoutDelete", [without(d, "s3:DeleteObject") for d in policies])
        source_d = "errors/orders/processing-failed/2026/12/04/22/orders-1-2026-12-04-22-00-00-c"
        s3.put_object(Bucket=BUCKET, Key=source_d, Body=error_object("orders"))
        denied = run(binary, endpoint, crippled, f"s3://{BUCKET}/errors/orders/processing-failed/2026/12/04/22/")
        r.check(denied.returncode == 2 and "AccessDenied" in denied.stdout + denied.stderr,
                f"without s3:DeleteObject the replay fails with AccessDenied (exit {denied.returncode})")
        r.check(source_d in keys(s3, "errors/orders/processing-failed/"), "... and the source stays where it was")
    finally:
        moto.terminate()
        moto.wait(timeout=10)
    print(f"replay under IAM: {r.passed} passed, {r.failed} failed")
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
