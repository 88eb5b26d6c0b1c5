#!/usr/bin/env python3
"""Side-by-side benchmark: connector-lint against `cat`, ajv-cli 5 and check-jsonschema 0.39.

Runs every command several times, alternating between them so that machine noise spreads evenly,
and prints medians, ratios and peak resident memory. Called by bench/compare.sh, which prepares the
corpus and the peer tools.

usage: compare.py CORPUS_DIR TOOLS_DIR [RUNS]

CONNECTOR_LINT_BEFORE=path adds that binary (an older build) as "connector-lint (before)", run in
the same alternation, so that a change is measured side by side with what it changes.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

corpus, tools = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# CONNECTOR_LINT names another binary to compare (e.g. one built from an older commit).
lint = os.environ.get("CONNECTOR_LINT") or os.path.join(root, "target", "dist", "connector-lint")
schema = os.path.join(root, "schemas", "appmixer.azuredevops.schema.json")
yaml_dir = os.path.join(corpus, "yaml")
json_dir = os.path.join(corpus, "json")
yaml_files = sorted(os.path.join(yaml_dir, name) for name in os.listdir(yaml_dir))
ajv = os.path.join(tools, "node_modules", ".bin", "ajv")
check_jsonschema = os.path.join(tools, "venv", "bin", "check-jsonschema")
one_yaml = yaml_files[1]
one_json = os.path.join(json_dir, os.path.basename(one_yaml)[: -len(".yaml")] + ".json")


def ajv_command(data):
    return [ajv, "validate", "--spec=draft2020", "-c", "ajv-formats", "--strict=false",
            "--all-errors", "-s", schema, "-d", data]


# name -> (command, expected exit statuses)
many = {
    "cat": (["cat", *yaml_files], {0}),
    "connector-lint": ([lint, "check", yaml_dir, "--format", "json"], {0, 1}),
    "ajv-cli": (ajv_command(os.path.join(json_dir, "*.json")), {0, 1}),
    "check-jsonschema": ([check_jsonschema, "--schemafile", schema, *yaml_files], {0, 1}),
}
before = os.environ.get("CONNECTOR_LINT_BEFORE")
if before:
    many["connector-lint (before)"] = ([before, "check", yaml_dir, "--format", "json"], {0, 1})
one = {
    "connector-lint (1 file)": ([lint, "check", one_yaml, "--format", "json"], {0, 1}),
    "ajv-cli (1 file)": (ajv_command(one_json), {0, 1}),
    "check-jsonschema (1 file)": ([check_jsonschema, "--schemafile", schema, one_yaml], {0, 1}),
}
if before:
    one["connector-lint (before, 1 file)"] = ([before, "check", one_yaml, "--format", "json"],
                                              {0, 1})


def check_status(command, code, expected):
    if code not in expected:
        sys.exit(f"{command[0]} exited with {code}; is it installed? (see bench/compare.sh)")


def measure(command, expected):
    """Wall time (s) of one run."""
    start = time.perf_counter()
    code = subprocess.call(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    check_status(command, code, expected)
    return elapsed


def peak_memory(command, expected):
    """Peak resident memory (KiB) of one run, measured by GNU time in a separate run: a child
    forked from Python would count Python's own pages before its exec."""
    with tempfile.NamedTemporaryFile("r") as report:
        code = subprocess.call(["/usr/bin/time", "-o", report.name, "-f", "%M", *command],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        check_status(command, code, expected)
        return int(report.read().strip().splitlines()[-1])


def series(commands):
    times = {name: [] for name in commands}
    # The first run warms the page cache and measures memory.
    memory = {name: peak_memory(command, expected) for name, (command, expected) in commands.items()}
    for _ in range(runs):
        for name, (command, expected) in commands.items():
            times[name].append(measure(command, expected))
    return {name: statistics.median(values) for name, values in times.items()}, memory


medians, memory = series(many)
single, single_memory = series(one)

print(f"{len(yaml_files)} files, median of {runs} runs, {os.cpu_count()} cores\n")
print("| command | median wall time | vs cat | connector-lint is faster by | peak RSS |")
print("|---|---|---|---|---|")
for name, value in medians.items():
    speedup = value / medians["connector-lint"]
    print(f"| {name} | {value * 1000:.0f} ms | {value / medians['cat']:.2f} | "
          f"{speedup:.1f}x | {memory[name] / 1024:.1f} MiB |")
print()
print("| one file | median wall time | connector-lint is faster by | peak RSS |")
print("|---|---|---|---|")
for name, value in single.items():
    speedup = value / single["connector-lint (1 file)"]
    print(f"| {name} | {value * 1000:.1f} ms | {speedup:.1f}x | "
          f"{single_memory[name] / 1024:.1f} MiB |")
