"""Where the repository's labelled CS abstracts live (data/annotations/cs-shortcomings)."""

from pathlib import Path

ANNOTATIONS = Path(__file__).resolve().parents[2] / "data" / "annotations" / "cs-shortcomings"
