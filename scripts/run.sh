#!/usr/bin/env bash
# The main job: set up if needed, then extract raw/, rebuild the warehouse, check it and publish it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m orchestration.run "$@"
