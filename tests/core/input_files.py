"""Build import files in a temporary folder from real records of ../shared/data: arXiv snapshot lines
(the Kaggle head and the cs file) and rows of the real screening CSVs."""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
from pathlib import Path


def arxiv_lines(shared_data: Path, n: int, start: int = 0, name: str = "arxiv/kaggle-snapshot-head200.jsonl") -> list[str]:
    path = shared_data / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [line for line in itertools.islice(f, start, start + n)]


def arxiv_records(shared_data: Path, n: int, start: int = 0) -> list[dict]:
    return [json.loads(line) for line in arxiv_lines(shared_data, n, start)]


def _title(rec: dict) -> str:
    return " ".join(rec["title"].split())


def bib_entry(rec: dict, key: str, close: bool = True, parens: bool = False) -> str:
    authors = " and ".join(f"{last}, {first}".strip(", ") for last, first, *_ in rec["authors_parsed"])
    body = (f"  title = {{{_title(rec)}}},\n  author = {{{authors}}},\n"
            f"  year = {{{rec['versions'][0]['created'].split()[3]}}},\n  eprint = {{{rec['id']}}},\n"
            f"  archiveprefix = {{arXiv}}\n")
    if parens:
        return f"@article({key},\n{body})\n\n"
    return f"@article{{{key},\n{body}" + ("}\n\n" if close else "\n")


def ris_record(rec: dict, title: bool = True) -> str:
    lines = ["TY  - JOUR"]
    if title:
        lines.append(f"TI  - {_title(rec)}")
    lines += [f"AU  - {last}, {first}" for last, first, *_ in rec["authors_parsed"]]
    lines += [f"PY  - {rec['versions'][0]['created'].split()[3]}", f"UR  - https://arxiv.org/abs/{rec['id']}", "ER  - ", ""]
    return "\n".join(lines) + "\n"


def screening_rows(shared_data: Path, n: int, name: str = "screening/cohen2006-adhd.csv") -> tuple[list[str], list[list[str]]]:
    """The header and the first ``n`` rows with a title of a real screening CSV."""
    with open(shared_data / name, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        ti = header.index("title")
        rows = [r for r in reader if r[ti].strip()][:n]
    return header, rows


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()
