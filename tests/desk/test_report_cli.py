"""``claimtrack report``: article reports by id or URL, run summaries, and one-line input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack.errors import InputError
from desk.cli import app
from tests.desk.report_fixtures import ARTICLE_ID, ARTICLE_URL, RUN_ID, build_fixture_warehouse

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "wh.duckdb"
    build_fixture_warehouse(path)
    return path


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["report", *args])


def test_markdown_to_stdout_by_id(db: Path) -> None:
    result = _run(ARTICLE_ID, "--db", str(db), "--format", "md")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Fact check: Riverton says water use fell 12% in 2025")


def test_html_to_a_file_by_url(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    result = _run(ARTICLE_URL + "/", "--db", str(db), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", ["json", "claimreview"])
def test_json_formats(db: Path, fmt: str) -> None:
    result = _run(ARTICLE_ID, "--db", str(db), "-f", fmt)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["schema"] == "claimtrack.report/1") if fmt == "json" else len(data) == 2


def test_latest_run(db: Path) -> None:
    result = _run("--run", "latest", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"# Run `{RUN_ID}`")


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_run_summary(db: Path, fmt: str) -> None:
    result = _run("--run", RUN_ID, "--db", str(db), "-f", fmt)
    assert result.exit_code == 0, result.output
    assert RUN_ID in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give an article"),
        ([ARTICLE_ID, "--run", RUN_ID], "give an article"),
        ([ARTICLE_ID, "-f", "pdf"], "unknown report format 'pdf'"),
        (["https://nowhere.example/x"], "no article 'https://nowhere.example/x'"),
        (["--run", "r_nope"], "no run 'r_nope'"),
        (["--run", RUN_ID, "-f", "html"], "a run report is md or json"),
    ],
)
def test_bad_input_is_one_clear_input_error(db: Path, args: list[str], message: str) -> None:
    result = _run(*args, "--db", str(db))
    assert isinstance(result.exception, InputError), result.output
    assert message in str(result.exception) and "\n" not in str(result.exception)


def test_missing_warehouse_is_input_error(tmp_path: Path) -> None:
    result = _run(ARTICLE_ID, "--db", str(tmp_path / "none.duckdb"))
    assert isinstance(result.exception, InputError)
    assert not (tmp_path / "none.duckdb").exists()


def test_json_flag_and_output_directory(db: Path, tmp_path: Path) -> None:
    result = _run(ARTICLE_ID, "--db", str(db), "--json", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / f"{ARTICLE_ID}.json").read_text(encoding="utf-8"))
    assert data["article"]["id"] == ARTICLE_ID
    result = _run("--run", RUN_ID, "--db", str(db), "-o", str(tmp_path))
    assert (tmp_path / f"{RUN_ID}.run.md").read_text(encoding="utf-8").startswith("# Run")
    result = _run(ARTICLE_ID, "--db", str(db), "--json", "-f", "md")
    assert isinstance(result.exception, InputError)
