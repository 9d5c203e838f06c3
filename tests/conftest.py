from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return REPO / "raw"
