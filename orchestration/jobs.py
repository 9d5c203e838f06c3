"""Jobs: the full rebuild, and the refresh after one document changes."""
import dagster as dg

full_rebuild_job = dg.define_asset_job(
    "full_rebuild",
    selection=dg.AssetSelection.all(),
    description="Extract every document of raw/ (all partitions in one run), rebuild, check and publish.",
)

# What depends on one document: the same graph, launched for that document's partition only.
document_refresh_job = dg.define_asset_job(
    "document_refresh",
    selection=dg.AssetSelection.all(),
    description="Re-extract the documents of the run's partitions, rebuild the marts, check and publish.",
)
