from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return REPO / "raw"


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest the Dagster definitions read (``dagster dev`` prepares it itself; a test does not)."""
    from orchestration.defs.project import dbt_project, prepare_outside_dev

    prepare_outside_dev()
    return dbt_project.manifest_path
