"""The main job from the command line: extract every document of raw/, rebuild, check, publish.

    python -m orchestration.run            # the README's run command calls this

Runs the same Dagster job the nightly schedule runs, in-process, against the
persistent instance in DAGSTER_HOME (so the UI shows its history), then
prints a summary. Exit codes: 0 published; 3 published, but some documents
were quarantined; 1 nothing published (the previous warehouse is untouched);
2 set-up error.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from .warehouse import REPO_ROOT

EXIT_NOT_PUBLISHED, EXIT_SETUP = 1, 2


def ensure_dagster_home() -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copy(REPO_ROOT / "orchestration" / "dagster.yaml", config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def sync_partitions(instance, keys: list[str]) -> list[str]:
    """Partitions = the safe document ids in raw/ now; returns the ones dropped because their file left."""
    from .partitions import document_partitions

    name = document_partitions.name
    known = instance.get_dynamic_partitions(name)
    new = [k for k in keys if k not in set(known)]
    gone = [k for k in known if k not in set(keys)]
    if new:
        instance.add_dynamic_partitions(name, new)
    for key in gone:
        instance.delete_dynamic_partition(name, key)
    return gone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-dir", help="folder of raw documents (default: raw/ or $BUDGET_RAW_DIR)")
    parser.add_argument("--warehouse", help="published warehouse file (default: $BUDGET_WAREHOUSE or warehouse/budget.duckdb)")
    parser.add_argument("--verbose", action="store_true", help="show every Dagster event")
    args = parser.parse_args(argv)
    if args.raw_dir:
        os.environ["BUDGET_RAW_DIR"] = str(Path(args.raw_dir).resolve())
    if args.warehouse:
        os.environ["BUDGET_WAREHOUSE"] = str(Path(args.warehouse).resolve())

    ensure_dagster_home()
    import warnings

    import dagster as dg

    for category in (dg.BetaWarning, dg.PreviewWarning):
        warnings.filterwarnings("ignore", category=category)

    from .definitions import defs
    from .documents import scan_raw_dir
    from .resources import raw_dir
    from .schedules import full_range_tags
    from .summary import print_summary
    from .warehouse import warehouse_path

    folder = raw_dir()
    files = scan_raw_dir(folder)
    if not folder.exists():
        print(f"error: raw folder {folder} does not exist", file=sys.stderr)
        return EXIT_SETUP
    keys = [f.document_id for f in files if not f.refused]
    instance = dg.DagsterInstance.get()
    gone = sync_partitions(instance, keys)
    for key in gone:
        print(f"note: {key} is no longer in {folder}; its facts leave the warehouse in this run")
    if not keys:
        print(f"error: no readable documents in {folder}", file=sys.stderr)
        return EXIT_NOT_PUBLISHED
    ordered = [k for k in instance.get_dynamic_partitions("document") if k in set(keys)]
    published = warehouse_path()
    before = published.stat().st_mtime_ns if published.exists() else None
    print(f"Rebuilding {published} from {len(keys)} documents in {folder} ...", flush=True)
    started = time.monotonic()
    # Quiet by default: the summary reports problems; --verbose shows Dagster's own event log.
    log_level = "DEBUG" if args.verbose else "CRITICAL"
    result = defs.resolve_job_def("full_rebuild").execute_in_process(
        instance=instance,
        tags=full_range_tags(ordered),
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
    )
    after = published.stat().st_mtime_ns if published.exists() else None
    was_published = after is not None and after != before and result.success
    return print_summary(published, was_published, result, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
