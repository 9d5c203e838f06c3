"""The raw layer: a fresh candidate warehouse holding every loadable document's rows."""

import polars as pl
import dagster as dg

from orchestration.corpus import Candidate, decide
from orchestration.documents import scan_raw_dir
from budget_extraction.model import RAW_TABLES
from orchestration.defs.resources import DUCKDB_POOL, WarehouseResource
from orchestration.warehouse import build_raw_layer, read_reviewed
from orchestration.defs.assets.extraction import extracted_documents

RAW_LAYER_TABLES = [*RAW_TABLES, "document_status", "reviewed_inconsistencies"]


def _identity(store, document_id: str) -> tuple | None:
    path = store.root / "documents" / f"{document_id}.parquet"
    if not path.exists():
        return None
    row = pl.read_parquet(path).row(0, named=True)
    return (row["department_name"], row["region"], row["fiscal_year"], row["stage"], row["scope"])


def corpus_candidates(warehouse: WarehouseResource) -> list[Candidate]:
    """What is known of every document: files in raw/ now, and documents extracted earlier."""
    store = warehouse.store
    statuses = store.statuses()
    files = {f.document_id: f for f in scan_raw_dir(warehouse.raw_path)}
    candidates = []
    for document_id in sorted(set(files) | set(statuses)):
        raw = files.get(document_id)
        status = statuses.get(document_id)
        if raw is not None and raw.refused:
            candidates.append(Candidate(document_id, raw.path.name, "quarantined", None, raw.refused, None,
                                        False, None, 0.0, True))
            continue
        if status is None:
            candidates.append(Candidate(document_id, raw.path.name, "quarantined", None,
                                        "not extracted yet (its partition has not run)", None, False, None, 0.0, True))
            continue
        candidates.append(Candidate(
            document_id=document_id,
            file_name=status["file_name"],
            status=status["status"],
            source_sha256=status.get("source_sha256"),
            text_sha256=status.get("text_sha256"),
            error=status.get("error"),
            error_line=status.get("error_line"),
            has_rows=store.has_rows(document_id),
            identity=_identity(store, document_id),
            modified=raw.path.stat().st_mtime if raw is not None else 0.0,
            present=raw is not None,
        ))
    return candidates


@dg.multi_asset(
    specs=[dg.AssetSpec(["raw", table], deps=[extracted_documents], group_name="raw", kinds={"duckdb"})
           for table in RAW_LAYER_TABLES],
    pool=DUCKDB_POOL,
    description="Builds a fresh candidate warehouse whose raw schema holds the rows of every loadable document.",
)
def raw_layer(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    decisions = decide(corpus_candidates(warehouse))
    for decision in decisions:
        if decision.status != "loaded":
            context.log.warning(f"{decision.status}: {decision.detail}")
    counts = build_raw_layer(warehouse.candidate, warehouse.store, decisions, read_reviewed())
    counts["document_status"] = len(decisions)
    for table in RAW_LAYER_TABLES:
        yield dg.MaterializeResult(asset_key=["raw", table], metadata={"rows": counts.get(table, 0)})
