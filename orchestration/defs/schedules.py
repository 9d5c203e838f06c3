"""The nightly rebuild at 02:00 Beijing time: every partition in one run (single-run backfill)."""

import dagster as dg

from orchestration.defs.jobs import rebuild_warehouse_job
from orchestration.defs.partitions import document_partitions
from orchestration.defs.resources import WarehouseResource
from orchestration.documents import scan_raw_dir


def full_range_tags(keys: list[str]) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}


@dg.schedule(
    job=rebuild_warehouse_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly_rebuild(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
    files = [f.document_id for f in scan_raw_dir(warehouse.raw_path)]
    known = set(context.instance.get_dynamic_partitions(document_partitions.name))
    new = [key for key in files if key not in known]
    if new:
        context.instance.add_dynamic_partitions(document_partitions.name, new)
    keys = context.instance.get_dynamic_partitions(document_partitions.name)
    if not keys:
        return dg.SkipReason("raw/ holds no documents")
    return dg.RunRequest(run_key=None, tags=full_range_tags(keys))
