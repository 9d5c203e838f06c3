"""Extraction past one machine: the code location's extraction run by two Celery workers over a real Redis.

Starts redis-server and two ``celery -A dagster_celery.app`` workers, runs the ``extract_on_celery``
job against a persistent Dagster instance, and checks that the workers (not this process) extracted
every document into the store exactly as the in-process extraction asset does. No time is asserted:
every wait is bounded generously by the cluster helper, and both workers must simply take part.
"""

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dagster._core.definitions.reconstruct import ReconstructableRepository

from orchestration import celery_cluster
from orchestration.defs.assets.extraction import extracted_documents
from orchestration.defs.distributed_extraction import CELERY_JOB, batches
from orchestration.defs.resources import WarehouseResource
from orchestration.run import EXIT_SETUP
from orchestration.run import main as run_main
from orchestration.run_lock import claim_path

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "raw").glob("*.txt"))
CORPUS = REPO.parent / "shared" / "corpus"
# Two real PDFs beside the seeds, and who published them (../shared/corpus/SOURCES.md).
PDF_PUBLISHERS = {
    "putuo_czj_2025_dept_budget": "上海市普陀区财政局",
    "jiangsu_jcy_2017_dept_budget": "江苏省人民检察院",
}
PDF_YEARS = {"putuo_czj_2025_dept_budget": 2025, "jiangsu_jcy_2017_dept_budget": 2017}

# Not a timing assertion but a bound on a hang (a worker lost mid-step leaves the executor waiting):
# the run takes about two minutes on a loaded two-core machine.
RUN_TIMEOUT_SECONDS = 1800

pytestmark = pytest.mark.cluster
NO_REDIS = (
    "redis-server is not installed (Debian package redis-server, see scripts/setup.sh): "
    "the Celery cluster test needs a real broker"
)


def pdfs() -> list[Path]:
    return [CORPUS / f"{stem}.pdf" for stem in PDF_PUBLISHERS if (CORPUS / f"{stem}.pdf").exists()]


@dataclass
class CeleryRun:
    success: bool
    events: list
    resource: WarehouseResource
    cluster: celery_cluster.Cluster
    stopped: bool
    claimed_after: bool  # the warehouse still claimed once the run ended


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("celery") / "raw"
    folder.mkdir()
    for source in [*SEEDS, *pdfs()]:
        shutil.copy(source, folder / source.name)  # a copy outside the repository: links are refused as raw files
    return folder


def run_within(seconds: float, run):
    """The run's result, or a test failure (not a hang) when it has not ended after ``seconds``."""
    outcome = []

    def target():
        try:
            outcome.append(run())
        except BaseException as error:  # raised again in the test's thread
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome:
        pytest.fail(f"the Celery run did not end within {seconds} s; see the worker logs beside the cluster")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


@pytest.fixture(scope="module")
def celery_run(raw, tmp_path_factory, dbt_manifest) -> "CeleryRun":
    """The job run on the cluster; the cluster is then stopped (its processes ended by id) whatever happened."""
    if celery_cluster.redis_server() is None:
        pytest.skip(NO_REDIS)
    root = tmp_path_factory.mktemp("celery_run")
    home = root / "dagster_home"  # a persistent instance: the workers write the run's events into it
    home.mkdir()
    shutil.copy(REPO / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    resource = WarehouseResource(raw_dir=str(raw), warehouse=str(root / "wh" / "budget.duckdb"))
    folder = root / "cluster"
    home_before = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)  # this process and the workers find the instance's event log there
    cluster = celery_cluster.start(folder)
    try:
        instance = dg.DagsterInstance.from_config(str(home))
        job = ReconstructableRepository.for_module(
            "orchestration.definitions", "defs", working_directory=str(REPO)
        ).get_reconstructable_job(CELERY_JOB)
        run_config = {
            "execution": {"config": {"broker": cluster.broker_url, "backend": cluster.broker_url}},
            "resources": {"warehouse": {"config": {"raw_dir": resource.raw_dir, "warehouse": resource.warehouse}}},
            "ops": {"plan_extraction": {"config": {"documents_per_step": 1}}},  # one step per document
        }
        result = run_within(RUN_TIMEOUT_SECONDS, lambda: dg.execute_job(job, instance, run_config=run_config))
        events = [record.dagster_event for record in instance.all_logs(result.run_id) if record.dagster_event]
    finally:
        stopped = celery_cluster.stop(folder)
        if home_before is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = home_before
    claimed_after = claim_path(resource.published).exists()
    return CeleryRun(result.success, events, resource, cluster, stopped, claimed_after)


@pytest.fixture(scope="module")
def in_process_store(raw, tmp_path_factory):
    """The same documents through the extraction asset of the nightly job, in this process."""
    resource = WarehouseResource(raw_dir=str(raw), warehouse=str(tmp_path_factory.mktemp("local") / "budget.duckdb"))
    keys = sorted(path.stem for path in raw.iterdir())
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("document", keys)
        result = dg.materialize(
            [extracted_documents],
            instance=instance,
            resources={"warehouse": resource},
            tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
        )
    assert result.success
    return resource.store


def document_ids(raw: Path) -> list[str]:
    return sorted(path.stem for path in raw.iterdir())


def test_the_run_succeeds_and_records_every_document_as_a_partition(celery_run, raw):
    assert celery_run.success
    events = celery_run.events
    materialized = [
        e.event_specific_data.materialization for e in events if e.event_type_value == "ASSET_MATERIALIZATION"
    ]
    assert sorted(m.partition for m in materialized) == document_ids(raw)
    assert {m.asset_key.path[0] for m in materialized} == {"extracted"}
    assert all(m.metadata["status"].value == "ok" for m in materialized)


def test_every_step_ran_in_a_worker_and_both_workers_took_part(celery_run, raw):
    events, cluster = celery_run.events, celery_run.cluster
    launched = [
        e.step_key
        for e in events
        if e.event_type_value == "ENGINE_EVENT" and "Submitting celery task" in (e.message or "")
    ]
    batches = [f"extract_batch[batch_{n}]" for n in range(len(document_ids(raw)))]
    assert sorted(launched) == sorted(["plan_extraction", *batches, "record_extraction"])
    started = {e.step_key: e.pid for e in events if e.event_type_value == "STEP_START"}
    assert set(started) == set(launched)
    assert os.getpid() not in started.values()
    assert set(started.values()) <= set(cluster.worker_pids)
    # Seven one-document steps queued at once, and a worker holds at most one running and one
    # reserved: the other, idle on the broker, necessarily takes some.
    assert {started[key] for key in batches} == set(cluster.worker_pids)


def test_the_workers_extract_what_the_in_process_asset_extracts(celery_run, in_process_store):
    resource = celery_run.resource
    distributed = resource.store
    tables = sorted(p.name for p in in_process_store.root.iterdir() if p.is_dir() and not p.name.startswith("_"))
    assert tables == sorted(p.name for p in distributed.root.iterdir() if p.is_dir() and not p.name.startswith("_"))
    for table in tables:
        files = sorted(p.name for p in (in_process_store.root / table).glob("*.parquet"))
        assert files == sorted(p.name for p in (distributed.root / table).glob("*.parquet")), table
        for name in files:
            local = pl.read_parquet(in_process_store.root / table / name)
            assert local.equals(pl.read_parquet(distributed.root / table / name)), (table, name)
    unstamped = {"extracted_at"}
    for document_id, status in in_process_store.statuses().items():
        other = distributed.read_status(document_id)
        assert {k: v for k, v in status.items() if k not in unstamped} == {
            k: v for k, v in other.items() if k not in unstamped
        }


def test_the_rebuild_after_it_extracts_nothing_again(celery_run, raw):
    """The warehouse's own job, in this process (its single writer), finds every document unchanged."""
    keys = document_ids(raw)
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("document", keys)
        result = dg.materialize(
            [extracted_documents],
            instance=instance,
            resources={"warehouse": celery_run.resource},
            tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
        )
    assert result.success
    metadata = result.asset_materializations_for_node("extracted__documents")[0].metadata
    assert metadata["extracted"].value == 0 and metadata["reused"].value == len(keys)


def test_batches_are_consecutive_and_bounded():
    ids = [f"d{n:02d}" for n in range(50)]
    assert [len(b) for b in batches(ids, 20)] == [7, 7, 7, 7, 7, 7, 7, 1]  # at least eight steps
    assert [len(b) for b in batches(ids * 10, 20)] == [20] * 25  # at most twenty documents a step
    assert [x for b in batches(ids, 20) for x in b] == ids
    assert batches([], 20) == []


def test_the_documents_read_by_the_workers_are_the_printed_ones(celery_run):
    resource = celery_run.resource
    documents = pl.read_parquet(resource.store.table_glob("documents")).rows_by_key("document_id", named=True)
    assert documents["003_305331944a1f3ba9"][0]["stage"] == "final"  # the seeds' one 决算
    for stem in [pdf.stem for pdf in pdfs()]:
        assert documents[stem][0]["department_name"] == PDF_PUBLISHERS[stem]
        assert documents[stem][0]["fiscal_year"] == PDF_YEARS[stem]


def test_the_run_lets_go_of_the_warehouse_and_the_cluster_is_stopped(celery_run):
    assert not celery_run.claimed_after
    assert celery_run.stopped
    cluster = celery_run.cluster
    assert not any(celery_cluster.is_cluster_process(pid) for pid in [cluster.redis_pid, *cluster.worker_pids])
    assert celery_cluster.running(Path(cluster.folder)) is None


def test_run_celery_without_a_broker_is_a_setup_error(monkeypatch, capsys):
    monkeypatch.delenv(celery_cluster.BROKER_ENV, raising=False)
    assert run_main(["--celery"]) == EXIT_SETUP
    assert celery_cluster.BROKER_ENV in capsys.readouterr().err
