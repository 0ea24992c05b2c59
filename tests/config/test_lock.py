"""Every install comes from uv.lock, and uv.lock says what pyproject.toml asks for.

`make install` runs `uv sync --locked`, which refuses a stale lock; these checks say the same
without a network, name what disagrees, and also prove that the environment the tests run in was
installed from the lock.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PYPROJECT = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
LOCK = tomllib.loads((BASE_DIR / "uv.lock").read_text())
PACKAGES = {canonicalize_name(package["name"]): package for package in LOCK["package"]}
PROJECT = PACKAGES[canonicalize_name(PYPROJECT["project"]["name"])]


def _declared() -> list[tuple[Requirement, str | None]]:
    """(requirement, extra) for every dependency pyproject.toml declares."""
    declared: list[tuple[Requirement, str | None]] = [
        (Requirement(line), None) for line in PYPROJECT["project"]["dependencies"]
    ]
    for extra, lines in PYPROJECT["project"].get("optional-dependencies", {}).items():
        declared += [(Requirement(line), extra) for line in lines]
    return declared


def _key(name: str, extras: list[str], specifier: str, extra: str | None) -> tuple:
    return (canonicalize_name(name), frozenset(extras), SpecifierSet(specifier), extra)


def test_lock_records_exactly_the_dependencies_pyproject_declares():
    declared = {
        _key(req.name, sorted(req.extras), str(req.specifier), extra) for req, extra in _declared()
    }
    locked = set()
    for entry in PROJECT["metadata"]["requires-dist"]:
        marker = entry.get("marker", "")
        extra = marker.split("==")[1].strip(" '\"") if "extra ==" in marker else None
        locked.add(_key(entry["name"], entry.get("extras", []), entry.get("specifier", ""), extra))

    assert declared - locked == set(), "declared in pyproject.toml, not in uv.lock: `make lock`"
    assert locked - declared == set(), "in uv.lock, no longer in pyproject.toml: `make lock`"


def test_every_locked_direct_dependency_satisfies_its_specifier():
    for requirement, _extra in _declared():
        package = PACKAGES[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(Version(package["version"]), prereleases=True), (
            f"{requirement.name} {package['version']} is locked but {requirement} is asked for"
        )


def test_every_locked_distribution_carries_a_hash():
    for name, package in PACKAGES.items():
        if "virtual" in package["source"] or "editable" in package["source"]:
            continue
        files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
        assert files, f"{name} has no distribution in uv.lock"
        assert all(file.get("hash", "").startswith("sha256:") for file in files), name


def test_uv_itself_is_the_release_pyproject_requires():
    required = PYPROJECT["tool"]["uv"]["required-version"]
    assert required == f"=={PACKAGES['uv']['version']}"


def test_the_environment_was_installed_from_the_lock():
    checked = 0
    for name, package in PACKAGES.items():
        if "virtual" in package["source"]:
            continue
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # a package for another platform or Python (its marker does not apply)
        assert Version(installed) == Version(package["version"]), (
            f"{name} {installed} is installed, uv.lock has {package['version']}: `make install`"
        )
        checked += 1
    for requirement, _extra in _declared():
        importlib.metadata.version(requirement.name)  # raises if a declared package is missing
    assert checked >= len(_declared())
