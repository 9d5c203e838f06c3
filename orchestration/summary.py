"""The run summary: problems first, then what analysts got, then where it is."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from .report import report_path
from .warehouse import candidate_path, gate_dir, wait_until_unlocked

MARTS = [
    "dim_document",
    "dim_subject",
    "fact_expenditure",
    "fact_indicator",
    "fact_project",
    "fact_three_public",
    "fact_income",
    "quality_findings",
]
EXIT_PUBLISHED, EXIT_NOT_PUBLISHED, EXIT_PARTIAL = 0, 1, 3


def _query(con, sql: str, params=None) -> list[tuple]:
    try:
        return con.execute(sql, params or []).fetchall()
    except duckdb.Error:
        return []


def _failed_steps(result) -> list[str]:
    lines = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error if event.event_specific_data else None
            while error is not None and (error.cause or error.context) is not None:
                error = error.cause or error.context  # Dagster wraps the step's own error: say that one
            message = error.message.strip().splitlines()[-1] if error and error.message else ""
            lines.append(f"{event.step_key}: {message}")
    return lines


# Failures of the machine, not of the documents or the gate: the summary names them as such.
IO_FAILURE = re.compile(
    r"No space left on device|Disk quota exceeded|Read-only file system|Input/output error"
    r"|Errno 28|Errno 122|Errno 30|Errno 5\b",
    re.IGNORECASE,
)


def why_not_published(result) -> str:
    """The cause, from this run's own failures: I/O, strict mode, the gate, or the failed step."""
    failures = _failed_steps(result)
    io = [line for line in failures if IO_FAILURE.search(line)]
    if io:
        return f"the run failed for I/O (disk full or unwritable): {io[0]}"
    if any("(strict)" in line for line in failures):
        return "strict mode: a document was held by the gate (--strict / BUDGET_STRICT=1)"
    if any(
        "GateNotPassed" in line
        or "AssetCheckFailed" in line
        or line.startswith("marts__")
        or "ge_" in line.split(":")[0]
        for line in failures
    ):
        return "the gate did not pass"
    if failures:
        return f"the run failed at step {failures[0].split(':')[0]}"
    return "the gate did not pass" if not result.success else "the run did not publish"


def print_summary(
    published: Path,
    was_published: bool,
    result,
    seconds: float,
    replaced_by_other: bool = False,
    candidate_is_ours: bool = True,
) -> int:
    source = published if was_published else candidate_path(published)
    print()
    print("=" * 72)
    if not was_published:
        state = "was replaced meanwhile by another run (not by this one)" if replaced_by_other else "is unchanged"
        print(f"NOT PUBLISHED: {why_not_published(result)}; {published} {state} ({seconds:.0f}s)")
    if not source.exists() or not (was_published or candidate_is_ours):
        print("  (this run built no candidate warehouse to report on)")
        for line in _failed_steps(result):
            print(f"  failed step {line}")
        return EXIT_NOT_PUBLISHED
    # A dbt subprocess may outlive a failed step for a few seconds: wait for it to let go.
    wait_until_unlocked(source, timeout=120, readers_too=False)
    try:
        con = duckdb.connect(str(source), read_only=True)
    except duckdb.Error as error:
        print(
            f"{'Published' if was_published else 'NOT PUBLISHED'}: cannot open {source} for the summary: "
            f"{str(error).splitlines()[0]}"
        )
        return EXIT_PUBLISHED if was_published else EXIT_NOT_PUBLISHED
    try:
        # Problems first: files that could not be read (quarantined, or stale: old facts kept), then the rest.
        # A held document (error findings): stale when its earlier version stays published, else held.
        status = _query(
            con,
            "select status, file_name, detail from raw.document_status where status <> 'loaded' "
            "and document_id not in (select document_id from marts.dim_document where is_held) "
            "union all select status, file_name, status_detail from marts.dim_document where is_held "
            "order by status not in ('held', 'quarantined', 'conflict', 'stale'), status, file_name",
        )
        if not status:  # a candidate built before dim_document had verdicts, or none built
            status = _query(
                con,
                "select status, file_name, detail from raw.document_status "
                "where status <> 'loaded' order by status not in ('quarantined', 'stale'), status, file_name",
            )
        blocking = _query(
            con,
            'select document_id, "check", detail from marts.quality_findings '
            "where severity = 'error' order by document_id, \"check\" limit 30",
        )
        if not was_published:
            for line in _failed_steps(result):
                print(f"  failed step {line}")
            folder = gate_dir(candidate_path(published))
            for path in sorted(folder.glob("*.json")) if folder.exists() else []:
                outcome = json.loads(path.read_text("utf-8"))
                if not outcome["success"]:
                    print(f"  suite {outcome['suite']}: {outcome.get('error') or outcome['failures']}")
        if status:
            print("Documents not loaded as they are:")
            for kind, name, detail in status:
                print(f"  [{kind}] {detail or name}")
        if blocking:
            print("Error findings (each holds its document; not in expectations/known_source_inconsistencies.csv):")
            for document_id, check, detail in blocking:
                print(f"  {document_id} {check}: {detail}")
        loaded = _query(con, "select count(*) filter (where status <> 'held') from marts.dim_document") or _query(
            con, "select count(*) from marts.dim_document"
        )
        print(f"{'Published' if was_published else 'Candidate'}: {source}")
        print(f"Documents loaded: {loaded[0][0] if loaded else 0}")
        counts = ", ".join(f"{m} {n[0][0]}" for m in MARTS if (n := _query(con, f"select count(*) from marts.{m}")))
        print(f"Rows per mart: {counts}")
        severities = _query(con, "select severity, count(*) from marts.quality_findings group by 1 order by 1")
        print("Findings by severity: " + (", ".join(f"{s} {n}" for s, n in severities) or "none"))
        indicators = _query(
            con,
            "select document_id, target_scope, horizon, count(*) from marts.fact_indicator group by all order by all",
        )
        if indicators:
            print("Indicators per document (target_scope/horizon):")
            per_document: dict[str, list[str]] = {}
            for document_id, scope, horizon, n in indicators:
                per_document.setdefault(document_id, []).append(f"{scope}/{horizon} {n}")
            for document_id, counts in per_document.items():
                print(f"  {document_id}: {', '.join(counts)}")
        coverage = _query(
            con,
            "select document_id, count(*) filter (where outcome in ('fact','parent','total')), "
            "count(*) filter (where outcome = 'finding'), count(*) "
            "from raw.coverage_lines group by 1 order by 1",
        )
        if coverage:
            print("Coverage of table lines (read as facts / reported as findings / all candidate lines):")
            for document_id, facts, findings, total in coverage:
                print(f"  {document_id}: {facts} / {findings} / {total}")
    finally:
        con.close()
    print(f"Warehouse: {published}  ({seconds:.0f}s)")
    if was_published and report_path(published).exists():
        print(f"Report: {report_path(published)}")
    if not was_published:
        return EXIT_NOT_PUBLISHED
    # A file that could not be read, or a version held by the gate, whether or not its last good version stays.
    return (
        EXIT_PARTIAL
        if any(kind in ("quarantined", "conflict", "stale", "held") for kind, _, _ in status)
        else EXIT_PUBLISHED
    )
