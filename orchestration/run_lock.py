"""One run at a time builds and publishes a warehouse, whatever started it (command line, sensor, schedule, UI).

The run itself claims the warehouse when it starts extracting, by writing its run id to
``<warehouse>.publishing``, and lets go when its publication step ends. A claim is only
as good as its run: once that run has finished in Dagster (succeeded, failed, or was
marked failed after being killed), the claim is void. A second run waits for the first
before extracting, so it never builds the same candidate.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

WAIT_SECONDS = 2.0  # between two looks at a claim held by another live run


class WarehouseBusy(RuntimeError):
    """Another live run holds the warehouse where waiting is not possible."""


def claim_path(published: Path) -> Path:
    return published.with_name(published.name + ".publishing")


@contextmanager
def _exclusive(published: Path):
    """A short critical section around reading and writing the claim."""
    guard = published.with_name(published.name + ".publishing.lock")
    guard.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(guard, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _alive(claim: dict, instance) -> bool:
    """The claiming run is still in progress (in this Dagster instance, or, unknown to it, its process lives)."""
    import dagster as dg

    run = instance.get_run_by_id(claim.get("run_id", "")) if instance is not None else None
    if run is not None:
        return run.status in (
            dg.DagsterRunStatus.NOT_STARTED,
            dg.DagsterRunStatus.STARTING,
            dg.DagsterRunStatus.STARTED,
            dg.DagsterRunStatus.CANCELING,
        )
    try:
        os.kill(int(claim.get("pid", 0)), 0)
    except (OSError, ValueError):
        return False
    return bool(claim.get("pid"))


def holder(published: Path, run_id: str, instance) -> str | None:
    """The id of another live run holding the warehouse, or None after claiming it for ``run_id``."""
    path = claim_path(published)
    with _exclusive(published):
        claim = _read(path)
        if claim and claim.get("run_id") != run_id and _alive(claim, instance):
            return claim["run_id"]
        path.write_text(json.dumps({"run_id": run_id, "pid": os.getpid()}), "utf-8")
        return None


def claim(published: Path, run_id: str, instance, log) -> None:
    """Wait until no other live run holds the warehouse, then hold it for this run."""
    announced = None
    while (other := holder(published, run_id, instance)) is not None:
        if other != announced:
            log.warning(f"waiting: run {other} is building and publishing {published}")
            announced = other
        time.sleep(WAIT_SECONDS)


def claim_now(published: Path, run_id: str, instance) -> None:
    """Hold the warehouse for this run, or refuse (a step that holds a pool slot must not wait)."""
    other = holder(published, run_id, instance)
    if other is not None:
        raise WarehouseBusy(f"run {other} is building and publishing {published}; this run builds nothing")


def release(published: Path, run_id: str) -> None:
    path = claim_path(published)
    with _exclusive(published):
        claim = _read(path)
        if claim and claim.get("run_id") == run_id:
            path.unlink(missing_ok=True)
