#!/usr/bin/env bash
# `make run`: migrate, seed the demo, start the web server and a Celery worker with beat on the
# embedded default, print the way in; the fonts PDFs embed are built in the background meanwhile.
#
#   scripts/run.sh [HOST] [PORT]
#
# Links in e-mails point at http://HOST:PORT (SITE_URL, for the web server and the worker alike)
# and the server answers to HOST (ALLOWED_HOSTS), unless the environment already sets them.
set -euo pipefail
cd "$(dirname "$0")/.."
host=${1:-127.0.0.1}
port=${2:-8000}
venv=${RAPPORT_VENV:-.venv}
py=$venv/bin/python
var=${RAPPORT_VAR_DIR:-var}

# An IPv6 address goes in brackets (runserver, URLs, ALLOWED_HOSTS); a wildcard address is where
# the server listens, not an address to send anyone to: links name this machine instead.
case "$host" in
  *:*) bind="[${host#[}" && bind="${bind%]}]" ;;
  *) bind=$host ;;
esac
case "$bind" in
  0.0.0.0 | "[::]") link_host=$(hostname) ;;
  *) link_host=$bind ;;
esac
export SITE_URL=${SITE_URL:-http://$link_host:$port}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1],$link_host}

mkdir -p "$var"
# What runs in the background (the font build, the worker) stops with the script.
background=()
stop_background() {
  local pid
  for pid in "${background[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${background[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_background EXIT INT TERM

# The fonts PDFs embed (scripts/build_pdf_fonts.py; nothing to do when they are up to date), at a
# low priority: the server does not wait for them. PDFs use the system's fonts until they are
# ready and the built ones from then on, without a restart (common/pdf.py).
nice -n 10 "$py" scripts/build_pdf_fonts.py >"$var/fonts.log" 2>&1 &
background+=($!)

# Migrate and seed the demo, in one process (setup_demo: a new SQLite database gets its schema
# from demo/sqlite_schema.sql instead of replaying every migration). Once, and before the worker
# starts (two writers at once would lock the SQLite file). It is idempotent: a second `make run`
# changes nothing.
seeded=$("$py" manage.py setup_demo)
sed '/Demo logins/,$d' <<<"$seeded"

# The worker, supervised: started again whenever it exits (a crash, a kill), until the script
# ends; stopping the supervisor stops the worker it runs.
supervise_worker() {
  local child=""
  trap 'if [ -n "$child" ]; then kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi; exit 0' TERM INT
  while true; do
    "$venv/bin/celery" -A config worker --beat --loglevel=INFO --concurrency=2 \
      --schedule "$var/celerybeat-schedule" >>"$var/celery.log" 2>&1 &
    child=$!
    wait "$child" && status=0 || status=$?
    echo "$(date -u +%FT%TZ) worker exited with status $status; starting it again in 2 s" \
      >>"$var/celery.log"
    sleep 2 &
    wait $! || true
  done
}
: >"$var/celery.log"
supervise_worker &
background+=($!)
echo
echo "Rapport is running at http://$link_host:$port/  (Celery worker with beat: log in $var/celery.log)"
echo "Links in e-mails point at $SITE_URL/. E-mails are written to $var/mail/. Stop with Ctrl-C."
sed -n '/Demo logins/,$p' <<<"$seeded"
echo
# Without the autoreloader: it would import the project twice before the first page (a process
# that only watches the files, and the server), and the worker does not reload either; after a
# change to the code, stop and start `make run` again.
"$py" manage.py runserver --noreload "$bind:$port"
