#!/usr/bin/env bash
# A local Celery cluster for the distributed extraction: Redis on a free localhost port and two workers.
#   scripts/celery_cluster.sh start    # prints: export BUDGET_CELERY_BROKER=redis://127.0.0.1:<port>/0
#   scripts/celery_cluster.sh stop
#   scripts/celery_cluster.sh status
# Its files (redis data, worker logs, cluster.json with the pids) are in .celery_cluster/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m orchestration.celery_cluster "$@"
