"""Shared helpers for the experiments tests: small specs and a library filled with real arXiv papers."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"

SMALL_IRIS = """
name = "iris-small"
[data]
dataset = "iris"
[model]
family = "mlp"
hidden = [16]
dropout = 0.1
[train]
epochs = 6
batch_size = 16
lr = 0.01
early_stopping = 3
[eval]
folds = 3
seeds = [0]
"""


def write_spec(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def fill_library_with_arxiv(lib, shared_data: Path, per_category: int = 25,
                            categories=("cs.CV", "cs.CL", "cs.RO")) -> dict[str, list[int]]:
    """Insert the first ``per_category`` papers of each primary category from the real arXiv slice."""
    want = {c: [] for c in categories}
    path = shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh, lib.transaction() as conn:
        for line in fh:
            rec = json.loads(line)
            cats = (rec.get("categories") or "").split()
            if not cats or cats[0] not in want or len(want[cats[0]]) >= per_category or not rec.get("abstract"):
                continue
            cur = conn.execute(
                "INSERT INTO papers (title, abstract, authors, year, arxiv_id, primary_category, categories,"
                " norm_title, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (rec["title"], rec["abstract"], rec.get("authors") or "", 2025, rec["id"], cats[0], " ".join(cats),
                 rec["title"].lower(), "2026-01-01"))
            want[cats[0]].append(cur.lastrowid)
            if all(len(v) >= per_category for v in want.values()):
                break
    return want
