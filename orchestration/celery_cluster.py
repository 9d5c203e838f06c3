"""A local Celery cluster for the distributed extraction: one Redis broker and two workers.

    python -m orchestration.celery_cluster start [FOLDER]   # prints the broker URL to export
    python -m orchestration.celery_cluster stop [FOLDER]

Redis (Debian's redis-server) listens on a free localhost port and keeps its files in the
cluster's folder; the workers are plain ``celery -A dagster_celery.app worker`` processes that
read the broker from a ``dagster_celery_config`` module there, as ``dagster-celery worker start``
arranges. What was started is written to ``cluster.json``, so ``stop`` ends exactly those
processes, by their ids. On a real cluster the broker is a shared service and each machine
starts its own workers with the same command.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .warehouse import REPO_ROOT

DEFAULT_FOLDER = REPO_ROOT / ".celery_cluster"
BROKER_ENV = "BUDGET_CELERY_BROKER"  # redis://host:port/0 of the cluster's broker (also its result backend)
WORKERS = 2
STATE_FILE = "cluster.json"
CONFIG_MODULE = "dagster_celery_config"  # the module dagster_celery.app reads its settings from
# Generous: on a loaded machine a worker takes several seconds to import Dagster and the parser.
START_TIMEOUT_SECONDS = 180
# A worker told to stop finishes its current step first; a batch of documents takes well under this.
STOP_TIMEOUT_SECONDS = 120
POLL_SECONDS = 0.5


class ClusterError(RuntimeError):
    """The cluster could not be started (no redis-server, a process that died at start)."""


@dataclass
class Cluster:
    folder: str
    broker_url: str
    redis_pid: int
    worker_pids: list[int]
    worker_names: list[str]


def redis_server() -> str | None:
    return shutil.which("redis-server") or next((p for p in ["/usr/bin/redis-server"] if Path(p).exists()), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(ready, what: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not ready():
        dead = [p for p in processes if p.poll() is not None]
        if dead:
            raise ClusterError(f"{what}: a process ended at start (exit code {dead[0].returncode}); see its log")
        if time.monotonic() > deadline:
            raise ClusterError(f"{what}: not ready after {START_TIMEOUT_SECONDS} s")
        time.sleep(POLL_SECONDS)


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.exceptions.ConnectionError:
        return False


def _start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    server = redis_server()
    if server is None:
        raise ClusterError("redis-server is not installed (Debian package redis-server; scripts/setup.sh)")
    port = free_port()
    data = folder / "redis"
    data.mkdir(parents=True, exist_ok=True)
    # No snapshots and no append-only file: the broker holds only the tasks of running jobs.
    args = [server, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data), "--save", "", "--appendonly", "no"]
    with open(folder / "redis.log", "ab") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    _wait_until(lambda: _redis_answers(url), "redis-server", [process])
    return process, url


def write_worker_config(folder: Path, broker_url: str) -> Path:
    """The settings module the workers import (broker and result backend), as dagster-celery's CLI writes it."""
    config_dir = folder / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / f"{CONFIG_MODULE}.py").write_text(
        f"broker_url = {broker_url!r}\nresult_backend = {broker_url!r}\nworker_prefetch_multiplier = 1\n"
    )
    return config_dir


def _start_worker(folder: Path, config_dir: Path, name: str) -> subprocess.Popen:
    env = dict(os.environ)
    # The Dagster instance the runs write to: the command line's default when none is set (orchestration/run.py).
    env.setdefault("DAGSTER_HOME", str(REPO_ROOT / ".dagster_home"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(config_dir), str(REPO_ROOT), env.get("PYTHONPATH")] if p)
    # solo pool: the worker runs one step at a time in its own process (its pid is the one recorded).
    args = [sys.executable, "-m", "celery", "-A", "dagster_celery.app", "worker", "-n", name, "--pool=solo"]
    args += ["--loglevel=INFO", "-Q", "dagster"]
    with open(folder / f"{name.split('@')[0]}.log", "ab") as log:
        return subprocess.Popen(
            args, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def _workers_answer(broker_url: str, names: list[str]) -> bool:
    from celery import Celery

    app = Celery("ping", broker=broker_url, backend=broker_url)
    try:
        replies = app.control.ping(destination=names, timeout=1.0)
    finally:
        app.close()
    return {name for reply in replies for name in reply} >= set(names)


def start(folder: Path = DEFAULT_FOLDER, workers: int = WORKERS) -> Cluster:
    """Start Redis and the workers, and return once every worker answers through the broker."""
    folder = Path(folder).resolve()
    if running(folder) is not None:
        raise ClusterError(f"a cluster is already running in {folder} (stop it first)")
    folder.mkdir(parents=True, exist_ok=True)
    redis_process, broker_url = _start_redis(folder)
    started = [redis_process]
    try:
        config_dir = write_worker_config(folder, broker_url)
        names = [f"extract{number}@{socket.gethostname()}" for number in range(1, workers + 1)]
        worker_processes = [_start_worker(folder, config_dir, name) for name in names]
        started += worker_processes
        cluster = Cluster(str(folder), broker_url, redis_process.pid, [p.pid for p in worker_processes], names)
        (folder / STATE_FILE).write_text(json.dumps(asdict(cluster), indent=1))
        _wait_until(lambda: _workers_answer(broker_url, names), "celery workers", worker_processes)
    except BaseException:
        _end([p.pid for p in reversed(started)])
        (folder / STATE_FILE).unlink(missing_ok=True)
        raise
    return cluster


def running(folder: Path = DEFAULT_FOLDER) -> Cluster | None:
    state = Path(folder) / STATE_FILE
    if not state.exists():
        return None
    cluster = Cluster(**json.loads(state.read_text()))
    return cluster if is_cluster_process(cluster.redis_pid) else None


def is_cluster_process(pid: int) -> bool:
    """The pid is still one of the processes we started (a redis-server or a celery worker), not a reused id."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return b"redis-server" in command or b"celery" in command


def _end(pids: list[int]) -> None:
    """SIGTERM (a worker finishes its current step), then SIGKILL whatever is left after the timeout."""
    for pid in pids:
        if is_cluster_process(pid):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for pid in pids:
        while is_cluster_process(pid) and _alive(pid) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        if is_cluster_process(pid) and _alive(pid):
            os.kill(pid, signal.SIGKILL)
        _reap(pid)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"  # a zombie has ended
    except OSError:
        return False


def _reap(pid: int) -> None:
    """Collect the exit status when the process is our child (started by start() in this process)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop(folder: Path = DEFAULT_FOLDER) -> bool:
    """Stop the workers first (each finishes its step), then the broker; False when nothing was running."""
    state = Path(folder) / STATE_FILE
    if not state.exists():
        return False
    cluster = Cluster(**json.loads(state.read_text()))
    _end(cluster.worker_pids)
    _end([cluster.redis_pid])
    state.unlink()
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.celery_cluster", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER), help="where the cluster keeps its files")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    if args.action == "start":
        try:
            cluster = start(folder)
        except ClusterError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(f"redis pid {cluster.redis_pid}, workers {', '.join(cluster.worker_names)} (pids {cluster.worker_pids})")
        print(f"export {BROKER_ENV}={cluster.broker_url}")
        return 0
    if args.action == "stop":
        print("stopped" if stop(folder) else f"no cluster in {folder}")
        return 0
    cluster = running(folder)
    print(json.dumps(asdict(cluster), indent=1) if cluster else f"no cluster running in {folder}")
    return 0 if cluster else 1


if __name__ == "__main__":
    sys.exit(main())
