"""The PDFs named in BibTeX ``file`` fields, as Zotero and Better BibTeX export them:

    file = {Full Text PDF:/home/me/Zotero/storage/AB12CD34/Smith - 2020 - Title.pdf:application/pdf}
    file = {files/12/smith2020.pdf}                         (relative to the .bib file's folder)
    file = {C\\:\\\\Users\\\\me\\\\paper.pdf}                    (Windows, with escaped colons and backslashes)

several separated by ``;``. Each PDF is attached to the paper the entry was imported as.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..jobs import check, report
from .attach import AttachResult, attach_file


def _split_unescaped(s: str, sep: str, keep_escapes: bool = False) -> list[str]:
    """Split at unescaped ``sep``; a backslash escapes the next character (kept when ``keep_escapes``)."""
    parts, cur, i = [], "", 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            cur += s[i:i + 2] if keep_escapes else s[i + 1]
            i += 2
            continue
        if ch == sep:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    parts.append(cur)
    return parts


def file_field_paths(field: str, bib_folder: Path) -> list[Path]:
    """The PDF paths of one ``file`` field (relative ones resolved against the .bib file's folder)."""
    out = []
    for item in _split_unescaped(field, ";", keep_escapes=True):
        item = item.strip()
        if not item:
            continue
        parts = _split_unescaped(item, ":")
        if len(parts) >= 3:                                    # description:path:mime (Zotero)
            path = ":".join(parts[1:-1])
        elif len(parts) == 2 and len(parts[0]) == 1:           # C:\... left unescaped
            path = ":".join(parts)
        else:
            path = parts[-1]
        if not path.lower().endswith(".pdf"):
            continue
        p = Path(path).expanduser()
        out.append(p if p.is_absolute() else bib_folder / p)
    return out


def attach_bibtex_files(lib, bib_path: str | Path, *, progress=None, cancel=None) -> list[AttachResult]:
    """Attach every PDF the ``file`` fields of an imported .bib file name (import the file first)."""
    from ..models import Paper
    from ..sources.files import read_bibtex

    bib_path = Path(bib_path).resolve()
    records = [r for r in read_bibtex(bib_path) if isinstance(r, Paper) and isinstance(r.raw, dict)
               and r.raw.get("file")]
    known = lib.source_record_papers("bibtex", [r.source_key for r in records])
    results = []
    for k, rec in enumerate(records):
        check(cancel)
        report(progress, k, len(records), f"attaching the files of {rec.source_key}")
        pid: Optional[int] = known.get(("bibtex", rec.source_key))
        for ident in (rec.doi, rec.arxiv_id):
            if pid is None and ident:
                try:
                    pid = lib.resolve(ident)
                except Exception:                              # not in the library
                    pass
        for path in file_field_paths(rec.raw["file"], bib_path.parent):
            if pid is None:
                results.append(AttachResult(file=str(path), status="failed",
                                            message=f"{rec.location}: the entry is not in the library (import the file first)"))
            elif not path.is_file():
                results.append(AttachResult(file=str(path), status="failed", paper_id=pid,
                                            message=f"{rec.location}: the file field names {path}, which does not exist"))
            else:
                results.append(attach_file(lib, path, paper_id=pid, source="bibtex", cancel=cancel))
    report(progress, len(records), len(records), "attached")
    return results
