#!/usr/bin/env bash
# Load benchmark of the journey pages and the all-canvases PDF.
#
# Everything is throwaway and local: a fresh SQLite database and var/ directory in a temporary
# directory, gunicorn bound to 127.0.0.1 only, and both removed on exit. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

UV=${UV:-uv}
PORT=${BENCH_PORT:-8001}
WORKERS=${BENCH_WORKERS:-3}
DURATION=${BENCH_DURATION:-15s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
EMAIL=facilitator@acme.example
PASSWORD=demo-password-2026
BASE="http://127.0.0.1:$PORT"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mesh-bench.XXXXXX")
SERVER_PID=""

cleanup() {
    # The master's own pid file first: TERM to it stops the workers too, whatever uv does.
    if [[ -s $WORK/gunicorn.pid ]]; then
        kill -TERM "$(cat "$WORK/gunicorn.pid")" 2>/dev/null || true
    fi
    if [[ -n $SERVER_PID ]]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Never touch a real database or cache: the run gets its own SQLite file and cache table.
unset DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=config.settings.production
export MESH_PLAIN_HTTP=1
export MESH_VAR_DIR="$WORK/var"
export SQLITE_PATH="$WORK/var/bench.sqlite3"
export ALLOWED_HOSTS=127.0.0.1

echo "Preparing a throwaway database in $WORK"
$UV run python manage.py migrate --noinput -v0
$UV run python manage.py createcachetable
$UV run python manage.py load_demo >/dev/null
$UV run python manage.py collectstatic --noinput -v0

if curl -s -o /dev/null --max-time 2 "$BASE/"; then
    echo "Something already answers on $BASE; set BENCH_PORT to a free port." >&2
    exit 1
fi
# No control socket: its default path is shared with any other gunicorn run by this user.
$UV run --no-sync gunicorn config.wsgi:application \
    --bind "127.0.0.1:$PORT" --workers "$WORKERS" --graceful-timeout 5 --no-control-socket \
    --pid "$WORK/gunicorn.pid" --logger-class config.gunicorn.RedactingLogger \
    >"$WORK/gunicorn.log" 2>&1 &
SERVER_PID=$!

server_log() {
    echo "---- last lines of the server log" >&2
    tail -n 30 "$WORK/gunicorn.log" >&2
}

# Ready once it answers at all; whether the answer is right is checked at sign-in.
for _ in $(seq 1 50); do
    curl -sS -o /dev/null --max-time 2 "$BASE/accounts/login/" 2>/dev/null && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "gunicorn exited" >&2
        server_log
        exit 1
    fi
    sleep 0.2
done

echo "Signing in as $EMAIL"
JAR="$WORK/cookies.txt"
STATUS=$(curl -sS --max-time 10 -c "$JAR" -o /dev/null -w '%{http_code}' "$BASE/accounts/login/")
if [[ $STATUS != 200 ]]; then
    echo "The sign-in page answered HTTP $STATUS" >&2
    server_log
    exit 1
fi
CSRF=$(awk '$6 == "csrftoken" { print $7 }' "$JAR")
STATUS=$(curl -sS --max-time 10 -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code}' \
    -H "Referer: $BASE/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$CSRF" \
    --data-urlencode "email=$EMAIL" \
    --data-urlencode "password=$PASSWORD" \
    "$BASE/accounts/login/")
SESSION=$(awk '$6 == "sessionid" { print $7 }' "$JAR")
if [[ $STATUS != 302 || -z $SESSION ]]; then
    echo "Sign-in failed (HTTP $STATUS)" >&2
    server_log
    exit 1
fi
COOKIE="Cookie: sessionid=$SESSION; csrftoken=$CSRF"

# /healthz (no database, no template) is the floor the journey pages are read against.
for path in /healthz /o/acme/journey/ /o/acme/journey/3/ /o/acme/journey/3/edit/ \
    /o/acme/journey/my-actions/; do
    echo
    echo "==== GET $path: wrk -t2 -c$CONNECTIONS -d$DURATION"
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency \
        -s bench/report.lua -H "$COOKIE" "$BASE$path"
done

# The same pages in process, without gunicorn or the network: what Django itself costs.
echo
echo "==== Pages in process: bench/pages.py"
$UV run python bench/pages.py

# PDFs are made by the export worker, not in a request: bench/pdf.py times its renderer on
# a throwaway database of its own (bench/README.md).
echo
echo "==== PDF exports: bench/pdf.py"
$UV run python bench/pdf.py
