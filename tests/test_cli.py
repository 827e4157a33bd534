"""The command line: help, version, exit codes, init, new-issue, doctor."""

from __future__ import annotations

import pytest

from diglot import __version__
from diglot.cli import main

from .conftest import REPO, run

COMMANDS = sorted(main.commands)


def test_the_spec_commands_of_this_release_exist():
    assert {"init", "new-issue", "validate", "extract", "update", "build", "doctor"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"diglot {command}" in result.stdout


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"diglot, version {__version__}"


def test_wrong_use_exits_2():
    assert run("build", "--format", "epub").exit_code == 2
    assert run("--root", str(REPO), "update", "-l", "tlh").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_outside_a_publication(tmp_path):
    result = run("validate", cwd=tmp_path)
    assert result.exit_code == 1
    assert "error: no periodical.yaml in" in result.stderr
    assert "Traceback" not in result.output


def test_finds_the_root_by_walking_up():
    result = run("validate", cwd=REPO / "issues/2026-10/articles")
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.stdout


def test_init_makes_a_publication_that_builds_at_once(tmp_path):
    root = tmp_path / "mag"
    assert run("init", str(root)).exit_code == 0
    result = run("--root", str(root), "-q", "build")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # -q: no list of files written, no report
    assert (root / "build/pdf/example.zh-hans.pdf").is_file()
    assert (root / "build/pdf/example.parallel.pdf").is_file()
    assert (root / "build/site/en/example/welcome/index.html").is_file()
    again = run("init", str(root))
    assert again.exit_code == 1 and "is not empty" in again.stderr


def test_new_issue_scaffolds_a_valid_issue(tmp_path):
    root = tmp_path / "mag"
    run("init", str(root))
    result = run("--root", str(root), "new-issue", "2027-04", "--date", "2027-04")
    assert result.exit_code == 0, result.output
    text = (root / "issues/2027-04/issue.yaml").read_text(encoding="utf-8")
    assert "number: 2\n" in text and "date: 2027-04\n" in text
    assert run("--root", str(root), "validate").exit_code == 0
    assert run("--root", str(root), "new-issue", "2027-04").exit_code == 1
    bad = run("--root", str(root), "new-issue", "Spring_Issue")
    assert bad.exit_code == 1 and "lowercase ASCII" in bad.stderr


def test_doctor_reports_fonts_subsetting_and_versions():
    result = run("doctor")
    assert result.exit_code == 0, result.output
    for what in ("font Noto Serif CJK SC", "font Noto Sans CJK SC", "HarfBuzz subsetting: available", "WeasyPrint: ", "Pango: "):
        assert what in result.stdout


def test_doctor_names_the_fix_for_a_missing_font(monkeypatch):
    from diglot import doctor

    monkeypatch.setattr(doctor, "installed_families", lambda: {"Noto Serif", "Noto Sans"})
    result = run("doctor")
    assert result.exit_code == 1
    assert "FAIL font Noto Serif CJK SC: missing" in result.stdout
    assert "fix: apt-get install fonts-noto-cjk" in result.stdout
