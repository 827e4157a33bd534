"""Shared fixtures: the sample publication (this repository) and its build."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from diglot.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The sample issue 2026-10's articles, in order.
SAMPLE_ARTICLES = [
    "editors-note",
    "repair-as-design",
    "courtyard-climate",
    "songs-of-the-river",
    "gardens-and-livelihoods",
    "counting-the-creative-economy",
]


def run(*args: str, cwd: Path | None = None):
    """Run the diglot CLI in-process; returns click's Result (stdout, stderr, exit_code)."""
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), catch_exceptions=False)
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def copy_publication(source: Path, target: Path) -> Path:
    """A copy of a publication without its build output, to change freely."""
    shutil.copytree(
        source,
        target,
        ignore=shutil.ignore_patterns("build", ".venv", ".git", "__pycache__", ".pytest_cache", "src", "tests", "bench", "docs"),
    )
    return target


def pdftotext(pdf: Path, *extra: str) -> str:
    return subprocess.run(["pdftotext", *extra, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The sample Creative 2030 issue built (release mode) into a temporary folder."""
    out = tmp_path_factory.mktemp("sample-build")
    result = run("--root", str(REPO), "-q", "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def slow_streets_build(tmp_path_factory) -> Path:
    """tests/fixtures/slow-streets (Chinese lines full of Latin words and digits) built as print and parallel PDFs."""
    root = copy_publication(FIXTURES / "slow-streets", tmp_path_factory.mktemp("slow-streets") / "pub")
    out = root.parent / "out"
    result = run("--root", str(root), "-q", "build", "--format", "pdf,parallel", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out
