#!/usr/bin/env bash
# The Dagster UI on http://127.0.0.1:3000 with the nightly schedule and the raw/ sensor running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/.dagster_home}"
# The venv's bin/ on PATH: under `dagster dev`, dagster-dbt parses the dbt project with the `dbt` it finds there.
export PATH="$PWD/.venv/bin:$PATH"
.venv/bin/python -c "from orchestration.run import ensure_dagster_home; ensure_dagster_home()"
exec .venv/bin/dagster dev -m orchestration.definitions -h "${DAGSTER_HOST:-127.0.0.1}" -p "${DAGSTER_PORT:-3000}"
