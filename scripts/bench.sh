#!/usr/bin/env bash
# make bench (SQLite in .bench/) and make bench-postgres (a throwaway PostgreSQL cluster, through
# scripts/with-postgres.sh): migrate, fill with the province-scale data when empty, measure.
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python

if ! command -v wrk >/dev/null; then
    echo "Installing wrk (the load generator) with apt"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y -qq wrk >/dev/null || $sudo sh -c "apt-get update -qq && apt-get install -y -qq wrk"
fi

export DJANGO_SETTINGS_MODULE=portal.settings.bench
export SECRET_KEY="${SECRET_KEY:-benchmark-only-not-a-secret-3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c}"
export ALLOWED_HOSTS=localhost,127.0.0.1
# Under scripts/with-redis.sh (make bench-postgres) the Redis is the registration race's: its two app servers
# share it, as a deployment's do. The rows measured in this process keep the local-memory cache that every
# earlier figure was measured with.
if [ -n "${CACHE_URL:-}" ]; then
    export RACE_CACHE_URL="$CACHE_URL"
    unset CACHE_URL
fi
if [ -z "${DATABASE_URL:-}" ]; then
    mkdir -p .bench
    export DATABASE_URL="sqlite:///$PWD/.bench/scale.sqlite3"
fi

# The feeds at 2,000 events (their own budgets), in a database of their own kept beside the other.
if [[ "$DATABASE_URL" == sqlite* ]]; then
    feeds_url="sqlite:///$PWD/.bench/feeds-2000.sqlite3"
else
    feeds_url="${DATABASE_URL%/*}/portal_feeds"
    $python - "$DATABASE_URL" <<'PYTHON'
import sys

import psycopg

with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = 'portal_feeds'").fetchone():
        connection.execute("CREATE DATABASE portal_feeds")
PYTHON
fi
DATABASE_URL="$feeds_url" $python manage.py migrate --noinput -v0
DATABASE_URL="$feeds_url" $python manage.py bench --generate --feeds-only --institutions 200 --events 2000 --years 2 "$@"

$python manage.py migrate --noinput -v0
$python manage.py bench --generate "$@"
