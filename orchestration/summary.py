"""The run summary: problems first, then what analysts got, then where it is."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from .progress import document_label
from .report import report_path
from .warehouse import candidate_path, gate_dir, wait_until_unlocked

# Every table of the marts schema is counted: dimensions first, then facts, then the rest.
MART_ORDER = "case when starts_with(table_name, 'dim_') then 0 when starts_with(table_name, 'fact_') then 1 else 2 end"
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


# Coverage outcomes of a line that prints figures: read as a fact (a leaf, a parent or a total) or a finding.
FACT_OUTCOMES = ("fact", "parent", "total")
FINDING_OUTCOME = "finding"
# Outcomes of a line without figures (a header, a note): accounted for, but neither fact nor finding.
PLAIN_OUTCOMES = ("header", "note")


def summary_paths(published: Path) -> tuple[Path, Path]:
    """The summary beside the warehouse: budget.summary.txt and budget.summary.json."""
    return (
        published.with_name(published.stem + ".summary.txt"),
        published.with_name(published.stem + ".summary.json"),
    )


def _replace_atomically(path: Path, text: str) -> None:
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="utf-8")
    part.replace(path)


# The terminal lists at most this many lines per list (documents, problems); the saved summary has them all.
# A run of thousands of documents then ends with counts and what needs attention, not a page per document.
TERMINAL_LIST_LIMIT = 20
BOTH, FILE_ONLY, TERMINAL_ONLY = "both", "file", "terminal"


class Summary:
    """The lines printed at the end of a run, and the same facts as data; both saved beside the warehouse."""

    def __init__(self, published: Path, seconds: float, run_id: str | None):
        self.published = published
        self.lines: list[tuple[str, str]] = []  # (line, where: both, file or terminal)
        self.data: dict = {"warehouse": str(published), "seconds": round(seconds), "dagster_run_id": run_id}

    def say(self, line: str = "", where: str = BOTH) -> None:
        self.lines.append((line, where))

    def say_each(self, lines: list[str], what: str) -> None:
        """A line per document, all saved; on the terminal only when they are few, else where to read them."""
        few = len(lines) <= TERMINAL_LIST_LIMIT
        for line in lines:
            self.say(line, BOTH if few else FILE_ONLY)
        if not few:
            self.say(f"  ({len(lines)} {what}: see {summary_paths(self.published)[0].name})", TERMINAL_ONLY)

    def say_first(self, lines: list[str]) -> None:
        """Problems: the first ones on the terminal too, the rest counted there and all saved."""
        for number, line in enumerate(lines):
            self.say(line, BOTH if number < TERMINAL_LIST_LIMIT else FILE_ONLY)
        if len(lines) > TERMINAL_LIST_LIMIT:
            more = len(lines) - TERMINAL_LIST_LIMIT
            self.say(f"  ... and {more} more: see {summary_paths(self.published)[0].name}", TERMINAL_ONLY)

    def text(self, where: str) -> str:
        return "\n".join(line for line, shown in self.lines if shown in (BOTH, where)) + "\n"

    def finish(self, code: int) -> int:
        """Print the summary and save it (text and JSON), each replaced whole."""
        self.data["exit_code"] = code
        print(self.text(TERMINAL_ONLY), end="")
        txt, js = summary_paths(self.published)
        try:
            _replace_atomically(txt, self.text(FILE_ONLY))
            _replace_atomically(js, json.dumps(self.data, ensure_ascii=False, indent=2, default=str) + "\n")
        except OSError as error:  # a full disk must not hide the summary just printed
            print(f"(summary not saved beside the warehouse: {error})")
            return code
        print(f"Summary saved: {txt} (and {js.name})")
        return code


def document_labels(con) -> dict[str, str]:
    """Each document as people name it (region, department, year, stage), from the marts or the raw layer."""
    for table in ("marts.dim_document", "raw.documents"):
        rows = _query(con, f"select document_id, region, department_name, fiscal_year, stage from {table}")
        if rows:
            return {row[0]: document_label(*row[1:]) for row in rows}
    return {}


def _documents(con, labels: dict[str, str]) -> list[dict]:
    rows = _query(
        con,
        "select document_id, file_name, region, department_name, fiscal_year, stage, status "
        "from marts.dim_document order by region, department_name, fiscal_year, stage, document_id",
    )
    keys = ("document_id", "file_name", "region", "department", "fiscal_year", "stage", "status")
    return [{**dict(zip(keys, row, strict=True)), "label": labels.get(row[0], row[0])} for row in rows]


def _findings_by_check(con) -> list[dict]:
    rows = _query(
        con,
        'select severity, "check", count(*), count(distinct document_id) from marts.quality_findings '
        "group by severity, \"check\" order by case severity when 'error' then 0 when 'quarantine' then 1 "
        "when 'warning' then 2 else 3 end, severity, count(*) desc, \"check\"",
    )
    return [{"severity": s, "check": c, "findings": n, "documents": d} for s, c, n, d in rows]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _coverage(con, labels: dict[str, str]) -> list[dict]:
    facts, plain = ", ".join(f"'{o}'" for o in FACT_OUTCOMES), ", ".join(f"'{o}'" for o in PLAIN_OUTCOMES)
    rows = _query(
        con,
        f"select document_id, count(*) filter (where outcome in ({facts})), "
        f"count(*) filter (where outcome = '{FINDING_OUTCOME}'), "
        f"count(*) filter (where outcome not in ({facts}, '{FINDING_OUTCOME}', {plain})) "
        "from raw.coverage_lines group by 1 order by 1",
    )
    return [
        {
            "document_id": document_id,
            "label": labels.get(document_id, document_id),
            "lines_with_figures": facts + findings + other,
            "as_facts": facts,
            "as_findings": findings,
            "unaccounted": other,
        }
        for document_id, facts, findings, other in rows
    ]


def summarise_no_run(published: Path, reason: str) -> int:
    """Nothing to run (no readable documents): the summary says so, and is saved all the same."""
    summary = Summary(published, 0, None)
    summary.data.update(published=False, not_published_because=reason)
    summary.say(f"NOT PUBLISHED: {reason}; {published} is unchanged")
    return summary.finish(EXIT_NOT_PUBLISHED)


UP_TO_DATE = "Warehouse up to date"
EARLIER_SUMMARY = "Summary of the run that published it:"


def summarise_up_to_date(published: Path, seconds: float, since: str, run_id: str | None, exit_code: int) -> int:
    """Nothing changed since the last publication: say so, keep its summary (saved) and its exit code."""
    txt, js = summary_paths(published)
    try:
        earlier_data = json.loads(js.read_text("utf-8"))
        earlier_text = txt.read_text("utf-8")
    except (FileNotFoundError, ValueError):
        earlier_data, earlier_text = {}, ""
    if earlier_text.startswith(UP_TO_DATE):  # an up-to-date summary already: keep only the publishing run's part
        earlier_text = earlier_text.partition(EARLIER_SUMMARY + "\n")[2]
    summary = Summary(published, seconds, run_id)
    summary.data = {
        **earlier_data,
        "up_to_date": True,
        "nothing_changed_since": since,
        "checked_seconds": round(seconds),
        "exit_code": exit_code,
    }
    summary.say(f"{UP_TO_DATE}: nothing changed since {since} (Dagster run {run_id}); nothing rebuilt or published.")
    summary.say(f"Warehouse: {published}  ({seconds:.0f}s)")
    if exit_code != EXIT_PUBLISHED:
        summary.say(f"That run published with exit code {exit_code}: documents need attention (see {txt.name}).")
    if earlier_text:
        summary.say(EARLIER_SUMMARY, FILE_ONLY)
        for line in earlier_text.rstrip("\n").split("\n"):
            summary.say(line, FILE_ONLY)
    return summary.finish(exit_code)


def print_summary(
    published: Path,
    was_published: bool,
    result,
    seconds: float,
    replaced_by_other: bool = False,
    candidate_is_ours: bool = True,
    run_id: str | None = None,
) -> int:
    """Print the run's summary and save it beside the warehouse; returns the command's exit code."""
    summary = Summary(published, seconds, run_id)
    summary.data["published"] = was_published
    return summary.finish(_summarise(summary, published, was_published, result, replaced_by_other, candidate_is_ours))


def _summarise(summary: Summary, published, was_published, result, replaced_by_other, candidate_is_ours) -> int:
    say, data = summary.say, summary.data
    source = published if was_published else candidate_path(published)
    seconds = data["seconds"]
    say()
    say("=" * 72)
    if not was_published:
        state = "was replaced meanwhile by another run (not by this one)" if replaced_by_other else "is unchanged"
        data["not_published_because"] = why_not_published(result)
        say(f"NOT PUBLISHED: {data['not_published_because']}; {published} {state} ({seconds:.0f}s)")
    failed = _failed_steps(result)
    data["failed_steps"] = failed
    if not source.exists() or not (was_published or candidate_is_ours):
        say("  (this run built no candidate warehouse to report on)")
        for line in failed:
            say(f"  failed step {line}")
        return EXIT_NOT_PUBLISHED
    # A dbt subprocess may outlive a failed step for a few seconds: wait for it to let go.
    wait_until_unlocked(source, timeout=120, readers_too=False)
    try:
        con = duckdb.connect(str(source), read_only=True)
    except duckdb.Error as error:
        say(
            f"{'Published' if was_published else 'NOT PUBLISHED'}: cannot open {source} for the summary: "
            f"{str(error).splitlines()[0]}"
        )
        return EXIT_PUBLISHED if was_published else EXIT_NOT_PUBLISHED
    try:
        status = _report_contents(summary, con, source, was_published, failed)
    finally:
        con.close()
    say(f"Warehouse: {published}  ({seconds:.0f}s)")
    if was_published and report_path(published).exists():
        data["report"] = str(report_path(published))
        say(f"Report: {report_path(published)}")
    if not was_published:
        return EXIT_NOT_PUBLISHED
    # A file that could not be read, or a version held by the gate, whether or not its last good version stays.
    return (
        EXIT_PARTIAL
        if any(kind in ("quarantined", "conflict", "stale", "held") for kind, _, _, _ in status)
        else EXIT_PUBLISHED
    )


def _report_contents(summary: Summary, con, source: Path, was_published: bool, failed: list[str]) -> list[tuple]:
    """Problems first (unread documents, blocking findings), then what analysts got; returns the statuses."""
    say, data = summary.say, summary.data
    labels = document_labels(con)
    # Problems first: files that could not be read (quarantined, or stale: old facts kept), then the rest.
    # A held document (error findings): stale when its earlier version stays published, else held.
    status = _query(
        con,
        "select status, file_name, detail, document_id from raw.document_status where status <> 'loaded' "
        "and document_id not in (select document_id from marts.dim_document where is_held) "
        "union all select status, file_name, status_detail, document_id from marts.dim_document where is_held "
        "order by status not in ('held', 'quarantined', 'conflict', 'stale'), status, file_name",
    )
    if not status:  # a candidate built before dim_document had verdicts, or none built
        status = _query(
            con,
            "select status, file_name, detail, document_id from raw.document_status "
            "where status <> 'loaded' order by status not in ('quarantined', 'stale'), status, file_name",
        )
    blocking = _query(
        con,
        'select document_id, "check", detail from marts.quality_findings '
        "where severity = 'error' order by document_id, \"check\" limit 30",
    )
    if not was_published:
        for line in failed:
            say(f"  failed step {line}")
        folder = gate_dir(source)
        for path in sorted(folder.glob("*.json")) if folder.exists() else []:
            outcome = json.loads(path.read_text("utf-8"))
            if not outcome["success"]:
                say(f"  suite {outcome['suite']}: {outcome.get('error') or outcome['failures']}")
    data["documents_not_loaded"] = [
        {"status": kind, "file_name": name, "detail": detail, "document": labels.get(document_id)}
        for kind, name, detail, document_id in status
    ]
    if status:
        say("Documents not loaded as they are:")
        summary.say_first(
            [
                f"  [{kind}] {detail or name}" + (f" ({labels[document_id]})" if document_id in labels else "")
                for kind, name, detail, document_id in status
            ]
        )
    if blocking:
        say("Error findings (each holds its document; not in expectations/known_source_inconsistencies.csv):")
        summary.say_first(
            [f"  {labels.get(document_id, document_id)} {check}: {detail}" for document_id, check, detail in blocking]
        )
    documents = _documents(con, labels)
    data["documents"] = documents
    loaded = [d for d in documents if d["status"] != "held"]
    say(f"{'Published' if was_published else 'Candidate'}: {source}")
    say(f"Documents loaded: {len(loaded)}")
    summary.say_each(
        [f"  {d['label']}  [{d['status']}]  {d['file_name']}  ({d['document_id']})" for d in documents], "documents"
    )
    marts = _query(
        con,
        "select table_name from information_schema.tables where table_schema = 'marts' "
        f"order by {MART_ORDER}, table_name",
    )
    rows = {m: n[0][0] for (m,) in marts if (n := _query(con, f'select count(*) from marts."{m}"'))}
    data["rows_per_mart"] = rows
    say("Rows per mart: " + ", ".join(f"{m} {n}" for m, n in rows.items()))
    _say_findings(summary, _findings_by_check(con))
    _say_indicators(summary, con, labels)
    _say_coverage(summary, _coverage(con, labels))
    return status


def _say_findings(summary: Summary, findings: list[dict]) -> None:
    summary.data["findings"] = findings
    totals: dict[str, int] = {}
    for finding in findings:
        totals[finding["severity"]] = totals.get(finding["severity"], 0) + finding["findings"]
    summary.say("Findings by severity: " + (", ".join(f"{s} {n}" for s, n in totals.items()) or "none"))
    for severity in totals:
        checks = ", ".join(
            f"{f['check']} {f['findings']} ({_plural(f['documents'], 'document')})"
            for f in findings
            if f["severity"] == severity
        )
        summary.say(f"  {severity}: {checks}")


def _say_indicators(summary: Summary, con, labels: dict[str, str]) -> None:
    indicators = _query(
        con,
        "select document_id, target_scope, horizon, count(*) from marts.fact_indicator group by all order by all",
    )
    if not indicators:
        return
    summary.say("Indicators per document (target_scope/horizon):")
    per_document: dict[str, list[str]] = {}
    for document_id, scope, horizon, n in indicators:
        per_document.setdefault(document_id, []).append(f"{scope}/{horizon} {n}")
    summary.say_each(
        [
            f"  {labels.get(document_id, document_id)}: {', '.join(counts)}"
            for document_id, counts in per_document.items()
        ],
        "documents with indicators",
    )


def _say_coverage(summary: Summary, coverage: list[dict]) -> None:
    """Every printed line with figures is a fact or a finding: say so, or name the documents where not."""
    summary.data["coverage"] = coverage
    if not coverage:
        return
    total = sum(c["lines_with_figures"] for c in coverage)
    facts, findings = sum(c["as_facts"] for c in coverage), sum(c["as_findings"] for c in coverage)
    short = [c for c in coverage if c["unaccounted"]]
    if short:
        summary.say(f"Coverage: {sum(c['unaccounted'] for c in short)} of {total} lines with figures unaccounted for:")
        summary.say_first([f"  {c['label']}: {c['unaccounted']} of {c['lines_with_figures']} lines" for c in short])
    else:
        summary.say(
            f"Coverage: all {total} lines with figures in the tables accounted for: "
            f"{facts} as facts, {findings} as findings"
        )
    summary.say_each(
        [
            f"  {c['label']}: {c['lines_with_figures']} lines: {c['as_facts']} facts, {c['as_findings']} findings"
            for c in coverage
        ],
        "documents' coverage",
    )
