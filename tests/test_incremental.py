"""Incremental extraction: a document whose bytes (and the parser) did not change is not read again."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg

from orchestration.defs.assets.extraction import extracted_documents
from orchestration.defs.resources import WarehouseResource

SEEDS = sorted((Path(__file__).resolve().parents[1] / "raw").glob("*.txt"))[:3]


def _extract_all(instance: dg.DagsterInstance, resource: WarehouseResource, keys: list[str]) -> dict:
    """Materialise the extraction asset for every partition in one run, as the nightly rebuild does."""
    result = dg.materialize(
        [extracted_documents],
        instance=instance,
        resources={"warehouse": resource},
        tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
    )
    assert result.success
    # One materialisation per partition, all from the one step: its metadata speaks for the run.
    materializations = result.asset_materializations_for_node("extracted__documents")
    assert sorted(m.partition for m in materializations) == keys
    return {name: value.value for name, value in materializations[0].metadata.items()}


def test_a_rerun_extracts_only_the_changed_document(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, raw / seed.name)
    keys = sorted(seed.stem for seed in SEEDS)
    resource = WarehouseResource(raw_dir=str(raw), warehouse=str(tmp_path / "wh" / "budget.duckdb"))
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("document", keys)

        first = _extract_all(instance, resource, keys)
        assert first["extracted_ids"] == keys and (first["extracted"], first["reused"]) == (3, 0)

        unchanged = _extract_all(instance, resource, keys)
        assert unchanged["extracted_ids"] == [] and (unchanged["extracted"], unchanged["reused"]) == (0, 3)

        changed = raw / SEEDS[1].name
        changed.write_bytes(changed.read_bytes() + b"\n")
        rerun = _extract_all(instance, resource, keys)
        assert rerun["extracted_ids"] == [SEEDS[1].stem] and (rerun["extracted"], rerun["reused"]) == (1, 2)
    store_status = resource.store.read_status(SEEDS[1].stem)
    assert store_status["status"] == "ok"
    assert store_status["source_sha256"] != resource.store.read_status(SEEDS[0].stem)["source_sha256"]
