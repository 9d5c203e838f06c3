"""The Dagster code location: every asset, check, job, schedule, sensor and resource in one place."""
import dagster as dg

from .resources import WarehouseResource, dbt_resource, prepare_dbt_manifest

prepare_dbt_manifest()

from .assets.dbt import budget_dbt_models  # noqa: E402  (needs the manifest)
from .assets.extraction import extracted_documents, raw_document_files  # noqa: E402
from .assets.publish import published_warehouse  # noqa: E402
from .assets.raw_layer import raw_layer  # noqa: E402
from .checks import ge_checks  # noqa: E402
from .jobs import document_refresh_job, full_rebuild_job  # noqa: E402
from .resources import DUCKDB_POOL  # noqa: E402
from .schedules import nightly_rebuild  # noqa: E402
from .sensors import raw_documents_sensor  # noqa: E402

defs = dg.Definitions(
    assets=[raw_document_files, extracted_documents, raw_layer, budget_dbt_models, published_warehouse],
    asset_checks=ge_checks,
    jobs=[full_rebuild_job, document_refresh_job],
    schedules=[nightly_rebuild],
    sensors=[raw_documents_sensor],
    resources={"warehouse": WarehouseResource(), "dbt": dbt_resource()},
)

__all__ = ["defs", "DUCKDB_POOL"]
