#!/usr/bin/env bash
# The tests need the local PostgreSQL and Redis; start them if they are installed but stopped.
set -uo pipefail
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
fi
if ! (redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG); then
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  fi
fi
for _ in $(seq 1 20); do
  pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && break
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
# The database named in the URL (the tests create test_<name> beside it; `makemigrations --check`
# reads the migration history from it).
if [ -n "${RAPPORT_TEST_DATABASE_URL:-}" ]; then
  .venv/bin/python - "$RAPPORT_TEST_DATABASE_URL" <<'PY'
import sys
from urllib.parse import urlsplit

import psycopg2

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
connection = psycopg2.connect(
    dbname="postgres", user=url.username or "postgres", password=url.password,
    host=url.hostname or "127.0.0.1", port=url.port or 5432,
)
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cursor.fetchone() is None:
        cursor.execute(f'CREATE DATABASE "{name}"')
connection.close()
PY
fi
