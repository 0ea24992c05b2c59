"""The production image builds: its steps (scripts/build_image_steps.sh, which the Dockerfile runs)
are run here on the checkout, so a build that would fail fails `make test` first.

Docker is not needed: the runtime packages are installed from uv.lock into a temporary
environment (from uv's cache, offline: `make install` filled it), and the image's `assets` step
compiles the translations, collects the static files with the production settings (hashed names,
a manifest, compressed copies) and builds the PDF fonts, into temporary folders.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

BASE_DIR = Path(__file__).resolve().parent.parent.parent
STEPS = BASE_DIR / "scripts" / "build_image_steps.sh"
VENDOR = BASE_DIR / "static" / "vendor"
VENV_BIN = Path(sys.executable).parent


def run_steps(*steps: str, env: dict[str, str], timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(STEPS), *steps],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def runtime_environment(tmp_path_factory) -> Path:
    """The image's `python-packages` step into a temporary environment: what the image holds."""
    environment = tmp_path_factory.mktemp("image") / "venv"
    result = run_steps(
        "python-packages",
        env={
            "UV": str(VENV_BIN / "uv"),
            "PYTHON": sys._base_executable,
            "UV_PROJECT_ENVIRONMENT": str(environment),
            "UV_PYTHON_DOWNLOADS": "never",
            "UV_OFFLINE": "1",
        },
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return environment


def locked_runtime_packages() -> dict[str, str]:
    """Name -> version of everything `uv sync --locked --no-dev` installs here: the project's
    dependencies (not its dev extra) and theirs, with the extras asked for, markers evaluated."""
    lock = tomllib.loads((BASE_DIR / "uv.lock").read_text())
    packages = {canonicalize_name(package["name"]): package for package in lock["package"]}
    project = packages["rapport"]
    wanted: dict[str, str] = {}
    pending = list(project["dependencies"])
    while pending:
        dependency = pending.pop()
        marker = dependency.get("marker")
        if marker and not Marker(marker).evaluate({"extra": ""}):
            continue
        name = canonicalize_name(dependency["name"])
        package = packages[name]
        for extra in dependency.get("extra", []):
            pending += package.get("optional-dependencies", {}).get(extra, [])
        if name in wanted:
            continue
        wanted[name] = package["version"]
        pending += package.get("dependencies", [])
    return wanted


def test_image_holds_exactly_the_locked_runtime_packages(runtime_environment):
    listing = subprocess.run(
        [
            str(runtime_environment / "bin" / "python"),
            "-c",
            "import importlib.metadata as m, json; "
            "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {canonicalize_name(k): v for k, v in json.loads(listing.stdout).items()}

    assert installed == locked_runtime_packages()
    # The test and tooling packages of the dev extra stay out of the image.
    assert {"pytest", "playwright", "ruff", "uv"}.isdisjoint(installed)
    assert {"django", "gunicorn", "celery", "weasyprint", "whitenoise"} <= installed.keys()


@pytest.mark.slow
def test_image_assets_step_collects_every_vendored_file_into_the_manifest(
    runtime_environment, tmp_path
):
    static_root, font_dir = tmp_path / "static", tmp_path / "fonts"

    result = run_steps(
        "assets",
        env={
            "UV_PROJECT_ENVIRONMENT": str(runtime_environment),
            "STATIC_ROOT": str(static_root),
            "PDF_FONT_DIR": str(font_dir),
        },
        timeout=900,
    )

    assert result.returncode == 0, result.stderr
    paths = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    vendored = sorted(
        path.relative_to(VENDOR.parent).as_posix()
        for path in VENDOR.rglob("*")
        if path.is_file() and path.name != "VERSIONS.txt"
    )
    assert len(vendored) == 7
    for name in [*vendored, "css/rapport.css", "js/rapport.js", "js/ev_chart.js"]:
        hashed = paths[name]
        assert re.search(r"\.[0-9a-f]{12}\.", hashed), hashed
        assert (static_root / hashed).is_file()
        if name.endswith((".js", ".css")):
            collected = (static_root / hashed).read_text(encoding="utf-8")
            assert "sourceMappingURL" not in collected
            assert (static_root / f"{hashed}.gz").is_file()
    # The icons' stylesheet names its fonts by their hashed names.
    icons_css = (static_root / paths["vendor/bootstrap-icons/bootstrap-icons.min.css"]).read_text()
    font_name = Path(paths["vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"]).name
    assert f"fonts/{font_name}" in icons_css
    # The PDF fonts, cut from Noto Sans CJK.
    assert sorted(path.name for path in font_dir.iterdir()) == [
        "RapportSansSC-Bold.otf",
        "RapportSansSC-Regular.otf",
    ]
    assert all(path.stat().st_size > 1_000_000 for path in font_dir.iterdir())
    # The compiled catalogue the image serves.
    assert (BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo").is_file()


def test_no_vendored_file_names_a_source_map():
    named = [
        path.relative_to(BASE_DIR).as_posix()
        for path in VENDOR.rglob("*")
        if path.suffix in {".js", ".css"} and "sourceMappingURL" in path.read_text("utf-8")
    ]
    assert named == []


def test_source_map_comments_are_stripped_and_the_code_kept(tmp_path):
    script = tmp_path / "lib.min.js"
    script.write_text('!function(){var a="x"}();\n//# sourceMappingURL=lib.min.js.map\n')
    style = tmp_path / "lib.min.css"
    style.write_text(".a{color:red}\n/*# sourceMappingURL=lib.min.css.map */")
    plain = tmp_path / "plain.js"
    plain.write_text("var b = 1;\n")
    first = tmp_path / "first.css"
    first.write_text("/*# sourceMappingURL=first.css.map */\n.b{}\n")

    result = subprocess.run(
        [
            sys.executable,
            BASE_DIR / "scripts" / "strip_source_maps.py",
            *(script, style, plain, first),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert script.read_text() == '!function(){var a="x"}();\n'
    assert style.read_text() == ".a{color:red}"
    assert plain.read_text() == "var b = 1;\n"
    assert first.read_text() == "\n.b{}\n"


def test_a_source_map_reference_inside_code_stops_the_vendoring(tmp_path):
    script = tmp_path / "inline.js"
    script.write_text("var a = 1; //# sourceMappingURL=inline.js.map\n")

    result = subprocess.run(
        [sys.executable, BASE_DIR / "scripts" / "strip_source_maps.py", script],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "sourceMappingURL is left" in result.stderr


def test_dockerfile_builds_through_the_tested_steps():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    runs = re.findall(r"^RUN (.+?)(?<!\\)$", dockerfile, flags=re.MULTILINE | re.DOTALL)
    steps = [
        step
        for command in runs
        for step in re.findall(r"scripts/build_image_steps\.sh ([a-z-]+(?: [a-z-]+)*)", command)
    ]
    assert steps == ["system-packages", "uv python-packages", "assets"]
    # No install of its own: the packages come from uv.lock and scripts/debian_packages.txt.
    assert "pip install" not in dockerfile
    assert "apt-get" not in dockerfile
    # What the early COPY lines name exists.
    for line in re.findall(r"^COPY (?!\. \.)(.+) \S+$", dockerfile, flags=re.MULTILINE):
        for name in line.split():
            assert (BASE_DIR / name).is_file(), name


def system_packages(*arguments: str) -> list[str]:
    result = subprocess.run(
        ["bash", BASE_DIR / "scripts" / "system_deps.sh", *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_image_system_packages_step_finds_them_installed_here():
    # `make test` installed them (scripts/system_deps.sh): the step has nothing left to do.
    result = run_steps("system-packages", env={}, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert system_packages("--missing", "image") == []


def test_debian_packages_are_named_in_one_list():
    rows = [
        line.split()[:2]
        for line in (BASE_DIR / "scripts" / "debian_packages.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    listed = [name for name, _ in rows]
    image = system_packages("--list", "image")

    # `make test` installs all but the benchmark's load generator (`make bench-deps` does).
    assert system_packages("--list") == [name for name, who in rows if who != "bench"]
    assert system_packages("--list", "bench") == ["wrk"]
    assert image == [name for name, who in rows if who == "image"]
    assert "chromium" in system_packages("--list")
    # Nothing else installs a Debian package or repeats a package name.
    for path in [BASE_DIR / "Dockerfile", BASE_DIR / "Makefile", *BASE_DIR.glob(".ci/*")]:
        text = path.read_text()
        assert "apt-get install" not in text, path
        assert [name for name in listed if name in text] == [], path
