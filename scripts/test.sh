#!/usr/bin/env bash
# The tests: set up if needed, lint (ruff, configured in pyproject.toml), then run the whole suite
# (real dbt, DuckDB, Great Expectations and Dagster).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
