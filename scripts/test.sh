#!/usr/bin/env bash
# The one test command. Installs what the tests need when it is missing (a PostgreSQL server for the PostgreSQL
# tests, which start their own throwaway server; Chromium for the browser tests; promtool for the metrics test; the contract tests' npm tools),
# then runs every test.
# Extra arguments go to `dotnet test`, e.g. ./scripts/test.sh --filter "FullyQualifiedName~Postgres".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
# The server binaries (initdb, pg_ctl), not just the psql client.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# promtool, which the metrics test runs on a live /metrics.
command -v promtool >/dev/null || missing+=(prometheus)
# requests, which seed 000's Python example (examples/heatmaps.py) imports.
python3 -c 'import requests' 2>/dev/null || missing+=(python3-requests)

if ((${#missing[@]} > 0)); then
    scripts/apt-install.sh test.sh "${missing[@]}"
fi

# Spectral, openapi-typescript and tsc for the contract tests, pinned by tests/contract/package-lock.json; after
# this the tests run offline. Skipped when the lock is unchanged since the last install.
contract=tests/contract
if [[ ! -f $contract/node_modules/.package-lock.json || $contract/package-lock.json -nt $contract/node_modules/.package-lock.json ]]; then
    echo "test.sh: installing the contract tests' npm tools ..."
    (cd "$contract" && npm ci --no-audit --no-fund --loglevel=error)
fi

exec dotnet test HeatmapSaas.sln -c Release --nologo "$@"
