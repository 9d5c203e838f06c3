"""The batched SQLite event log records a run's partitions exactly as Dagster's own storage does."""

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType

from orchestration.event_log import BatchedSqliteEventLogStorage

PARTITIONS = [f"doc-{number:03d}" for number in range(40)]
documents = dg.DynamicPartitionsDefinition(name="document")
OURS = "event_log_storage:\n  module: orchestration.event_log\n  class: BatchedSqliteEventLogStorage\n"


@dg.asset(partitions_def=documents, backfill_policy=dg.BackfillPolicy.single_run())
def extracted(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"documents": len(context.partition_keys)})


def run_range(home, storage_yaml: str, monkeypatch) -> dict:
    """One run over every partition in a fresh DAGSTER_HOME; what the instance then says about the asset."""
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n" + storage_yaml)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(documents.name, PARTITIONS)
        job = dg.Definitions(assets=[extracted]).resolve_implicit_global_asset_job_def()
        result = job.execute_in_process(
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": PARTITIONS[0],
                "dagster/asset_partition_range_end": PARTITIONS[-1],
            },
        )
        assert result.success
        records = instance.get_records_for_run(result.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION).records
        latest = instance.get_latest_materialization_event(extracted.key)
        one = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=extracted.key, asset_partitions=[PARTITIONS[7]]), limit=10
        ).records
        return {
            "storage": type(instance.event_log_storage).__name__,
            "run_events": [r.event_log_entry.dagster_event.partition for r in records],
            "materialized": instance.get_materialized_partitions(extracted.key),
            "latest": latest.dagster_event.partition,
            "one_partition": [(r.partition_key, r.run_id == result.run_id) for r in one],
            "status": instance.get_status_by_partition(extracted.key, PARTITIONS, documents),
        }


@pytest.fixture
def batched(monkeypatch):
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "16")  # 40 partitions: batches of 16, 16 and 8
    writes = []
    original = BatchedSqliteEventLogStorage.store_event
    monkeypatch.setattr(
        BatchedSqliteEventLogStorage, "store_event", lambda self, event: (writes.append(event), original(self, event))
    )
    return writes


def test_batched_storage_records_the_same_partitions_as_dagsters(tmp_path, batched, monkeypatch):
    ours = run_range(tmp_path / "ours", OURS, monkeypatch)
    stock = run_range(tmp_path / "stock", "", monkeypatch)
    assert ours["storage"] == "BatchedSqliteEventLogStorage" and stock["storage"] != ours["storage"]
    assert sorted(ours["run_events"]) == PARTITIONS
    assert ours["materialized"] == stock["materialized"] == set(PARTITIONS)
    assert ours["run_events"] == stock["run_events"]
    assert ours["latest"] == stock["latest"]
    assert ours["one_partition"] == stock["one_partition"] == [(PARTITIONS[7], True)]
    assert ours["status"] == stock["status"]
    # The materialisations went in batches: none of them was written event by event.
    assert not [e for e in batched if e.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION]
