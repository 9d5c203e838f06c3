"""The quality gate: Great Expectations suites run on the candidate warehouse.

Suites live in ``expectations/suites/*.json`` in GE's own suite format; each
names in its ``meta`` the mart it guards (``asset``) and the SQL that
produces the dataframe to validate (``query``). GE 1.x cannot validate
DuckDB tables through SQLAlchemy, so the query runs in DuckDB and GE
validates the resulting pandas dataframe.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb

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

    def summary(self) -> str:
        if self.error:
            return f"{self.suite}: could not run: {self.error}"
        if self.success:
            return f"{self.suite}: {self.evaluated} expectations passed"
        parts = [
            f"{f['type']}({f['column']}): {f['unexpected_count']} unexpected, e.g. {f['sample']}" for f in self.failures
        ]
        return f"{self.suite}: {len(self.failures)} of {self.evaluated} failed: " + "; ".join(parts)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=str, indent=1)


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


def run_suite(con: duckdb.DuckDBPyConnection, suite: Suite) -> SuiteResult:
    """Validate one suite; a query that fails is a failed suite, never a skipped one."""
    try:
        frame = con.execute(suite.query).df()
    except duckdb.Error as error:
        return SuiteResult(suite.name, suite.asset, False, 0, error=str(error).splitlines()[0])
    validation = _batch(suite.name, frame).validate(_ge_suite(suite))
    failures = []
    for result in validation.results:
        if result.success:
            continue
        config = result.expectation_config
        details = result.result or {}
        failures.append(
            {
                "type": config.type,
                "column": config.kwargs.get("column") or config.kwargs.get("column_list"),
                "unexpected_count": details.get("unexpected_count", details.get("observed_value")),
                "sample": (details.get("partial_unexpected_list") or [])[:5],
            }
        )
    return SuiteResult(suite.name, suite.asset, bool(validation.success), len(validation.results), failures)


def run_gate(warehouse: Path, suites: list[Suite] | None = None) -> list[SuiteResult]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [run_suite(con, suite) for suite in (suites if suites is not None else load_suites())]
    finally:
        con.close()
