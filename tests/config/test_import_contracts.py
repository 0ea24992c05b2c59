"""The apps depend one way (the contracts in pyproject.toml, checked by `lint-imports` in
`make test`). These tests prove the contracts bite: a copy of the code with one import that runs
against the layers fails, naming it; the code as it is passes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["root_packages"]


@pytest.fixture(scope="module")
def code_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Python files of every checked package and the contracts, nothing else."""
    copy = tmp_path_factory.mktemp("contracts")
    for package in _packages():
        shutil.copytree(
            ROOT / package,
            copy / package,
            ignore=shutil.ignore_patterns("*.html", "*.txt", "*.css", "*.js", "__pycache__"),
        )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=where,
        env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def add_module(copy: Path, path: str, source: str) -> Path:
    module = copy / path
    module.write_text(source)
    return module


def test_the_code_keeps_every_contract(code_copy):
    result = lint_imports(code_copy)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("path", "source", "broken"),
    [
        # A lower layer importing a higher one.
        (
            "projects/upward.py",
            "from portal import views  # noqa\n",
            "projects is not allowed to import portal",
        ),
        # Siblings stay independent.
        (
            "risks/sideways.py",
            "import feedback.models  # noqa\n",
            "risks is not allowed to import feedback",
        ),
        # common knows no app.
        (
            "common/knows_an_app.py",
            "from accounts.models import User  # noqa\n",
            "common is not allowed to import accounts",
        ),
        # No app imports the composition root.
        (
            "reports/reads_config.py",
            "from config import celery  # noqa\n",
            "reports is not allowed to import config",
        ),
    ],
)
def test_an_import_against_the_layers_fails_naming_it(code_copy, path, source, broken):
    module = add_module(code_copy, path, source)
    try:
        result = lint_imports(code_copy)
    finally:
        module.unlink()

    assert result.returncode != 0
    assert broken in result.stdout
    assert Path(path).with_suffix("").as_posix().replace("/", ".") in result.stdout
