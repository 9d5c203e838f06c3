#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs the locked dependencies (idempotent, quiet when up to date).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), f"Python 3.11 is required, found {sys.version.split()[0]}"'
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $("$PY" --version)"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-lock
if [ ! -f "$stamp" ] || ! cmp -s requirements.lock "$stamp"; then
  echo "setup: installing locked dependencies (requirements.lock; log in .venv/install.log) ..."
  {
    .venv/bin/python -m pip install --upgrade pip &&
    .venv/bin/python -m pip install -r requirements.lock &&
    .venv/bin/python -m pip install --no-deps -e .
  } > .venv/install.log 2>&1 || { tail -n 40 .venv/install.log; echo "setup: installation failed (see .venv/install.log)" >&2; exit 1; }
  cp requirements.lock "$stamp"
fi
# The report test draws the HTML report in Debian's headless Chromium; install it once where we can.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing chromium (Debian package, for the report's browser test; log in .venv/apt.log) ..."
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; } \
    > .venv/apt.log 2>&1 || echo "setup: chromium could not be installed (see .venv/apt.log); the browser test will be skipped" >&2
fi
# The distributed extraction's test and scripts/celery_cluster.sh run a local Redis broker: Debian's redis-server.
if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing redis-server (Debian package, the Celery broker of the distributed extraction; log in .venv/apt.log) ..."
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server; } \
    >> .venv/apt.log 2>&1 || echo "setup: redis-server could not be installed (see .venv/apt.log); the celery test will be skipped" >&2
fi
