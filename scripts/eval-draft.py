#!/usr/bin/env python3
"""How close `k8s-study draft` comes to our hand-made entries (docs/draft.md).

    scripts/eval-draft.py ARTICLES_DIR [VERSION] [BINARY]

ARTICLES_DIR holds saved copies of reading-list posts named ID.md or ID.html, where ID is
the entry's id in mappings/ (the texts are never committed: save them yourself). Each is
drafted with `--repo` of its entry at VERSION (default: v1.20.2, the built-in pin, so both
sides name the same release) and compared with the entry's steps: recall = hand-made steps
the draft found / hand-made steps; precision = draft steps that are hand-made steps / draft
steps. Prints a Markdown table. Reads sources as the binary does (K8S_STUDY_MIRROR,
K8S_STUDY_SOURCE…).
"""
import json
import os
import subprocess
import sys

import_yaml = None
try:
    import yaml as import_yaml  # PyYAML, if present
except ImportError:
    pass

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
folder = sys.argv[1]
version = sys.argv[2] if len(sys.argv) > 2 else "v1.20.2"
binary = sys.argv[3] if len(sys.argv) > 3 else os.path.join(here, "target/release/k8s-study")


def entries():
    """id -> (repo, [symbols]) from `k8s-study lookup ID --format json` (no YAML parser needed)."""
    out = {}
    for name in sorted(os.listdir(folder)):
        stem, ext = os.path.splitext(name)
        if ext not in (".md", ".html", ".htm"):
            continue
        shown = subprocess.run([binary, "lookup", stem, "--format", "json"], capture_output=True,
                               text=True)
        if shown.returncode != 0:
            print(f"skip {name}: no entry `{stem}` in the mapping", file=sys.stderr)
            continue
        article = json.loads(shown.stdout)["article"]
        out[stem] = (os.path.join(folder, name), article["repo"],
                     [s["symbol"] for s in article["steps"]])
    return out


rows = []
totals = [0, 0, 0]
for id_, (path, repo, hand) in entries().items():
    run = subprocess.run([binary, "-q", "draft", path, "--repo", repo, "--at", version,
                          "--format", "json"], capture_output=True, text=True)
    if run.returncode > 1:
        print(f"{id_}: draft failed: {run.stderr.strip()}", file=sys.stderr)
        continue
    drafted = [s["symbol"] for s in json.loads(run.stdout)["draft"]["steps"]]
    hits = len(set(hand) & set(drafted))
    totals[0] += hits
    totals[1] += len(hand)
    totals[2] += len(drafted)
    recall = hits / len(hand) if hand else 0.0
    precision = hits / len(drafted) if drafted else 0.0
    rows.append((id_, len(hand), len(drafted), hits, recall, precision))

print(f"| article | hand-made steps | drafted steps | in both | recall | precision |")
print("|---|---:|---:|---:|---:|---:|")
for id_, h, d, both, r, p in rows:
    print(f"| {id_} | {h} | {d} | {both} | {r:.2f} | {p:.2f} |")
hits, hand, drafted = totals
print(f"| **all** | {hand} | {drafted} | {hits} | {hits / max(hand, 1):.2f} | {hits / max(drafted, 1):.2f} |")
