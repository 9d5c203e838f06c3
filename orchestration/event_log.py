"""Dagster's SQLite event log, writing a batch of asset events in one transaction per database.

A run over 10,000 documents records 10,000 partition materialisations. Dagster hands them to the
event log as one batch (when DAGSTER_EVENT_BATCH_SIZE is set), but its SQLite storage writes a batch
event by event: a new SQLAlchemy engine, connection and commit each, twice (the run's database and
the cross-run index), ~25 ms per partition, minutes per run. Here a batch of asset events is written
in one transaction on each database, the same rows in the same order; any other batch, and every
single event, goes through Dagster's own code. The databases, their place under DAGSTER_HOME and
their schema are Dagster's: the UI and the daemon read them as usual (orchestration/dagster.yaml
names this class). With Postgres event storage (Dagster's production setting) this class is not used.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from dagster import Field, StringSource
from dagster._core.events import ASSET_CHECK_EVENTS, ASSET_EVENTS, EVENT_TYPE_TO_PIPELINE_RUN_STATUS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlalchemy_compat import db_result

# Where Dagster keeps the SQLite event logs by default: the same place, so a home's earlier runs stay listed.
DEFAULT_SUBDIRECTORY = os.path.join("history", "runs", "")
# Events written in one transaction; the run sets DAGSTER_EVENT_BATCH_SIZE to this (orchestration/run.py).
EVENTS_PER_BATCH = 1000


class BatchedSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose batches of asset events cost two commits, not two per event."""

    @classmethod
    def config_type(cls):
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        base_dir = config_value.get("base_dir")
        if not base_dir:
            if not os.environ.get("DAGSTER_HOME"):
                raise ValueError("BatchedSqliteEventLogStorage needs DAGSTER_HOME set, or base_dir in its config")
            base_dir = os.path.join(os.environ["DAGSTER_HOME"], DEFAULT_SUBDIRECTORY)
        return cls(base_dir=base_dir, inst_data=inst_data)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if not events or len({event.run_id for event in events}) > 1 or not all(map(_plain_asset_event, events)):
            super().store_event_batch(events)
            return
        statements = [self.prepare_insert_event(event) for event in events]
        with self.run_connection(events[0].run_id) as conn:
            for statement in statements:
                conn.execute(statement)
        # Mirrored in the cross-run index, as store_event does for each asset event.
        with self.index_transaction() as conn:
            event_ids = []
            for statement in statements:
                with db_result(conn, statement) as result:
                    event_ids.append(result.inserted_primary_key[0])
            self._store_asset_event_tags(conn, list(events), event_ids)
            for event, event_id in zip(events, event_ids, strict=True):
                self._store_asset_event(conn, event, event_id)


def _plain_asset_event(event: EventLogEntry) -> bool:
    """An asset event that store_event writes only to the run's database and the index (no check, no run status)."""
    if not event.is_dagster_event or not event.dagster_event.asset_key:
        return False
    kind = event.dagster_event_type
    return kind in ASSET_EVENTS and kind not in ASSET_CHECK_EVENTS and kind not in EVENT_TYPE_TO_PIPELINE_RUN_STATUS
