"""Progress lines while the main job runs, read from the run's own event log.

The command line sends dbt's and Dagster's output to the run log; these lines say on the
terminal what the run is doing: documents extracted n/N, dbt models n/M, checks n/K, publication.
They are read from the event log the run writes, so they follow the run wherever its steps execute.
"""

from __future__ import annotations

import re
import threading
import time
from typing import TextIO

# The extraction step logs one such line per document; progress prints it as it comes.
EXTRACTED = "extracted {number}/{total}: {document}"
EXTRACTED_PATTERN = re.compile(r"^extracted \d+/\d+: ")
POLL_SECONDS = 1.0  # between two reads of the run's event log
# With nothing to report for this long, a line says which step is still running: never a silent minute.
HEARTBEAT_SECONDS = 30.0
DBT_REPORTS = 4  # dbt progress lines while the models build (at each quarter), besides the heartbeat

STEP_WORDS = {
    # The extraction asset's step (asset key extracted/documents); past its last document it records one
    # materialisation per partition in Dagster's event log, which takes a while at thousands of documents.
    "extracted__documents": "extracting documents (then recording each document's partition)",
    "raw_layer": "raw layer: loading every stored extraction into the candidate warehouse",
    "published_warehouse": "publishing: every suite passed, replacing the published warehouse",
}


def document_label(region: str | None, department: str | None, fiscal_year, stage: str | None) -> str:
    """A document as people name it: region, department, fiscal year and stage (budget / final)."""
    return " ".join(str(part) for part in (region, department, fiscal_year, stage) if part not in (None, ""))


class RunProgress(threading.Thread):
    """Follows one run's event log in a thread and prints a line per milestone to ``out``."""

    def __init__(self, instance, run_id: str, out: TextIO, dbt_models: set[tuple[str, ...]], suites: int):
        super().__init__(daemon=True)
        self.instance, self.run_id, self.out = instance, run_id, out
        self.dbt_models, self.suites = dbt_models, suites
        self.built: set[tuple[str, ...]] = set()
        self.checked = 0
        self.step = "starting"
        self.cursor = None
        self.last_line = time.monotonic()
        self.finished = threading.Event()

    def run(self) -> None:
        while not self.finished.wait(POLL_SECONDS):
            self.poll()
            if time.monotonic() - self.last_line >= HEARTBEAT_SECONDS:
                self.say(f"still running: {self.step}")

    def stop(self) -> None:
        """The run is over: report what remains in its event log, then end the thread."""
        self.finished.set()
        self.join()
        self.poll()

    def say(self, line: str) -> None:
        self.out.write(f"  {line}\n")
        self.out.flush()
        self.last_line = time.monotonic()

    def poll(self) -> None:
        try:
            while True:
                connection = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, limit=500)
                for record in connection.records:
                    self.on_entry(record.event_log_entry)
                self.cursor = connection.cursor
                if not connection.has_more:
                    return
        except Exception as error:  # progress is a courtesy: never let it stop the run
            self.say(f"(progress unavailable: {type(error).__name__}: {error})")
            self.finished.set()

    def on_entry(self, entry) -> None:
        event = entry.dagster_event
        if event is None:
            if EXTRACTED_PATTERN.match(entry.user_message or ""):
                self.say(entry.user_message)
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.on_step_start(event.step_key or "")
        elif kind == "ASSET_MATERIALIZATION" and event.asset_key is not None:
            self.on_materialization(tuple(event.asset_key.path))
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if evaluation.check_name.startswith("ge_"):
                self.checked += 1
                outcome = "passed" if evaluation.passed else "FAILED"
                self.say(f"checks {self.checked}/{self.suites}: {evaluation.check_name} {outcome}")
        elif kind == "STEP_FAILURE":
            self.say(f"step {event.step_key} failed (the summary says why)")

    def on_step_start(self, step: str) -> None:
        if step in STEP_WORDS:
            self.step = STEP_WORDS[step]
            self.say(self.step)
        elif "dbt" in step:
            self.step = f"dbt: building {len(self.dbt_models)} models and their tests"
            self.say(self.step)
        elif "ge_" in step:
            self.step = f"Great Expectations: {self.suites} suites"

    def on_materialization(self, key: tuple[str, ...]) -> None:
        if key == ("published", "warehouse"):
            self.say("published")
        if key not in self.dbt_models or key in self.built:
            return
        self.built.add(key)
        done, total = len(self.built), len(self.dbt_models)
        if done == total or done * DBT_REPORTS // total != (done - 1) * DBT_REPORTS // total:
            self.say(f"dbt models {done}/{total} built (last: {'.'.join(key)})")
        self.step = f"dbt: {done}/{total} models built"
