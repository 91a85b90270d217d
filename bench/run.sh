#!/usr/bin/env bash
# The benchmarks in one command. Markdown tables on stdout, progress on stderr, JSON results in bench/results/.
#   ./bench/run.sh [--quick] [--events N] ...    the ingest/query bench (every contender, same events)
#   ./bench/run.sh --scenario push|scaling|fleet|abuse ...   one other scenario (--scenario push --help); fleet
#                                                installs wrk with apt-get when it is missing
#   ./bench/run.sh --memory                      bytes per heatmap-hour and per open track
#   ./bench/run.sh --all [ingest options]        all of them, one after another: the whole table (about 65 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

# The fleet scenario's gateways are wrk (Debian's package), in a process of their own; installed when missing, as
# scripts/test.sh installs its tools. `--driver http` drives the fleet from the bench process instead.
needs_wrk() {
    [[ " $* " == *" --all "* ]] && return 0
    [[ " $* " == *" --scenario fleet "* && " $* " != *" --driver http "* && " $* " != *" --help "* ]]
}
if needs_wrk "$@" && ! command -v wrk >/dev/null; then
    scripts/apt-install.sh run.sh wrk
fi

if [[ "${1:-}" != "--all" ]]; then
    exec dotnet run -c Release --project bench/HeatmapSaas.Bench -- "$@"
fi

shift
dotnet build -c Release --nologo -v quiet bench/HeatmapSaas.Bench >&2
bench() { dotnet run --no-build -c Release --project bench/HeatmapSaas.Bench -- "$@"; }
bench "$@"
bench --events 10000000 --only product,postgres --reps 1 --queries 200 --no-load --out bench/results/10m.json
bench --days 7 --locations 2 --reps 1 --queries 100 --only product,postgres --out bench/results/week.json
bench --memory
bench --scenario push
bench --scenario scaling
bench --scenario fleet
