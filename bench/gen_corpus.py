#!/usr/bin/env python3
"""Generates the benchmark corpus: N connector configurations as YAML files and the same records as
JSON files (for ajv-cli, which reads JSON only). About 10% are invalid in varied ways.

usage: gen_corpus.py OUT_DIR [N]   (deterministic: the same N gives the same files)
"""
import json
import os
import random
import sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
rng = random.Random(20261126)
HEX = "0123456789abcdef"
SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~"


def guid():
    raw = "".join(rng.choice(HEX) for _ in range(32))
    return f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-8{raw[17:20]}-{raw[20:]}"


def secret():
    head = "".join(rng.choice("abcdefghXYZ") for _ in range(3)) + rng.choice("0123456789") + "Q~"
    return head + "".join(rng.choice(SECRET_CHARS) for _ in range(34))


def record(index):
    tenant = f"tenant{index % 700}"
    value = {
        "serviceId": "appmixer:azuredevops",
        "clientId": guid(),
        "clientSecret": secret(),
        "redirectUri": f"https://api.{tenant}.appmixer.cloud/auth/azuredevops/callback",
        "tenantId": guid(),
    }
    kind = index % 10
    if kind == 3 and index % 20 == 3:
        value["clientID"] = value.pop("clientId")  # key/misspelled
    elif kind == 3:
        value["clientSecret"] = guid()  # the Secret ID instead of the Value
    elif kind == 7 and index % 40 == 7:
        value["redirectUri"] = f"https://my.{tenant}.appmixer.cloud/auth/azuredevops/callback"
    return value


def to_yaml(value):
    lines = ["# connector configuration, generated for the benchmark"]
    for key, item in value.items():
        lines.append(f"{key}: {item}")
    return "\n".join(lines) + "\n"


yaml_dir = os.path.join(out, "yaml")
json_dir = os.path.join(out, "json")
os.makedirs(yaml_dir, exist_ok=True)
os.makedirs(json_dir, exist_ok=True)
for index in range(count):
    value = record(index)
    name = f"tenant-{index:05d}"
    with open(os.path.join(yaml_dir, name + ".yaml"), "w") as handle:
        handle.write(to_yaml(value))
    with open(os.path.join(json_dir, name + ".json"), "w") as handle:
        json.dump(value, handle, indent=2)
        handle.write("\n")
print(f"{count} YAML and {count} JSON files in {out}")
