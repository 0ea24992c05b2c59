#!/usr/bin/env bash
# Start the web server and a Celery worker with beat on the embedded default, print the way in.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
py=.venv/bin/python
mkdir -p var
.venv/bin/celery -A config worker --beat --loglevel=INFO --concurrency=2 \
  --schedule var/celerybeat-schedule >var/celery.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
echo "Rapport is running at http://$host:$port/  (Celery worker with beat: log in var/celery.log)"
echo "E-mails are written to var/mail/. Stop with Ctrl-C."
$py manage.py seed_demo | sed -n '/Demo logins/,$p'
echo
$py manage.py runserver "$host:$port"
