"""DESIGN.md's import arrows, enforced: a wrong import fails here, not in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ["claimtrack", "claims", "sources", "warehouse", "flows", "desk", "examples", "semantic"]

# package -> top-level modules it must never import
FORBIDDEN = {
    "claimtrack": {"claims", "sources", "warehouse", "flows", "desk", "duckdb", "prefect", "httpx"},
    "claims": {"sources", "warehouse", "flows", "desk", "duckdb", "prefect", "httpx", "requests",
               "urllib", "socket", "sqlite3"},
    "sources": {"warehouse", "flows", "desk", "duckdb", "prefect"},
    "warehouse": {"flows", "desk", "prefect", "httpx"},
    "flows": {"duckdb", "httpx"},
    "desk": {"duckdb", "prefect", "httpx"},
    "examples": {"claims", "sources", "warehouse", "flows", "desk", "duckdb", "prefect", "httpx"},
    "semantic": {"claims", "sources", "warehouse", "flows", "desk", "duckdb", "prefect", "httpx"},
}
# flows may use the pure report renderer of desk/, nothing else of it
ALLOWED_SUBMODULES = {"flows": {"desk.report"}}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def cases() -> list[tuple[str, Path]]:
    return [(pkg, path) for pkg in PACKAGES for path in sorted((REPO / pkg).rglob("*.py"))]


@pytest.mark.parametrize(("package", "path"), cases(), ids=lambda v: str(v))
def test_imports_run_one_way(package: str, path: Path) -> None:
    allowed = ALLOWED_SUBMODULES.get(package, set())
    wrong = sorted(
        name for name in imports_of(path)
        if name.split(".")[0] in FORBIDDEN[package]
        and not any(name == a or name.startswith(a + ".") for a in allowed)
    )
    assert not wrong, f"{path.relative_to(REPO)} imports {wrong}, against DESIGN.md's layering"
