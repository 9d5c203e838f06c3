"""The main job from the command line: extract every document of raw/, rebuild, check, publish.

    python -m orchestration.run            # the README's run command calls this
    python -m orchestration.run --celery   # extraction on the Celery workers of $BUDGET_CELERY_BROKER

Runs the same Dagster job the nightly schedule runs: the run is created from the
code location the UI serves (scripts/ui.sh), in the persistent instance in
DAGSTER_HOME, so it shows on the UI's Overview, the job's page and each asset;
it executes in this process, printing progress, then a summary that is also
saved beside the warehouse (<name>.summary.txt and .json). Exit codes: 0 published; 3 published, but some documents
were quarantined or held (their new facts not published); 1 nothing published
(the previous warehouse is untouched); 2 set-up error. When nothing changed since the last
publication (orchestration/up_to_date.py lists the inputs compared) the run says so, rebuilds
nothing and ends with that publication's exit code; --rebuild rebuilds all the same.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .celery_cluster import BROKER_ENV
from .event_log import EVENTS_PER_BATCH
from .warehouse import RAW_DIR_ENV, REPO_ROOT, WAREHOUSE_ENV

EXIT_NOT_PUBLISHED, EXIT_SETUP = 1, 2
RUN_TAG, RUN_TAG_VALUE = "budget/launched_by", "orchestration.run"
LOCATION_MODULE = "orchestration.definitions"  # the code location's module, as scripts/ui.sh serves it
# A run over a range of partitions records its plan as one event (Dagster's default is one per partition:
# ~18 ms each in the SQLite event log, minutes at 10,000 documents). The cost: a run that fails does not
# mark its partitions failed in the UI; the run itself shows failed, and every document's outcome is in
# the warehouse's document_status and the run's summary. scripts/ui.sh sets the same for scheduled runs.
PLANNED_EVENTS_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
# A run's partition materialisations reach the event log in batches (written as one transaction each by
# orchestration/event_log.py), not one by one.
EVENT_BATCH_ENV = "DAGSTER_EVENT_BATCH_SIZE"


def ensure_dagster_home() -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    ours = REPO_ROOT / "orchestration" / "dagster.yaml"
    # Our settings (one-slot DuckDB pool, run monitoring) follow the repository's copy; a hand-written file is kept.
    if not config.exists() or (
        config.read_text() != ours.read_text() and config.read_text().startswith(ours.read_text().splitlines()[0])
    ):
        shutil.copy(ours, config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def hold_run_lock(lock: Path) -> int:
    """One command-line run at a time per warehouse and per Dagster instance: an exclusive lock.

    Taken on ``<warehouse>.lock`` and ``$DAGSTER_HOME/orchestration.run.lock``. The kernel
    drops it when the process ends, however it ends (even by SIGKILL), so holding it also
    proves that every earlier command-line run on this instance is over.
    """
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"waiting: another run holds {lock}", flush=True)
        fcntl.flock(fd, fcntl.LOCK_EX)
    return fd  # kept open (and locked) until the process exits


def release_dead_runs(instance) -> list[str]:
    """Mark failed the earlier command-line runs that never finished (their process was killed).

    Called with the run lock held, so none of them is alive. Their claims on the one-slot
    DuckDB pool are freed too: otherwise the next run would wait for that slot forever.
    """
    import dagster as dg

    unfinished = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED],
            tags={RUN_TAG: RUN_TAG_VALUE},
        )
    )
    for run in unfinished:
        instance.report_run_failed(
            run, "its process ended without finishing the run (killed); marked failed by the next run"
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return [run.run_id for run in unfinished]


def sync_partitions(instance, keys: list[str]) -> list[str]:
    """Partitions = the safe document ids in raw/ now; returns the ones dropped because their file left."""
    from .defs.partitions import document_partitions

    name = document_partitions.name
    known = instance.get_dynamic_partitions(name)
    new = [k for k in keys if k not in set(known)]
    gone = [k for k in known if k not in set(keys)]
    if new:
        instance.add_dynamic_partitions(name, new)
    for key in gone:
        instance.delete_dynamic_partition(name, key)
    return gone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-dir", help="folder of raw documents (default: raw/ or $BUDGET_RAW_DIR)")
    parser.add_argument(
        "--warehouse", help="published warehouse file (default: $BUDGET_WAREHOUSE or warehouse/budget.duckdb)"
    )
    parser.add_argument("--verbose", action="store_true", help="show every Dagster event")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="all or nothing: a document held by the gate blocks the whole publication (also BUDGET_STRICT=1)",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="rebuild and publish even when nothing changed since the last publication",
    )
    parser.add_argument(
        "--celery",
        action="store_true",
        help="extract on the Celery workers of $BUDGET_CELERY_BROKER (scripts/celery_cluster.sh), then rebuild here",
    )
    args = parser.parse_args(argv)
    if args.celery and not os.environ.get(BROKER_ENV):
        print(f"error: --celery needs {BROKER_ENV} (scripts/celery_cluster.sh start prints it)", file=sys.stderr)
        return EXIT_SETUP
    if args.strict:
        os.environ["BUDGET_STRICT"] = "1"
    # The flags stand for the environment variables the definitions read (orchestration/defs/resources.py).
    if args.raw_dir:
        os.environ[RAW_DIR_ENV] = str(Path(args.raw_dir).resolve())
    if args.warehouse:
        os.environ[WAREHOUSE_ENV] = str(Path(args.warehouse).resolve())

    problem = setup_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_SETUP
    home = ensure_dagster_home()
    os.environ.setdefault(PLANNED_EVENTS_ENV, "1")
    os.environ.setdefault(EVENT_BATCH_ENV, str(EVENTS_PER_BATCH))
    import warnings

    import dagster as dg

    for category in (dg.BetaWarning, dg.PreviewWarning):
        warnings.filterwarnings("ignore", category=category)

    from .defs.project import prepare_outside_dev
    from .defs.resources import WarehouseResource
    from .warehouse import warehouse_path

    # The dbt manifest the definitions are read from, parsed with the vars this run's dbt build passes.
    prepare_outside_dev(WarehouseResource(warehouse=str(warehouse_path())).dbt_build_args())
    # Executed here as Dagster's run worker executes a launched run.
    from dagster._core.execution.api import execute_run
    from dagster._utils.hosted_user_process import recon_job_from_origin

    from .defs.assets.dbt import budget_dbt_models
    from .defs.jobs import rebuild_warehouse_job
    from .defs.schedules import full_range_tags
    from .documents import scan_raw_dir
    from .extraction_worker import stored_result
    from .progress import RunProgress
    from .quality.gate import load_suites
    from .summary import print_summary, summarise_no_run, summarise_up_to_date
    from .up_to_date import inputs_fingerprint, record_publication, unchanged_publication
    from .warehouse import candidate_path, raw_dir_path, reviewed_file, store_root, warehouse_path

    folder = raw_dir_path()
    files = scan_raw_dir(folder)
    if not folder.exists():
        print(f"error: raw folder {folder} does not exist", file=sys.stderr)
        return EXIT_SETUP
    keys = [f.document_id for f in files if not f.refused]
    published = warehouse_path()
    hold_run_lock(published.with_name(published.name + ".lock"))
    hold_run_lock(home / "orchestration.run.lock")
    instance = dg.DagsterInstance.get()
    for run_id in release_dead_runs(instance):
        print(f"note: run {run_id} was killed before it finished; the published warehouse was not touched by it")
    gone = sync_partitions(instance, keys)
    for key in gone:
        print(f"note: {key} is no longer in {folder}; its facts leave the warehouse in this run")
    if not keys:
        print(f"error: no readable documents in {folder}", file=sys.stderr)
        return summarise_no_run(published, f"no readable documents in {folder}")
    ordered = [k for k in instance.get_dynamic_partitions("document") if k in set(keys)]
    started = time.monotonic()
    by_key = {f.document_id: f for f in files}
    to_extract = [k for k in ordered if stored_result(by_key[k], str(store_root(published))) is None]
    fingerprint = inputs_fingerprint(files, reviewed_file())
    # A candidate left by a killed run means the last rebuild never finished: this run completes it.
    interrupted = candidate_path(published).exists()
    last = None if to_extract or args.rebuild or interrupted else unchanged_publication(published, fingerprint)
    if last is not None:
        return summarise_up_to_date(
            published, time.monotonic() - started, last.published_at, last.run_id, last.exit_code
        )
    before = _identity(published)
    candidate_before = _identity(candidate_path(published))
    print(
        f"Rebuilding {published} from {len(keys)} documents in {folder} ({len(to_extract)} to extract) ...",
        flush=True,
    )
    # Quiet by default: the progress lines and the summary; --verbose shows Dagster's own event log
    # and dbt's output, which otherwise go to the run log file beside the warehouse.
    log_level = "DEBUG" if args.verbose else "CRITICAL"
    os.environ.setdefault("DBT_USE_COLORS", "false")  # the run log is read as text, not on a terminal
    terminal = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)  # fd 1 goes to the run log meanwhile
    if args.celery:
        with _stdout_to(None if args.verbose else run_log_path(published)):
            extracted = extract_on_celery(instance, log_level)
        if not extracted:
            print("error: the extraction on the Celery workers failed; nothing published", file=sys.stderr)
            return EXIT_NOT_PUBLISHED
        # After an extraction on the workers every document is found unchanged below and reused.
    with code_location_workspace(instance) as workspace:
        run = create_run(
            instance,
            workspace,
            rebuild_warehouse_job.name,
            tags={**full_range_tags(extraction_range(ordered, to_extract)), RUN_TAG: RUN_TAG_VALUE},
            run_config={
                "execution": {"config": {"in_process": {}}},
                "loggers": {"console": {"config": {"log_level": log_level}}},
            },
        )
        print(f"Dagster run {run.run_id} of {run.job_name} in code location {LOCATION_MODULE}", flush=True)
        print(f"  (with scripts/ui.sh running: {ui_address()}/runs/{run.run_id})", flush=True)
        dbt_models = {tuple(key.path) for key in budget_dbt_models.keys}
        progress = RunProgress(instance, run.run_id, terminal, dbt_models, len(load_suites()))
        progress.start()
        try:
            with _stdout_to(None if args.verbose else run_log_path(published)):
                result = execute_run(recon_job_from_origin(run.job_code_origin), run, instance)
        finally:
            progress.stop()
            terminal.close()
    if not args.verbose:
        strip_colours(run_log_path(published))
    after = _identity(published)
    # What happened to the published file, by this run: another run may have replaced it meanwhile.
    was_published = published_by(result) and after is not None and after != before
    candidate_after = _identity(candidate_path(published))
    code = print_summary(
        published,
        was_published,
        result,
        time.monotonic() - started,
        replaced_by_other=not was_published and after != before,
        candidate_is_ours=built_candidate(result)
        and candidate_after is not None
        and candidate_after != candidate_before,
        run_id=run.run_id,
    )
    if was_published:
        record_publication(published, fingerprint, run.run_id, code)
    if not args.verbose:
        print(f"Run log (dbt and Dagster output): {run_log_path(published)}")
    return code


def extraction_range(ordered: list[str], to_extract: list[str]) -> list[str]:
    """The run's partitions: from the first to the last document to extract, in partition order.

    Unchanged documents outside it are not in the run (no planned or materialisation event each:
    ~10-30 ms apiece in Dagster's SQLite event log); inside it they are reused. With none to extract
    the run still rebuilds, from the first partition (reused).
    """
    if not to_extract:
        return ordered[:1]
    needed = set(to_extract)
    positions = [number for number, key in enumerate(ordered) if key in needed]
    return ordered[positions[0] : positions[-1] + 1]


@contextmanager
def code_location_workspace(instance):
    """The code location scripts/ui.sh serves (same module, so the same location name), loaded in this process.

    A run created from it carries the location's origin, so the UI lists it on the Overview, the
    job's page and each asset, as it does a scheduled run.
    """
    import dagster as dg
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget, ModuleTarget

    [origin] = ModuleTarget(LOCATION_MODULE, None, str(REPO_ROOT), None).create_origins()
    target = InProcessWorkspaceLoadTarget(
        InProcessCodeLocationOrigin(origin.loadable_target_origin, location_name=origin.location_name)
    )
    with WorkspaceProcessContext(instance, target, version=dg.__version__) as process_context:
        yield process_context.create_request_context()


def create_run(instance, workspace, job_name: str, tags: dict[str, str], run_config: dict):
    """Create the job's run from the code location, as `dagster job launch` does (but not queued).

    The run is then executed in this process rather than handed to the queue: the queue needs the
    daemon (running only under scripts/ui.sh), and a run executed here ends with this process, so
    killing the command line never leaves a run working on the warehouse behind it.
    """
    from dagster._core.definitions.selector import JobSubsetSelector

    location = workspace.get_code_location(LOCATION_MODULE)
    [repository] = location.get_repositories().values()
    remote_job = location.get_job(
        JobSubsetSelector(
            location_name=location.name, repository_name=repository.name, job_name=job_name, op_selection=None
        )
    )
    plan = location.get_execution_plan(
        remote_job, run_config, step_keys_to_execute=None, known_state=None, instance=instance
    ).execution_plan_snapshot
    return instance.create_run(
        job_name=job_name,
        run_id=None,
        run_config=run_config,
        resolved_op_selection=None,
        step_keys_to_execute=plan.step_keys_to_execute,
        op_selection=None,
        status=None,
        root_run_id=None,
        parent_run_id=None,
        tags={**remote_job.tags, **tags},
        job_snapshot=remote_job.job_snapshot,
        execution_plan_snapshot=plan,
        parent_job_snapshot=remote_job.parent_job_snapshot,
        remote_job_origin=remote_job.get_remote_origin(),
        job_code_origin=remote_job.get_python_origin(),
        asset_selection=None,
        asset_check_selection=None,
        asset_graph=repository.asset_graph,
    )


def ui_address() -> str:
    """Where scripts/ui.sh serves the UI (its DAGSTER_HOST and DAGSTER_PORT, else its defaults)."""
    return f"http://{os.environ.get('DAGSTER_HOST', '127.0.0.1')}:{os.environ.get('DAGSTER_PORT', '3000')}"


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_colours(log: Path) -> None:
    """The run log without terminal colour codes (whatever tool printed them), replaced atomically."""
    try:
        text = log.read_text("utf-8", errors="replace")
    except FileNotFoundError:
        return
    if "\x1b[" not in text:
        return
    plain = log.with_name(log.name + ".tmp")
    plain.write_text(ANSI_ESCAPE.sub("", text), encoding="utf-8")
    plain.replace(log)


def extract_on_celery(instance, log_level: str) -> bool:
    """Run the extraction job on the Celery cluster (the same code location, loaded by each worker)."""
    import warnings

    import dagster as dg
    from dagster._core.definitions.reconstruct import ReconstructableRepository

    from .defs.distributed_extraction import CELERY_JOB
    from .warehouse import raw_dir_path, warehouse_path

    # dagster-celery registers its one task again at each submission; Celery warns, and the first one is used.
    warnings.filterwarnings("ignore", message="Task name 'execute_plan' is already registered")
    broker = os.environ[BROKER_ENV]
    job = ReconstructableRepository.for_module(
        "orchestration.definitions", "defs", working_directory=str(REPO_ROOT)
    ).get_reconstructable_job(CELERY_JOB)
    run_config = {
        "execution": {"config": {"broker": broker, "backend": broker}},
        # Paths as this process resolved them: a worker need not have the same environment variables.
        "resources": {"warehouse": {"config": {"raw_dir": str(raw_dir_path()), "warehouse": str(warehouse_path())}}},
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }
    return dg.execute_job(job, instance, run_config=run_config, tags={RUN_TAG: RUN_TAG_VALUE}).success


def run_log_path(published: Path) -> Path:
    return published.parent / (published.stem + ".run.log")


RUN_LOGS_KEPT = 5  # budget.run.log is this run's; .1 the one before, up to .5


def rotate_run_logs(log: Path) -> None:
    """Each run its own log: the earlier ones are renamed, never truncated (a killed run's log stays)."""
    for number in range(RUN_LOGS_KEPT - 1, 0, -1):
        older = log.with_name(f"{log.name}.{number}")
        if older.exists():
            older.replace(log.with_name(f"{log.name}.{number + 1}"))
    if log.exists():
        log.replace(log.with_name(f"{log.name}.1"))


def setup_problem() -> str | None:
    """One line naming the path and the cause when a configured path cannot be used, else None."""
    from .warehouse import raw_dir_path, warehouse_path

    home = Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster_home")
    for what, folder in (("warehouse", warehouse_path().parent), ("DAGSTER_HOME", home)):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return f"cannot create the {what} folder {folder}: {error.strerror or error}"
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"cannot write to the {what} folder {folder}: permission denied"
    folder = raw_dir_path()
    if folder.exists() and not (folder.is_dir() and os.access(folder, os.R_OK | os.X_OK)):
        return f"cannot read the raw folder {folder}: not a readable folder"
    return None


def built_candidate(result) -> bool:
    """This run's own raw-layer step ran (so the candidate on disk may be its own, not a leftover)."""
    return any(
        event.event_type_value == "STEP_SUCCESS" and event.step_key == "raw_layer" for event in result.all_events
    )


def published_by(result) -> bool:
    """This run's own publication step materialised the published warehouse."""
    return any(
        event.event_type_value == "ASSET_MATERIALIZATION"
        and event.asset_key is not None
        and event.asset_key.path == ["published", "warehouse"]
        for event in result.all_events
    )


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at ``path`` now (a rename brings a new inode)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


@contextmanager
def _stdout_to(log: Path | None):
    """Send file descriptor 1 (and so dbt's and Dagster's compute-log output) to ``log`` for a while."""
    if log is None:
        yield
        return
    sys.stdout.flush()
    rotate_run_logs(log)
    saved = os.dup(1)
    with open(log, "w", encoding="utf-8") as handle:
        os.dup2(handle.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


if __name__ == "__main__":
    sys.exit(main())
