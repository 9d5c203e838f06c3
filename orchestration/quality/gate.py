"""The quality gate: Great Expectations suites run on the candidate warehouse.

Suites live in ``expectations/suites/*.json`` in GE's own suite format; each
names in its ``meta`` the mart it guards (``asset``) and the SQL that
produces the dataframe to validate (``query``). GE 1.x cannot validate
DuckDB tables through SQLAlchemy, so the query runs in DuckDB and GE
validates the resulting pandas dataframe.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..warehouse import REPO_ROOT

SUITES_DIR = REPO_ROOT / "expectations" / "suites"
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass(frozen=True)
class Suite:
    name: str
    asset: str  # the mart it guards, e.g. "fact_expenditure"
    query: str
    description: str
    expectations: list[dict]


@dataclass
class SuiteResult:
    suite: str
    asset: str
    success: bool
    evaluated: int
    failures: list[dict] = field(default_factory=list)  # expectation type, kwargs, unexpected count, sample
    error: str | None = None
    fingerprint: str = ""  # the suite's (suite_fingerprint): what a later gate compares before reusing this verdict
    unchanged_documents: int = 0  # documents whose rows passed this very suite when the published warehouse was

    def summary(self) -> str:
        if self.error:
            return f"{self.suite}: could not run: {self.error}"
        if self.success:
            unchanged = (
                f" ({self.unchanged_documents} documents' rows as published, validated then)"
                if self.unchanged_documents
                else ""
            )
            return f"{self.suite}: {self.evaluated} expectations passed{unchanged}"
        parts = [
            f"{f['type']}({f['column']}): {f['unexpected_count']} unexpected, e.g. {f['sample']}" for f in self.failures
        ]
        return f"{self.suite}: {len(self.failures)} of {self.evaluated} failed: " + "; ".join(parts)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=str, indent=1)

    @classmethod
    def from_json(cls, text: str) -> SuiteResult:
        """A result as the gate wrote it; fields a result lacks (written by an older gate) take their defaults."""
        data = json.loads(text)
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**{"asset": "", "success": False, "evaluated": 0, **known})


def load_suites(folder: Path = SUITES_DIR) -> list[Suite]:
    suites = []
    for path in sorted(folder.glob("*.json")):
        spec = json.loads(path.read_text("utf-8"))
        meta = spec.get("meta", {})
        if "asset" not in meta or "query" not in meta:
            raise ValueError(f"{path}: a suite needs meta.asset and meta.query")
        suites.append(
            Suite(spec["name"], meta["asset"], meta["query"], meta.get("description", ""), spec["expectations"])
        )
    return suites


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    except Exception:  # older/newer config shapes: progress bars are cosmetic
        pass
    source = context.data_sources.add_pandas("warehouse")
    return context, source


def _batch(name: str, frame):
    context, source = _context()
    try:
        asset = source.get_asset(name)
    except (LookupError, KeyError, ValueError):
        asset = source.add_dataframe_asset(name=name)
    try:
        definition = asset.get_batch_definition("whole")
    except (LookupError, KeyError, ValueError):
        definition = asset.add_batch_definition_whole_dataframe("whole")
    return definition.get_batch(batch_parameters={"dataframe": frame})


def _ge_suite(suite: Suite):
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context, _ = _context()
    try:
        context.suites.delete(suite.name)
    except Exception:
        pass
    ge_suite = gx.ExpectationSuite(name=suite.name)
    for spec in suite.expectations:
        ge_suite.add_expectation_configuration(
            ExpectationConfiguration(type=spec["type"], kwargs=spec["kwargs"], meta=spec.get("meta", {}))
        )
    return context.suites.add(ge_suite)


# Rows validated in one dataframe: a chunk of whole documents of about this many rows keeps the
# gate's memory bounded by the chunk (~100 MB of pandas frame), not by the size of the mart.
CHUNK_ROWS = 25_000
STREAM_BATCH_ROWS = 8_192  # rows DuckDB hands over at a time while the chunk fills
# Expectations whose verdict on a table is the verdict on each of its chunks taken together: a row's
# value alone decides it, or (uniqueness) the key holds the document, so equal keys share a chunk.
ROW_EXPECTATIONS = {
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_between",
}
# The gate's reads share the run's 1 GiB with Dagster and GE: DuckDB's buffer pool for the suites'
# queries is held to a few hundred MB (they spill or stream beyond it).
GATE_DUCKDB_CONFIG = {"memory_limit": "256MB"}
KEY_EXPECTATIONS = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}
CHUNK_KEY = "document_id"


def _columns_read(spec: dict) -> list[str]:
    kwargs = spec["kwargs"]
    return [kwargs["column"]] if "column" in kwargs else list(kwargs.get("column_list", []))


def validates_by_document(suite: Suite) -> bool:
    """Whether the suite's verdict on the mart is the verdict on its documents' chunks taken together."""
    for spec in suite.expectations:
        kwargs = spec["kwargs"]
        if "mostly" in kwargs:  # a share of the whole table, not of a chunk
            return False
        if spec["type"] in KEY_EXPECTATIONS and CHUNK_KEY in _columns_read(spec):
            continue
        if spec["type"] not in ROW_EXPECTATIONS:
            return False
    return True


def columns_needed(suite: Suite, available: list[str]) -> list[str]:
    """The query's columns the expectations read (their columns and those their row conditions name)."""
    named = set()
    for spec in suite.expectations:
        named.update(_columns_read(spec))
        condition = spec["kwargs"].get("row_condition") or ""
        named.update(word for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", condition) if word in available)
    return [c for c in available if c in named]


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _document_chunks(batches, rows: int = CHUNK_ROWS):
    """Arrow tables of whole documents, about ``rows`` rows each, from batches sorted by document id.

    The rows of the last document read so far wait for the next batch: a document may span two.
    """
    pending = None
    for batch in batches:
        table = pa.Table.from_batches([batch])
        pending = table if pending is None else pa.concat_tables([pending, table])
        if pending.num_rows < rows:
            continue
        ids = pending.column(CHUNK_KEY)
        last = ids[-1]
        if not last.is_valid:  # only rows without a document id so far: they stay together
            continue
        cut = pending.num_rows - pc.sum(pc.fill_null(pc.equal(ids, last), False)).as_py()
        if cut > 0:
            yield pending.slice(0, cut)
            pending = pending.slice(cut)
    if pending is not None and pending.num_rows:
        yield pending


def _suite_rows(con: duckdb.DuckDBPyConnection, suite: Suite) -> tuple[str, list[str], list[str]]:
    """The suite's query as a relation, its columns, and those its expectations read (all, if they name none)."""
    source = f"({suite.query}) as suite_rows"
    available = [d[0] for d in con.execute(f"select * from {source} limit 0").description]
    return source, available, columns_needed(suite, available) or available


def _frames(con: duckdb.DuckDBPyConnection, suite: Suite, only: set | None = None):
    """The suite's query, read once as a stream in chunks of whole documents, only the columns it checks.

    ``only``: the documents to validate (None: every one); None in it stands for rows without a document id.
    """
    source, available, columns = _suite_rows(con, suite)
    projection = ", ".join(_quoted(c) for c in columns)
    if not (validates_by_document(suite) and CHUNK_KEY in available):
        yield con.execute(f"select {projection} from {source}").df()
        return
    if CHUNK_KEY not in columns:
        projection += ", " + _quoted(CHUNK_KEY)
    chosen = "" if only is None else " where " + _documents_among(con, only)
    ordered = f"select {projection} from {source}{chosen} order by {_quoted(CHUNK_KEY)} nulls first"
    reader = con.sql(ordered).to_arrow_reader(STREAM_BATCH_ROWS)
    empty = True
    for chunk in _document_chunks(reader):
        empty = False
        yield chunk.select(columns).to_pandas()
    if empty:  # an empty mart is validated too (its expectations pass on no rows)
        yield con.execute(f"select {projection} from {source}{chosen}").df()[columns]


def _documents_among(con: duckdb.DuckDBPyConnection, documents: set) -> str:
    """A condition on the suite's rows: their document is one of ``documents`` (registered on ``con``)."""
    ids = sorted(d for d in documents if d is not None)
    con.register("documents_to_validate", pa.table({CHUNK_KEY: pa.array(ids, pa.string())}))
    key = _quoted(CHUNK_KEY)
    among = f"{key} in (select {key} from documents_to_validate)"
    return f"({key} is null or {among})" if None in documents else among


def suite_fingerprint(suite: Suite) -> str:
    """What a verdict of the suite depends on besides the rows: its expectations and query, this module, GE."""
    spec = json.dumps(
        {"query": suite.query, "expectations": suite.expectations}, sort_keys=True, ensure_ascii=False, default=str
    )
    digest = hashlib.sha256(spec.encode("utf-8"))
    digest.update(Path(__file__).read_bytes())
    digest.update(version("great_expectations").encode())
    return digest.hexdigest()


def document_fingerprints(con: duckdb.DuckDBPyConnection, suite: Suite) -> dict:
    """Per document: how many rows the suite's query gives and a sum of their hashes, over the columns it checks.

    Equal for a document in two warehouses means the expectations see the same rows (as a multiset) there.
    """
    source, _, columns = _suite_rows(con, suite)
    hashed = ", ".join(_quoted(c) for c in columns)
    key = _quoted(CHUNK_KEY)
    rows = con.execute(
        f"select {key}, count(*), sum(hash({hashed})::hugeint)::varchar from {source} group by {key}"
    ).fetchall()
    return {document: (count, digest) for document, count, digest in rows}


# The published warehouse's record of the suites it passed (written at publication, in the same file).
GATE_RECORD = "gate.suite_results"


def documents_to_validate(
    con: duckdb.DuckDBPyConnection, suite: Suite, published: Path | None
) -> tuple[set | None, int]:
    """The candidate's documents whose rows this suite must see (None: all of them), and how many it need not.

    A document whose rows (the columns the suite checks) are those the published warehouse holds, which
    passed this very suite (same fingerprint), passed it then: only the others are validated again. Only
    for suites whose verdict is the verdict on each document (``validates_by_document``).
    """
    if published is None or not published.exists() or not validates_by_document(suite):
        return None, 0
    try:
        before = duckdb.connect(str(published), read_only=True, config=GATE_DUCKDB_CONFIG)
    except duckdb.Error:
        return None, 0
    try:
        passed = before.execute(
            f"select count(*) from {GATE_RECORD} where suite = ? and fingerprint = ? and success",
            [suite.name, suite_fingerprint(suite)],
        ).fetchone()[0]
        if not passed:
            return None, 0
        published_rows = document_fingerprints(before, suite)
        candidate_rows = document_fingerprints(con, suite)
    except duckdb.Error:  # no record (published before it existed), or a mart whose columns changed
        return None, 0
    finally:
        before.close()
    changed = {document for document, rows in candidate_rows.items() if published_rows.get(document) != rows}
    return changed, len(candidate_rows) - len(changed)


def _merge(failures: dict[str, dict], config, details: dict) -> None:
    """One failure per expectation over all chunks: unexpected counts added, the first five samples."""
    index = config.type + json.dumps(config.kwargs, sort_keys=True, default=str)
    count = details.get("unexpected_count", details.get("observed_value"))
    sample = list(details.get("partial_unexpected_list") or [])
    if index not in failures:
        failures[index] = {
            "type": config.type,
            "column": config.kwargs.get("column") or config.kwargs.get("column_list"),
            "unexpected_count": count,
            "sample": sample[:5],
        }
        return
    failure = failures[index]
    if isinstance(count, int) and isinstance(failure["unexpected_count"], int):
        failure["unexpected_count"] += count
    failure["sample"] = (failure["sample"] + sample)[:5]


def run_suite(con: duckdb.DuckDBPyConnection, suite: Suite, published: Path | None = None) -> SuiteResult:
    """Validate one suite; a query that fails is a failed suite, never a skipped one.

    The mart is validated in chunks of whole documents when its expectations allow it (see
    ``validates_by_document``): memory follows a chunk, not the corpus. With the published warehouse
    given, only the documents whose rows differ from those it passed this suite with are validated.
    """
    fingerprint = suite_fingerprint(suite)
    failures: dict[str, dict] = {}
    success, evaluated = True, 0
    try:
        only, unchanged = documents_to_validate(con, suite, published)
        if only is not None and not only:
            return SuiteResult(suite.name, suite.asset, True, len(suite.expectations), [], None, fingerprint, unchanged)
        ge_suite = _ge_suite(suite)
        for frame in _frames(con, suite, only):
            validation = _batch(suite.name, frame).validate(ge_suite)
            del frame
            success = success and bool(validation.success)
            evaluated = len(validation.results)
            for result in validation.results:
                if not result.success:
                    _merge(failures, result.expectation_config, result.result or {})
    except duckdb.Error as error:
        return SuiteResult(suite.name, suite.asset, False, 0, error=str(error).splitlines()[0], fingerprint=fingerprint)
    return SuiteResult(
        suite.name, suite.asset, success, evaluated, list(failures.values()), None, fingerprint, unchanged
    )


def run_gate(warehouse: Path, suites: list[Suite] | None = None, published: Path | None = None) -> list[SuiteResult]:
    """The suites on a candidate warehouse; given the published one, rows as published are not validated again."""
    con = duckdb.connect(str(warehouse), read_only=True, config=GATE_DUCKDB_CONFIG)
    try:
        return [run_suite(con, suite, published) for suite in (suites if suites is not None else load_suites())]
    finally:
        con.close()


def record_verdicts(candidate: Path, results: list[SuiteResult]) -> None:
    """Write into the candidate, before it is published, the suites it passed: the next gate reads them there."""
    con = duckdb.connect(str(candidate))
    try:
        con.execute("create schema if not exists gate")
        con.execute(
            f"create or replace table {GATE_RECORD} (suite varchar, fingerprint varchar, success boolean, "
            "expectations integer, unchanged_documents integer)"
        )
        con.executemany(
            f"insert into {GATE_RECORD} values (?, ?, ?, ?, ?)",
            [[r.suite, r.fingerprint, r.success, r.evaluated, r.unchanged_documents] for r in results],
        )
    finally:
        con.close()
