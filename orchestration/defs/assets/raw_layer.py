"""The raw layer: a fresh candidate warehouse holding every loadable document's rows."""

import dagster as dg
import polars as pl
import yaml

from budget_extraction.model import RAW_TABLES
from orchestration import run_lock
from orchestration.corpus import Candidate, decide
from orchestration.defs.assets.extraction import extracted_documents
from orchestration.defs.resources import DUCKDB_POOL, WarehouseResource
from orchestration.documents import scan_raw_dir
from orchestration.warehouse import REPO_ROOT, build_raw_layer, read_reviewed

RAW_LAYER_TABLES = [*RAW_TABLES, "document_status", "reviewed_inconsistencies"]
# dbt documents each raw table where the staging models read it: the assets show that text.
RAW_SOURCES_YML = REPO_ROOT / "dbt_project" / "models" / "staging" / "_sources.yml"


def raw_table_descriptions() -> dict[str, str]:
    """What each raw table holds, as dbt's `raw` source describes it (one text per table, written once)."""
    spec = yaml.safe_load(RAW_SOURCES_YML.read_text("utf-8"))
    [raw] = [source for source in spec["sources"] if source["name"] == "raw"]
    return {table["name"]: " ".join(table["description"].split()) for table in raw["tables"]}


def _document_row(store, document_id: str) -> dict | None:
    path = store.root / "documents" / f"{document_id}.parquet"
    return pl.read_parquet(path).row(0, named=True) if path.exists() else None


def _identity(row: dict | None) -> tuple | None:
    if row is None:
        return None
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
            candidates.append(
                Candidate(document_id, raw.path.name, raw.refused_as, None, raw.refused, None, False, None, 0.0, True)
            )
            continue
        if status is None:
            candidates.append(
                Candidate(
                    document_id,
                    raw.path.name,
                    "quarantined",
                    None,
                    "not extracted yet (its partition has not run)",
                    None,
                    False,
                    None,
                    0.0,
                    True,
                )
            )
            continue
        row = _document_row(store, document_id)
        candidates.append(
            Candidate(
                document_id=document_id,
                file_name=status["file_name"],
                status=status["status"],
                source_sha256=status.get("source_sha256"),
                text_sha256=status.get("text_sha256"),
                error=status.get("error"),
                error_line=status.get("error_line"),
                has_rows=store.has_rows(document_id),
                identity=_identity(row),
                modified=raw.path.stat().st_mtime if raw is not None else 0.0,
                present=raw is not None,
                # Extractions stored before parts were recognised have no document_part: whole documents.
                document_part=(row or {}).get("document_part") or "complete",
            )
        )
    return candidates


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", table],
            deps=[extracted_documents],
            group_name="raw",
            kinds={"duckdb"},
            description=raw_table_descriptions()[table],
        )
        for table in RAW_LAYER_TABLES
    ],
    pool=DUCKDB_POOL,
    description="Builds a fresh candidate warehouse whose raw schema holds the rows of every loadable document.",
)
def raw_layer(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    run_lock.claim_now(warehouse.published, context.run.run_id, context.instance)  # held since extraction
    decisions = decide(corpus_candidates(warehouse))
    for decision in decisions:
        if decision.status != "loaded":
            context.log.warning(f"{decision.status}: {decision.detail}")
    store = warehouse.store
    # A new version not yet published: the one published before is checked beside it, to stay if it is held.
    kept = [d.document_id for d in decisions if d.load and store.earlier_version(d.document_id)]
    counts = build_raw_layer(warehouse.candidate, store, decisions, read_reviewed(), kept)
    counts["document_status"] = len(decisions)
    for table in RAW_LAYER_TABLES:
        yield dg.MaterializeResult(asset_key=["raw", table], metadata={"rows": counts.get(table, 0)})
