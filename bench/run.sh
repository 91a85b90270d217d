#!/usr/bin/env bash
# The ingest/query benchmark in one command: ./bench/run.sh [--quick] [--events N] [--locations N] [--reps N] ...
# Prints a markdown table on stdout, progress on stderr, and writes bench/results/latest.json.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project bench/HeatmapSaas.Bench -- "$@"
