"""Which earlier step a step needs, and the command that runs it: "no method vectors: run `gapscope
facets` then `gapscope embed`" instead of a numpy traceback or "0 papers have method text"."""

from __future__ import annotations

from typing import Optional

from .store.errors import MissingStep

NO_PAPERS = "the library has no papers yet: run `gapscope import FILE` or `gapscope collect arxiv QUERY`"


def pdfs_not_labelled(n: int) -> Optional[str]:
    """The line that points at attached PDFs whose sentences were never labelled (an `attach` stopped
    while labelling, `--no-facets`), or None when there are none."""
    if not n:
        return None
    return f"{n} PDF{'s' if n != 1 else ''} not labelled yet: `gapscope pdf label` (or `gapscope analyze`)"


def missing_for_vectors(lib, kind: str) -> Optional[str]:
    """Why the library has no vectors of ``kind`` (abstract, method, result, shortcoming), or None."""
    c = lib.step_counts()
    if not c["papers"]:
        return NO_PAPERS
    if c["vectors"].get(kind):
        return None
    if kind == "abstract":
        return "no abstract vectors: run `gapscope embed`"
    if not c["classified"]:
        return f"no {kind} vectors: run `gapscope facets` then `gapscope embed`"
    return f"no {kind} vectors: run `gapscope embed` (the facets are there; embed has not run since)"


def require_vectors(lib, *kinds: str) -> None:
    for kind in kinds:
        why = missing_for_vectors(lib, kind)
        if why:
            raise MissingStep(why)


def missing_for_gaps(lib) -> Optional[str]:
    c = lib.step_counts()
    if not c["papers"]:
        return NO_PAPERS
    if not c["maps"]:
        if not c["vectors"].get("abstract"):
            return "no maps yet: run `gapscope embed` then `gapscope map`"
        return "no maps yet: run `gapscope map`"
    if not c["gaps"]:
        return "no gaps yet: run `gapscope gaps find`"
    return None
