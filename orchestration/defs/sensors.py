"""Watching raw/: a new or changed file runs its own partition; a vanished one is reported."""

import json

import dagster as dg

from orchestration.defs.jobs import rebuild_warehouse_job
from orchestration.defs.partitions import document_partitions
from orchestration.defs.resources import WarehouseResource
from orchestration.documents import scan_raw_dir


def _fingerprint(path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


@dg.sensor(job=rebuild_warehouse_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def raw_documents_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    files = {f.document_id: f for f in scan_raw_dir(warehouse.raw_path)}
    now = {key: _fingerprint(f.path) for key, f in files.items()}
    known = set(context.instance.get_dynamic_partitions(document_partitions.name))

    added = sorted(key for key in now if key not in known)
    # Without a cursor (first tick) known documents count as seen: the nightly rebuild covers them.
    changed = sorted(key for key in now if key in known and context.cursor and seen.get(key) != now[key])
    removed = sorted(key for key in known if key not in now)
    for key in removed:
        context.log.warning(f"{key}: its file left raw/; the next run removes its facts and reports it")

    requests = [dg.RunRequest(run_key=f"{key}:{now[key]}", partition_key=key) for key in added + changed]
    partition_requests = []
    if added:
        partition_requests.append(document_partitions.build_add_request(added))
    if removed:
        partition_requests.append(document_partitions.build_delete_request(removed))
        if not requests and now:
            # Nothing to extract, but the warehouse must drop the removed documents: refresh from any one partition.
            any_key = sorted(now)[0]
            requests.append(dg.RunRequest(run_key=f"removed:{','.join(removed)}", partition_key=any_key))
    return dg.SensorResult(
        run_requests=requests, dynamic_partitions_requests=partition_requests, cursor=json.dumps(now, sort_keys=True)
    )
