"""`make run` (scripts/run.sh): the demo is seeded once, the fonts are built in the background, and
links in e-mails point at the host and port the server listens on.

The script runs with stand-ins for the environment's python and celery that record how they were
called and return at once, so no server is left running; the settings are then read with what the
script hands its processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Each call: its arguments and the two variables, one JSON line.
RECORDER = """#!/usr/bin/env bash
printf '{"program": "%s", "args": "%s", "site_url": "%s", "allowed_hosts": "%s"}\\n' \
  "$(basename "$0")" "$*" "$SITE_URL" "$ALLOWED_HOSTS" >>"$RUN_LOG"
"""
# The server waits (a few seconds at most) until the worker, started just before it, and the font
# build (started first, at a low priority) have recorded their calls: the script stops both as
# soon as the server returns, and the server's call is then always the last one in the log,
# however busy the machine.
WAIT_FOR_WORKER = """#!/usr/bin/env bash
if [ "$2" = runserver ]; then
  for _ in $(seq 100); do [ -s "$RUN_LOG.worker" ] && break; sleep 0.1; done
  for _ in $(seq 100); do grep -q build_pdf_fonts "$RUN_LOG" && break; sleep 0.1; done
fi
"""
PYTHON_STAND_IN = (
    WAIT_FOR_WORKER
    + RECORDER.removeprefix("#!/usr/bin/env bash\n")
    + """if [ "$2" = setup_demo ]; then
  echo "Created 3 projects."
  echo
  echo "Demo logins (password for all: rapport-demo-2026):"
  echo "  pm@rapport.example           project manager"
fi
"""
)
# The worker stays up until the script stops it on its way out.
CELERY_STAND_IN = RECORDER + 'echo $$ >"$RUN_LOG.worker"\nexec sleep 60\n'


def run(
    tmp_path: Path,
    *arguments: str,
    python: str = PYTHON_STAND_IN,
    celery: str = CELERY_STAND_IN,
    **env: str,
) -> tuple[subprocess.CompletedProcess, list]:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name, text in {"python": python, "celery": celery}.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "calls.jsonl"
    log.unlink(missing_ok=True)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_URL", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        ["bash", BASE_DIR / "scripts" / "run.sh", *arguments],
        env={
            **environment,
            "RAPPORT_VENV": str(tmp_path / "venv"),
            "RAPPORT_VAR_DIR": str(tmp_path / "var"),
            "RUN_LOG": str(log),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    return result, calls


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state


def test_run_migrates_seeds_once_then_starts_worker_and_server(tmp_path):
    result, calls = run(tmp_path, "127.0.0.1", "8123")

    assert result.returncode == 0, result.stderr
    programs = [(call["program"], call["args"]) for call in calls]
    # The font build starts first, in the background, so the server does not wait for it.
    fonts = ("python", "scripts/build_pdf_fonts.py")
    assert programs.count(fonts) == 1
    programs.remove(fonts)
    # Migrate and seed, in one process, before anything else starts; the worker (in the
    # background) and the server then start side by side, so their order in the log is the
    # scheduler's.
    assert programs[:1] == [("python", "manage.py setup_demo")]
    assert sorted(programs[1:]) == [
        (
            "celery",
            "-A config worker --beat --loglevel=INFO --concurrency=2 "
            f"--schedule {tmp_path}/var/celerybeat-schedule",
        ),
        ("python", "manage.py runserver --noreload 127.0.0.1:8123"),
    ]
    # What the seeding created first, the logins last, next to the address.
    assert result.stdout.index("Created 3 projects.") < result.stdout.index("running at")
    assert result.stdout.index("running at http://127.0.0.1:8123/") < result.stdout.index(
        "pm@rapport.example"
    )
    assert result.stdout.count("Demo logins") == 1
    # The worker does not outlive the script.
    worker = int((tmp_path / "calls.jsonl.worker").read_text())
    for _ in range(50):
        if not is_running(worker):
            break
        time.sleep(0.1)
    assert not is_running(worker)


@pytest.mark.parametrize(
    ("host", "port", "site_url", "allowed_host", "bind"),
    [
        ("127.0.0.1", "8000", "http://127.0.0.1:8000", "127.0.0.1", "127.0.0.1:8000"),
        ("192.0.2.10", "9010", "http://192.0.2.10:9010", "192.0.2.10", "192.0.2.10:9010"),
        ("rapport.test", "8080", "http://rapport.test:8080", "rapport.test", "rapport.test:8080"),
        ("::1", "8443", "http://[::1]:8443", "[::1]", "[::1]:8443"),
    ],
)
def test_links_and_allowed_hosts_follow_host_and_port(
    tmp_path, host, port, site_url, allowed_host, bind
):
    result, calls = run(tmp_path, host, port)

    assert result.returncode == 0, result.stderr
    # The web server and the worker (which sends the e-mails) get the same values.
    assert {call["site_url"] for call in calls} == {site_url}
    [server] = [call for call in calls if " runserver " in call["args"]]
    assert server["args"] == f"manage.py runserver --noreload {bind}"
    hosts = server["allowed_hosts"].split(",")
    assert allowed_host in hosts
    assert {"localhost", "127.0.0.1"} <= set(hosts)
    # The settings the processes load read them: links in e-mails and the accepted Host header.
    settings = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "from feedback.links import feedback_link; "
            "print(settings.SITE_URL); print(feedback_link(7)); "
            "print(','.join(settings.ALLOWED_HOSTS))",
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.from_env",
            "DJANGO_ENV": "local",
            "RAPPORT_VAR_DIR": str(tmp_path / "var"),
            "SITE_URL": server["site_url"],
            "ALLOWED_HOSTS": server["allowed_hosts"],
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert settings[0] == site_url
    assert settings[1].startswith(f"{site_url}/")
    assert settings[1].endswith("?project=7")
    assert allowed_host in settings[2].split(",")


def test_wildcard_host_links_to_this_machine(tmp_path):
    machine = subprocess.run(["hostname"], capture_output=True, text=True, check=True).stdout
    result, calls = run(tmp_path, "0.0.0.0", "8001")  # noqa: S104  (what make run may be given)

    assert result.returncode == 0, result.stderr
    [server] = [call for call in calls if " runserver " in call["args"]]
    assert server["site_url"] == f"http://{machine.strip()}:8001"
    assert server["args"] == "manage.py runserver --noreload 0.0.0.0:8001"


def test_site_url_and_allowed_hosts_from_the_environment_are_kept(tmp_path):
    result, calls = run(
        tmp_path,
        "127.0.0.1",
        "8002",
        SITE_URL="https://demo.rapport.test",
        ALLOWED_HOSTS="demo.rapport.test",
    )

    assert result.returncode == 0, result.stderr
    assert {(call["site_url"], call["allowed_hosts"]) for call in calls} == {
        ("https://demo.rapport.test", "demo.rapport.test")
    }


# A worker that dies at once on its first start (as after an unrecoverable broker error) and
# stays up on its second; the server waits until the second start has been recorded.
CRASHING_CELERY_STAND_IN = (
    RECORDER
    + """if [ ! -e "$RUN_LOG.crashed" ]; then touch "$RUN_LOG.crashed"; exit 1; fi
echo $$ >"$RUN_LOG.worker"
exec sleep 60
"""
)
# (The worker's pid file is written by the second start only: the server waits up to 20 s.)
PYTHON_WAITING_FOR_RESTART = PYTHON_STAND_IN.replace("seq 100", "seq 200")


def test_a_worker_that_exits_is_started_again_and_stopped_with_the_script(tmp_path):
    result, calls = run(
        tmp_path,
        "127.0.0.1",
        "8124",
        python=PYTHON_WAITING_FOR_RESTART,
        celery=CRASHING_CELERY_STAND_IN,
    )

    assert result.returncode == 0, result.stderr
    starts = [call for call in calls if call["program"] == "celery"]
    assert len(starts) == 2
    assert starts[0]["args"] == starts[1]["args"]
    log = (tmp_path / "var" / "celery.log").read_text()
    assert "worker exited with status 1; starting it again in 2 s" in log
    # The restarted worker does not outlive the script either.
    worker = int((tmp_path / "calls.jsonl.worker").read_text())
    for _ in range(50):
        if not is_running(worker):
            break
        time.sleep(0.1)
    assert not is_running(worker)
