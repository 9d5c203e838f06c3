"""The one job: extract the run's documents, rebuild the warehouse from every stored extraction, check, publish.

Its partitions choose only which documents are extracted again: the nightly schedule runs them
all (one run over the whole range), the raw/ sensor the one document whose file changed. The
raw layer, the marts and the gate always cover the whole corpus.
"""

import dagster as dg

rebuild_warehouse_job = dg.define_asset_job(
    "rebuild_warehouse",
    selection=dg.AssetSelection.all(),
    description="Extract the documents of the run's partitions, rebuild the candidate warehouse, check it, publish.",
)
