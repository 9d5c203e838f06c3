"""A Dagster webserver serving the code location for a test, asked through its GraphQL."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Loading the code location (dbt manifest included) takes long on a loaded 2-core machine.
SERVE_TIMEOUT_SECONDS = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["data"]


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int, ready_query: str) -> Iterator[dict]:
    """Start `command` (dagster dev or dagster-webserver on `port`); yield the first answer listing assets."""
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT_SECONDS
        while True:
            try:
                data = graphql(port, ready_query)
                if data["assetNodes"]:
                    break
            except Exception:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{Path(command[0]).name} did not serve the code location in time")
            time.sleep(2)
        yield data
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a slow shutdown on a loaded machine is not the test's failure
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
