#!/usr/bin/env python3
"""Scale benchmark (not a test): every format's wall time and peak resident memory for many
files and for the worst single files the size limit admits, each also at half its size, so that
linearity shows as a ratio (twice the input should take about twice the time).

Called by bench/scale.sh, which builds the binary; the inputs are generated here, under
bench/.work/scale (deterministic).

usage: scale.py BINARY [RUNS] [--quick] [--files-only]
  --quick leaves out the 100,000-file corpus; --files-only the worst single files (for an older
  binary, on which they take many minutes).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

binary = sys.argv[1]
args = [arg for arg in sys.argv[2:] if not arg.startswith("--")]
runs = int(args[0]) if args else 3
quick = "--quick" in sys.argv
files_only = "--files-only" in sys.argv
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = os.path.join(root, "bench", ".work", "scale")
FORMATS = ["human", "json", "sarif", "github", "azure", "junit", "gitlab"]
MIB = 1024 * 1024
GUID = "3f2b8c1e-7d4a-4b6e-9c2f-1a5e8d7b6c40"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.exists(path):
        with open(path, "w") as handle:
            handle.write(text)
    return path


def corpus(count):
    """`count` connector files, 10% with errors, as bench/gen_corpus.py makes them."""
    directory = os.path.join(work, f"corpus-{count}")
    if not os.path.isdir(os.path.join(directory, "yaml")):
        subprocess.run([sys.executable, os.path.join(root, "bench", "gen_corpus.py"), directory,
                        str(count)], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(directory, "yaml")


def fill(line, size):
    """Lines made by `line(index)` up to `size` bytes."""
    parts, total, index = [], 0, 0
    while True:
        text = line(index)
        if total + len(text) > size:
            return "".join(parts)
        parts.append(text)
        total += len(text)
        index += 1


def repeated_keys(size):
    # One mapping repeating one key: a `load/duplicate-key` per line (issue 17).
    return "x:\n" + fill(lambda index: "  a: 1\n", size - 3)


def many_keys(size):
    # 100,000 distinct keys in one mapping at 1 MiB: a `key/unknown` per key (issue 12, item 8).
    return fill(lambda index: f"k{index}: 1\n", size)


def secret_keys(size):
    # 42,000 keys named s<i>Secret at 1 MiB, each holding a secret value (issue 12, item 8).
    return fill(lambda index: f"s{index}Secret: v{index:07d}\n", size)


def documents(size):
    # 20,000 documents in one stream at 1 MiB, each a record missing its secret (issue 12).
    return fill(lambda index: f"---\nclientId: {GUID}\nn: {index}\n", size)


WORST = {
    "repeated keys": repeated_keys,
    "100,000 keys": many_keys,
    "42,000 secret keys": secret_keys,
    "20,000 documents": documents,
}


def worst_file(name, size):
    slug = name.replace(",", "").replace(" ", "-")
    return write(os.path.join(work, f"{slug}-{size // 1024}k.yaml"), WORST[name](size))


def command(target, form):
    return [binary, "check", target, "--format", form]


def measure(cmd):
    """Wall time (s) of one run; the report goes to /dev/null."""
    start = time.perf_counter()
    code = subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited with {code}")
    return elapsed


def peak_memory(cmd):
    """Peak resident memory (MiB) of one run, by GNU time."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.call(["/usr/bin/time", "-o", report.name, "-f", "%M", *cmd],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(report.read().strip().splitlines()[-1]) / 1024


def row(label, target):
    times, memory = [], []
    for form in FORMATS:
        cmd = command(target, form)
        memory.append(peak_memory(cmd))
        times.append(statistics.median(measure(cmd) for _ in range(runs)))
    return label, times, memory


def show(title, rows):
    print(f"\n{title}\n")
    print("| input | " + " | ".join(FORMATS) + " |")
    print("|---" * (len(FORMATS) + 1) + "|")
    for label, times, memory in rows:
        cells = [f"{t * 1000:.0f} ms / {m:.0f} MiB" for t, m in zip(times, memory)]
        print(f"| {label} | " + " | ".join(cells) + " |")


rows = []
counts = [10_000] if quick else [10_000, 100_000]
for count in counts:
    rows.append(row(f"{count:,} files", corpus(count)))
show(f"Many files: median wall time of {runs} runs / peak RSS", rows)

if files_only:
    sys.exit(0)
rows = []
ratios = []
for name in WORST:
    half = row(f"{name}, 512 KiB", worst_file(name, MIB // 2))
    whole = row(f"{name}, 1 MiB", worst_file(name, MIB - 1024))
    rows += [half, whole]
    ratios.append((name, [w / h for w, h in zip(whole[1], half[1])]))
show(f"Worst single files: median wall time of {runs} runs / peak RSS", rows)
print("\nTime for 1 MiB over time for 512 KiB (linear work gives about 2):\n")
print("| input | " + " | ".join(FORMATS) + " |")
print("|---" * (len(FORMATS) + 1) + "|")
for name, values in ratios:
    print(f"| {name} | " + " | ".join(f"{value:.2f}" for value in values) + " |")
