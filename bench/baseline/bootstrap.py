#!/usr/bin/env python3
"""The Python baseline as a Lambda custom runtime (`bootstrap`), so that `bench/run` can run it as
a process under the same local Runtime API as the Rust functions: the loop a Python runtime
runs (GET the next event, `json.loads`, `handler.lambda_handler`, `json.dumps`, POST the
response), standard library only, one keep-alive connection as the Rust runtime's client keeps.
"""

import http.client
import json
import os
import sys

sys.dont_write_bytecode = True  # leaves no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import handler  # noqa: E402

BASE = "/2018-06-01/runtime/invocation"


def main():
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port))
    while True:
        connection.request("GET", f"{BASE}/next")
        reply = connection.getresponse()
        event = reply.read()
        request_id = reply.getheader("Lambda-Runtime-Aws-Request-Id")
        try:
            body = json.dumps(handler.lambda_handler(json.loads(event)), separators=(",", ":")).encode()
            path = f"{BASE}/{request_id}/response"
        except Exception as error:  # noqa: BLE001 - reported to the runtime, as Lambda's own runtime does
            body = json.dumps({"errorMessage": str(error), "errorType": type(error).__name__}).encode()
            path = f"{BASE}/{request_id}/error"
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        connection.getresponse().read()


if __name__ == "__main__":
    main()
