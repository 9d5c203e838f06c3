"""A run launched by the raw/ sensor and a command-line run, started together, publish one after the other.

The sensor's run is launched as the daemon would: the real sensor is evaluated on the shared
instance, its partition requests applied, and its run request executed (the same job, partition
and tags). Both runs use one warehouse and one Dagster instance.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

from tests._job_support import JOB, job_env
from tests._safety_support import SEED_A, SEED_B, seed_bytes

REPO = Path(__file__).resolve().parent.parent

SENSOR_RUN = textwrap.dedent("""
    import warnings
    import dagster as dg
    warnings.filterwarnings("ignore")
    from orchestration.definitions import defs
    from orchestration.defs.resources import warehouse_resource
    from orchestration.defs.sensors import raw_documents_sensor
    instance = dg.DagsterInstance.get()
    context = dg.build_sensor_context(instance=instance, resources={"warehouse": warehouse_resource()})
    result = raw_documents_sensor(context)
    for request in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    [request] = result.run_requests[:1]
    print("REQUESTED", request.partition_key, flush=True)
    run = defs.resolve_job_def("rebuild_warehouse").execute_in_process(
        instance=instance, partition_key=request.partition_key,
        tags={**request.tags, "dagster/sensor_name": "raw_documents_sensor"}, raise_on_error=False)
    print("SENSOR RUN", run.run_id, run.success)
""")


def step_window(instance, run_id: str) -> tuple[float, float]:
    """From the start of the run's candidate building (raw layer) to the end of its publication step.

    (The extraction step starts at once in both runs; the second one waits inside it.)
    """
    import dagster as dg

    records = instance.get_records_for_run(run_id).records
    starts = [
        r.event_log_entry.timestamp
        for r in records
        if r.event_log_entry.dagster_event
        and r.event_log_entry.dagster_event.event_type == dg.DagsterEventType.STEP_START
        and r.event_log_entry.step_key == "raw_layer"
    ]
    ends = [
        r.event_log_entry.timestamp
        for r in records
        if r.event_log_entry.dagster_event
        and r.event_log_entry.dagster_event.event_type == dg.DagsterEventType.STEP_SUCCESS
        and r.event_log_entry.step_key == "published__warehouse"
    ]
    assert starts and ends, run_id
    return min(starts), max(ends)


def test_sensor_and_command_line_runs_publish_one_after_the_other(tmp_path, monkeypatch):
    raw, warehouse, home = tmp_path / "raw", tmp_path / "wh" / "budget.duckdb", tmp_path / "home"
    raw.mkdir()
    for document_id in (SEED_A, SEED_B):
        (raw / f"{document_id}.txt").write_bytes(seed_bytes(document_id))
    home.mkdir()
    (home / "dagster.yaml").write_text((REPO / "orchestration" / "dagster.yaml").read_text())
    env = job_env(raw, warehouse, home)
    sensor_log = (tmp_path / "sensor_run.err").open("w")  # Dagster's event log: a file, so no pipe fills up
    sensor = subprocess.Popen(
        [sys.executable, "-c", SENSOR_RUN], cwd=REPO, env=env, text=True, stdout=subprocess.PIPE, stderr=sensor_log
    )
    # The sensor sees the new files first (the command line would register them as known), then both start.
    requested = sensor.stdout.readline()
    assert requested.startswith("REQUESTED"), requested + (tmp_path / "sensor_run.err").read_text()[-3000:]
    cli = subprocess.Popen(
        JOB,
        cwd=REPO,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    cli_out, cli_err = cli.communicate(timeout=1800)
    sensor_out, _ = sensor.communicate(timeout=1800)
    sensor_log.close()
    sensor_err = (tmp_path / "sensor_run.err").read_text()

    assert cli.returncode == 0, cli_out[-3000:] + cli_err[-3000:]
    assert "SENSOR RUN" in sensor_out and sensor_out.strip().endswith("True"), sensor_out + sensor_err[-3000:]
    # The command line's summary is true: it published, and the file it reports holds both documents.
    assert f"Published: {warehouse}" in cli_out and "NOT PUBLISHED" not in cli_out
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from marts.dim_document").fetchone()[0] >= 1
    finally:
        con.close()

    monkeypatch.setenv("DAGSTER_HOME", str(home))
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
        assert len(runs) == 2 and all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
        first, second = sorted(step_window(instance, r.run_id) for r in runs)
    # One publication after the other: the second run built its candidate only after the first had published.
    assert first[1] <= second[0], (first, second)
