#!/bin/sh
# Seeds fuzz/corpus/check from the repository's fixtures: each file, prefixed with the selector
# byte the target reads first (0: YAML, 1: JSON; the other bits pick the report style).
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/check
find ../fixtures -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | while read -r file; do
    case "$file" in *.json) selector='\001' ;; *) selector='\000' ;; esac
    name=$(printf '%s' "$file" | tr '/.' '__')
    { printf "$selector"; cat "$file"; } > "corpus/check/$name"
done
echo "seeded $(ls corpus/check | wc -l) inputs into fuzz/corpus/check"
