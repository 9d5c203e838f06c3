"""Great Expectations suites as blocking asset checks on the marts they guard.

A failing suite stops the run before ``published_warehouse``; each result is
also written beside the candidate, and publication refuses a candidate for
which any suite has no passing result (nothing unchecked is published).
"""

from pathlib import Path

import dagster as dg

from orchestration.defs.resources import WarehouseResource
from orchestration.quality.gate import Suite, SuiteResult, load_suites, run_gate
from orchestration.warehouse import gate_dir, pause_point


def record(candidate: Path, result: SuiteResult) -> None:
    folder = gate_dir(candidate)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{result.suite}.json").write_text(result.to_json(), encoding="utf-8")


def _check_for(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["marts", suite.asset]),
        name=f"ge_{suite.name}",
        description=f"Great Expectations suite expectations/suites/{suite.name}.json: {suite.description}",
        blocking=True,
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        # Rows as the published warehouse holds them passed this suite when it was published: not validated again.
        [result] = run_gate(warehouse.candidate, [suite], published=warehouse.published)
        record(warehouse.candidate, result)
        pause_point("gate")
        return dg.AssetCheckResult(
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=result.summary(),
            metadata={
                "expectations": result.evaluated,
                "documents_as_published": result.unchanged_documents,
                "failures": dg.MetadataValue.json(result.failures),
                **({"error": result.error} if result.error else {}),
            },
        )

    return _check


ge_checks = [_check_for(suite) for suite in load_suites()]
