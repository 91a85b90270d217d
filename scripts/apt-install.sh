#!/usr/bin/env bash
# Installs Debian packages with apt-get, as root or through sudo, quietly unless it fails (then the log goes to
# stderr). Used by scripts/test.sh (the tests' tools) and bench/run.sh (wrk for the fleet scenario).
#   scripts/apt-install.sh CALLER PACKAGE...
set -euo pipefail
caller=$1
shift

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null; then
    as_root=(sudo)
else
    echo "$caller: $* missing, and neither root nor sudo is available to install them" >&2
    exit 1
fi

echo "$caller: installing $* ..." >&2
log=$(mktemp)
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300)
if ! { "${as_root[@]}" "${apt[@]}" update && "${as_root[@]}" "${apt[@]}" install "$@"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "$caller: installing $* failed" >&2
    exit 1
fi
rm -f "$log"
