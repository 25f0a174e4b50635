"""What the two IAM-enforced moto tests (test_replay_iam.py, test_reconcile_iam.py) share: moto
in server mode with IAM enforced, an administrator, the stack's bucket and streams, a role made
from the synthesized template's policy documents (intrinsics resolved) and assumed, and the real
firehose-local run with that role's temporary credentials and nothing else of the environment.

moto matches a trust policy's principal literally (an account root does not delegate to IAM
policies there, as it does in AWS): the roles made here trust the administrator by name.
"""

from __future__ import annotations

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


def role_policies(template: dict, role_prefix: str) -> list[dict]:
    """The policy documents attached to the template's role whose logical id starts with
    `role_prefix`, resolved."""
    resources = template["Resources"]
    role = next(k for k, r in resources.items() if k.startswith(role_prefix) and r["Type"] == "AWS::IAM::Role")
    resolve = resolver(resources)
    docs = [
        resolve(r["Properties"]["PolicyDocument"])
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy" and {"Ref": role} in r["Properties"]["Roles"]
    ]
    assert docs, f"the {role_prefix} has a policy"
    return docs


def stream_names(template: dict) -> list[str]:
    return sorted(r["Properties"]["Name"] for r in template["Resources"].values() if r["Type"] == "AWS::Kinesis::Stream")


def without(doc: dict, action: str) -> dict:
    doc = copy.deepcopy(doc)
    for st in doc["Statement"]:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        st["Action"] = [a for a in actions if a != action] or ["s3:GetBucketTagging"]
    return doc


def keys(s3, prefix: str = "") -> list[str]:
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        found += [o["Key"] for o in page.get("Contents", [])]
    return sorted(found)


def firehose_local(binary: str, endpoint: str, creds: dict, *args: str) -> subprocess.CompletedProcess:
    """The real binary with `creds` and this moto, and no other AWS setting of the environment."""
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
    return subprocess.run([binary, *args], env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)


class IamMoto:
    """moto with IAM enforced after the administrator's setup, the bucket and `streams` made;
    `r` records that an unknown key is refused; `for_moto` adapts a policy document to what moto
    can evaluate (the test says how and why). Stop it with `stop()`."""

    def __init__(self, r: Results, streams: list[str], for_moto) -> None:
        self.for_moto = for_moto
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self.process = start_moto(port)
        anon = {"aws_access_key_id": "setup", "aws_secret_access_key": "setup"}
        iam0 = client("iam", self.endpoint, anon)
        iam0.create_user(UserName="admin")
        everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        iam0.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=json.dumps(everything))
        key = iam0.create_access_key(UserName="admin")["AccessKey"]
        admin = {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}
        self.iam, self.s3, self.kinesis, self.sts = (client(s, self.endpoint, admin) for s in ("iam", "s3", "kinesis", "sts"))
        # IAM is enforced from here on: an unknown key is refused.
        try:
            client("s3", self.endpoint, anon).list_buckets()
            r.check(False, "moto enforces IAM (an unknown key is refused)")
        except Exception:
            r.check(True, "moto enforces IAM (an unknown key is refused)")
        self.s3.create_bucket(Bucket=BUCKET)
        for name in streams:
            self.kinesis.create_stream(StreamName=name, ShardCount=1)

    def role_credentials(self, name: str, docs: list[dict]) -> dict:
        """A role `name` with `docs` (adapted for moto) as its policies, assumed."""
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"}, "Action": "sts:AssumeRole"}]}
        arn = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        for i, doc in enumerate(docs):
            self.iam.put_role_policy(RoleName=name, PolicyName=f"p{i}", PolicyDocument=json.dumps(self.for_moto(doc)))
        c = self.sts.assume_role(RoleArn=arn, RoleSessionName=name)["Credentials"]
        return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"], "aws_session_token": c["SessionToken"]}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
