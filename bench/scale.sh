#!/usr/bin/env bash
# Scale benchmark (not a test): every format's time and peak memory for 10,000 and 100,000 files
# and for the worst single files the size limit admits (issue 17 and issue 12, item 8), each also
# at half its size to show the work is linear.
#
#   bench/scale.sh [RUNS] [--quick] [--files-only]
#       defaults: 3 runs; --quick leaves out 100,000 files, --files-only the worst single files
#
# Builds the benchmarked binary (the `dist` profile) unless CONNECTOR_LINT names one; everything
# it creates lives under bench/.work (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${CONNECTOR_LINT:-target/dist/connector-lint}
if [ -z "${CONNECTOR_LINT:-}" ]; then
  cargo build --profile dist --quiet
fi
python3 bench/scale.py "$binary" "$@"
