"""The layers hold (the contracts are in pyproject.toml, [tool.importlinter]): the outcomes engine
knows no Flask, database or app; models know no services, analytics or pages; services and
analytics know no pages."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter")
ROOT = Path(__file__).resolve().parents[1]
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"


def _lint(project: Path) -> subprocess.CompletedProcess:
    """import-linter on ``project``'s packages, in a process of its own (its own imports)."""
    return subprocess.run([sys.executable, "-c", LINT], cwd=project, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(project)})


def test_every_layer_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("KEPT") == 3 and "BROKEN" not in result.stdout  # all three were checked


def test_a_page_imported_by_a_service_would_break_the_contract(tmp_path):
    """The check can fail: a copy of the project whose service imports a page breaks it."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "app", copy / "app", ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))
    shutil.copytree(ROOT / "outcomes", copy / "outcomes", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "app" / "services" / "leaky.py").write_text("from app.dashboard import routes  # noqa\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "app.services.leaky -> app.dashboard.routes" in result.stdout
