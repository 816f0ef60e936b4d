"""The examples run: examples/python builds a demo store and analyses it; the README's
analyst example runs too."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

EXAMPLES = ROOT / "examples" / "python"

pytest.importorskip("pandas")
pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    subprocess.run([sys.executable, str(EXAMPLES / "make_demo_store.py"), str(path)], check=True)
    return path


def test_the_analyst_script(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "analyst.py"), str(demo_store), "--period", "2026",
         "--compare", "2025", "--out", str(out)],
        check=True, capture_output=True, text=True,
    )
    assert "Xếp hạng kỳ 2026" in run.stdout and "SO-TC" in run.stdout
    png = (out / "groups.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    import pandas as pd

    sheets = pd.read_excel(out / "report.xlsx", sheet_name=None)
    assert set(sheets) == {"ranking", "groups", "change"}
    ranking = sheets["ranking"]
    assert len(ranking) == 9 and set(ranking["criteria_set"]) == {"iso-so-2026", "cchc-huyen-2026"}


def test_the_readme_example(demo_store: Path, tmp_path: Path) -> None:
    readme = (ROOT / "bindings-python" / "README.md").read_text("utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.S)
    assert block is not None
    code = block.group(1).replace('"chamdiem.db"', repr(str(demo_store)))
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert "SO-TC" in run.stdout
    assert (tmp_path / "ranking-2026.xlsx").exists() and (tmp_path / "groups-2026.png").exists()
