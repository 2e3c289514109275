"""Deleting papers: a wrong import, or the unwanted papers a folder of PDFs created, taken out again.

The store deletes the papers and everything that references them in one transaction; only after it
has committed are their PDFs removed from the storage folder, and a file only when no attachment
still keeps it (files are stored once, by content hash). Maps, concepts and gaps built from the
papers are left as they are: the library's fingerprint changes, so they show as out of date."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from .textfmt import plural


@dataclass
class DeletionReport:
    papers: int = 0
    ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)   # decisions, notes, highlights, attachments ...
    files_removed: list[str] = field(default_factory=list)
    files_kept: list[str] = field(default_factory=list)     # still attached elsewhere
    file_errors: list[str] = field(default_factory=list)    # "NAME: why" for a file that could not go

    def to_dict(self) -> dict[str, Any]:
        return {"papers": self.papers, "ids": self.ids, **self.counts, "files_removed": self.files_removed,
                "files_kept": self.files_kept, "file_errors": self.file_errors}


_WHAT = (("decisions", "screening decision"), ("notes", "note"), ("highlights", "highlight"),
         ("pdf_highlights", "PDF highlight"), ("attachments", "attached PDF"), ("tags", "tag"),
         ("collection_entries", "collection entry"))


def what_goes_with(counts: dict) -> list[str]:
    """["3 screening decisions", "1 note", ...] from a deletion summary: only what there is."""
    return [plural(counts[k], one, "collection entries" if one == "collection entry" else None)
            for k, one in _WHAT if counts.get(k)]


def delete_papers(lib, ids: Sequence[int]) -> DeletionReport:
    """Delete the papers ``ids`` (library ids; unknown ones are skipped) with their decisions, notes,
    highlights, tags, collection entries and attachments, then their no-longer-attached PDF files."""
    result = lib.delete_papers(ids)
    counts = {k: v for k, v in result.items() if k not in ("papers", "ids", "stored_files")}
    report = DeletionReport(papers=result["papers"], ids=result["ids"], counts=counts)
    folder = lib.files_folder()
    for name in result["stored_files"]:
        if lib.attached_file_in_use(name):
            report.files_kept.append(name)
            continue
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError as exc:      # the papers are gone; a file left behind is only disk space
            report.file_errors.append(f"{folder / name}: {exc.strerror or exc}")
        else:
            report.files_removed.append(name)
    return report
