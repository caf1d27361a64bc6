#!/usr/bin/env bash
# Make sure PostgreSQL answers at the admin URL; start the local cluster if it is down.
# The PostgreSQL half of the suite (and its concurrency tests) must never be skipped.
set -euo pipefail
url="${1:-postgresql://postgres@127.0.0.1:5432/postgres}"
if pg_isready -q -d "$url" 2>/dev/null; then exit 0; fi
echo "==> PostgreSQL is not answering; starting the local cluster"
if command -v pg_ctlcluster >/dev/null 2>&1; then
  version=$(ls /etc/postgresql | head -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
for _ in $(seq 1 30); do
  pg_isready -q -d "$url" 2>/dev/null && exit 0
  sleep 1
done
echo "PostgreSQL is unreachable at $url: the suite needs it (start it or set PG_ADMIN)." >&2
exit 1
