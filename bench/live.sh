#!/usr/bin/env bash
# Live boards under load: 200 participants holding streams while notes are posted, on SQLite
# and, when it answers on 127.0.0.1:5432, on PostgreSQL (a throwaway database, created and
# dropped). Loopback only; each run stops by itself within a few minutes. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

UV=${UV:-uv}
status=0
$UV run --no-sync python bench/live.py --db sqlite "$@" || status=1
if $UV run --no-sync python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 1)' \
    2>/dev/null; then
    $UV run --no-sync python bench/live.py --db postgres "$@" || status=1
else
    echo "PostgreSQL does not answer on 127.0.0.1:5432: its run is skipped."
fi
exit $status
