#!/usr/bin/env bash
# Reproducible side-by-side benchmark (not a test): generates the corpus, installs the peer tools
# from their registries when missing, builds connector-lint, and prints medians and ratios.
#
#   bench/compare.sh [FILES] [RUNS]      defaults: 10000 files, 5 runs
#
# Everything it creates lives under bench/.work (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-10000}
runs=${2:-5}
work=bench/.work
corpus=$work/corpus-$files
tools=$work/tools

if [ ! -d "$corpus/yaml" ]; then
  python3 bench/gen_corpus.py "$corpus" "$files"
fi
if [ ! -x "$tools/node_modules/.bin/ajv" ]; then
  mkdir -p "$tools"
  npm install --silent --prefix "$tools" ajv-cli@5 ajv-formats@3
fi
if [ ! -x "$tools/venv/bin/check-jsonschema" ]; then
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet 'check-jsonschema==0.39.*'
fi
# CONNECTOR_LINT=path/to/binary compares that binary instead of building this tree's;
# CONNECTOR_LINT_BEFORE=path/to/older/binary adds it to the same alternation.
if [ -z "${CONNECTOR_LINT:-}" ]; then
  cargo build --profile dist --quiet
fi
python3 bench/compare.py "$corpus" "$tools" "$runs"
