import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("TIJDLIJN_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    d = data_dir()
    if not d.exists():
        pytest.skip(f"shared research data not available at {d}")
    return d


@pytest.fixture
def reference_article() -> Path:
    p = data_dir().parent / "examples" / "is-audio-2018-08.nl.txt"
    if not p.exists():
        pytest.skip("reference article not available")
    return p
