#!/usr/bin/env bash
# The suite again with the clock moved ahead (tests/clock.py), so that a fixture which ages with the
# calendar fails here and not on a later day. One run per offset, side by side, each with its own
# test database (<database>_<N>d; the Redis keys of a run carry its process id):
#   scripts/test_clock_ahead.sh DATABASE_URL REDIS_URL MARKERS OFFSET...
set -uo pipefail
cd "$(dirname "$0")/.."
database_url=$1 redis_url=$2 markers=$3
shift 3
mkdir -p var
pids=()
for days in "$@"; do
  RAPPORT_TEST_DATABASE_URL="${database_url}_${days}d" bash scripts/ensure_test_services.sh >/dev/null || exit 1
  RAPPORT_TEST_CLOCK_OFFSET_DAYS=$days DATABASE_URL="${database_url}_${days}d" REDIS_URL=$redis_url \
    .venv/bin/pytest --create-db -q -p no:cacheprovider -m "$markers" >"var/test-clock-${days}d.log" 2>&1 &
  pids+=("$!")
done
status=0
index=0
for days in "$@"; do
  if wait "${pids[$index]}"; then
    echo "clock $days days ahead (-m '$markers'): $(tail -n 1 "var/test-clock-${days}d.log")"
  else
    status=1
    echo "clock $days days ahead (-m '$markers') FAILED; var/test-clock-${days}d.log:"
    sed -n '/= FAILURES =\|= ERRORS =/,$p' "var/test-clock-${days}d.log"
    tail -n 5 "var/test-clock-${days}d.log"
  fi
  index=$((index + 1))
done
exit $status
