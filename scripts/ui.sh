#!/usr/bin/env bash
# The Dagster UI on http://127.0.0.1:3000 with the nightly schedule and the raw/ sensor running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/.dagster_home}"
# A scheduled run over all documents records its plan as one event, not one per document, and its
# materialisations in batches (orchestration/run.py, orchestration/event_log.py).
export DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS="${DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS:-1}"
export DAGSTER_EVENT_BATCH_SIZE="${DAGSTER_EVENT_BATCH_SIZE:-1000}"
# The venv's bin/ on PATH: under `dagster dev`, dagster-dbt parses the dbt project with the `dbt` it finds there.
export PATH="$PWD/.venv/bin:$PATH"
.venv/bin/python -c "from orchestration.run import ensure_dagster_home; ensure_dagster_home()"
exec .venv/bin/dagster dev -m orchestration.definitions -h "${DAGSTER_HOST:-127.0.0.1}" -p "${DAGSTER_PORT:-3000}"
