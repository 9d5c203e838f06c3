"""Each raw document is a partition of the extraction asset, keyed by its document_id."""

import dagster as dg

document_partitions = dg.DynamicPartitionsDefinition(name="document")
