"""The Dagster layer: partitions from raw/, the sensor, the nightly schedule, the asset graph."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

REPO = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("dbt_manifest")


@pytest.fixture()
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    for path in sorted((REPO / "raw").glob("*.txt"))[:2]:
        shutil.copy(path, folder / path.name)
    return folder


def resources(raw: Path) -> dict:
    from orchestration.defs.resources import WarehouseResource

    return {"warehouse": WarehouseResource(raw_dir=str(raw), warehouse=str(raw.parent / "wh" / "budget.duckdb"))}


def test_sensor_adds_new_documents_as_partitions_and_runs_only_them(raw):
    from orchestration.definitions import defs

    sensor = defs.get_sensor_def("raw_documents_sensor")
    with dg.instance_for_test() as instance:
        result = sensor(dg.build_sensor_context(instance=instance, resources=resources(raw)))
        keys = sorted(p.stem for p in raw.glob("*.txt"))
        assert sorted(r.partition_key for r in result.run_requests) == keys
        [added] = result.dynamic_partitions_requests
        assert sorted(added.partition_keys) == keys
        instance.add_dynamic_partitions("document", keys)

        # A new file: only its own partition is requested.
        shutil.copy(sorted((REPO / "raw").glob("*.txt"))[2], raw)
        new_key = sorted((REPO / "raw").glob("*.txt"))[2].stem
        again = sensor(dg.build_sensor_context(instance=instance, cursor=result.cursor, resources=resources(raw)))
        assert [r.partition_key for r in again.run_requests] == [new_key]


def test_sensor_reports_a_vanished_file_and_deletes_its_partition(raw, caplog):
    from orchestration.definitions import defs

    sensor = defs.get_sensor_def("raw_documents_sensor")
    with dg.instance_for_test() as instance:
        keys = sorted(p.stem for p in raw.glob("*.txt"))
        instance.add_dynamic_partitions("document", keys)
        first = sensor(dg.build_sensor_context(instance=instance, resources=resources(raw)))
        (raw / f"{keys[0]}.txt").unlink()
        result = sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor, resources=resources(raw)))
        deletes = [r for r in result.dynamic_partitions_requests if isinstance(r, dg.DeleteDynamicPartitionsRequest)]
        assert [list(r.partition_keys) for r in deletes] == [[keys[0]]]
        # The warehouse must drop the removed document: a refresh run is requested even with nothing to extract.
        assert result.run_requests


def test_nightly_schedule_rebuilds_every_partition_in_one_run(raw):
    from orchestration.definitions import defs

    schedule = defs.get_schedule_def("nightly_rebuild")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "Asia/Shanghai")
    with dg.instance_for_test() as instance:
        request = schedule(dg.build_schedule_context(instance=instance, resources=resources(raw)))
        keys = instance.get_dynamic_partitions("document")
        assert sorted(keys) == sorted(p.stem for p in raw.glob("*.txt"))
        assert request.tags["dagster/asset_partition_range_start"] == keys[0]
        assert request.tags["dagster/asset_partition_range_end"] == keys[-1]


def test_writers_share_one_pool_and_extraction_is_single_run_backfill():
    from orchestration.definitions import defs
    from orchestration.defs.resources import DUCKDB_POOL

    graph = defs.resolve_asset_graph()
    pools = {key.to_user_string(): graph.get(key).pools for key in graph.get_all_asset_keys()}
    assert pools["raw/expenditure_lines"] == {DUCKDB_POOL}
    assert pools["marts/fact_expenditure"] == {DUCKDB_POOL}
    assert pools["published/warehouse"] == {DUCKDB_POOL}
    extraction = graph.get(dg.AssetKey(["extracted", "documents"]))
    assert extraction.backfill_policy == dg.BackfillPolicy.single_run()
    assert isinstance(extraction.partitions_def, dg.DynamicPartitionsDefinition)


def test_each_raw_asset_says_what_its_table_holds():
    from orchestration.definitions import defs
    from orchestration.defs.assets.raw_layer import RAW_LAYER_TABLES

    keys = [dg.AssetKey(["raw", table]) for table in RAW_LAYER_TABLES]
    specs = {key: defs.resolve_assets_def(key).specs_by_key[key] for key in keys}
    descriptions = {key.path[-1]: spec.description for key, spec in specs.items()}
    assert all(descriptions.values()), descriptions
    assert len(set(descriptions.values())) == len(RAW_LAYER_TABLES)  # one text per table, none shared
    assert "PDF" in descriptions["pages"] and "三公" in descriptions["three_public_lines"]


def test_every_dbt_check_says_what_it_checks(dbt_manifest):
    import json

    nodes = json.loads(dbt_manifest.read_text("utf-8"))["nodes"].values()
    tests = [node for node in nodes if node["resource_type"] == "test"]
    assert tests
    assert [node["name"] for node in tests if not node.get("description", "").strip()] == []
