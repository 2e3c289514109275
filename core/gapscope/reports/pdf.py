"""The gap report as PDF (fpdf2) with DejaVu Sans, the Unicode TrueType font matplotlib ships, so
accents, Greek, Cyrillic and math symbols print. A character DejaVu lacks (Chinese, Japanese, Korean,
Devanagari, math letters) is drawn in a font found on this computer that has it (`gapscope/fonts.py`), run by
run. Arabic, Hebrew and the Indic scripts are shaped (HarfBuzz, through uharfbuzz: letters joined,
right-to-left runs in reading order), only the texts that hold them, so Latin text keeps its look and
its speed. A character that no font has is counted by the paper (or part of the report) it belongs
to: the report says so under its title, and the export's message names them (`undrawn_message`).
Text is placed as text (never parsed as markup); control characters are shown as their control
pictures (see text.visible)."""

from __future__ import annotations

import io
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional

from . import labels as L
from .explain import (gaps_intro, included_line, not_built_line, plain_commands, shown_line, side_keywords,
                      skipped_line, stale_line, undated_line)
from .data import PaperRef, ReportData, reproducibility_rows
from ..fonts import Coverage, FontFace, dejavu_dir, draws_nothing, font_faces, needs_shaping
from .html import IMPORT_HEAD, import_rows
from .layout import (CLUSTER_HEAD, GAP_SETTINGS_TITLE, SECTIONS, TOP_CLUSTERS, cluster_rows, generated_line,
                     more_clusters_line, summary_lines)
from ..exports.text import one_line, visible
from ..textfmt import plural


@dataclass
class Undrawn:
    """Characters of one paper's text (or of a part of the report that is no paper's) that no font on
    this computer has: the PDF leaves them out."""

    characters: int          # each text counted once, however often the report prints it
    sample: str              # the distinct characters, the first few
    paper_id: Optional[int] = None
    title: str = ""          # the paper's
    section: str = ""        # the part of the report, for text that is no paper's

    def where(self, titled: bool = True) -> str:
        if self.paper_id is None:
            return f"the {self.section} section"
        short = self.title if len(self.title) <= 50 else self.title[:49] + "…"
        return f"paper {self.paper_id}" + (f" “{short}”" if titled and short else "")


def undrawn_message(undrawn: list[Undrawn], html_hint: str, in_pdf: bool = False) -> str:
    """What the PDF left out and why, naming the papers and the characters: for the export's message;
    ``in_pdf``: for the PDF itself, without the titles, whose characters it cannot draw."""
    total = sum(u.characters for u in undrawn)
    shown = [f"{u.characters} in {u.where(not in_pdf)}" + ("" if in_pdf else f" ({u.sample})") for u in undrawn[:8]]
    if len(undrawn) > 8:
        shown.append(f"and more in {len(undrawn) - 8} other places")
    pdf, computer = ("This PDF", "the computer that wrote it") if in_pdf else ("The PDF", "this computer")
    return (f"{pdf} leaves out {plural(total, 'character')} that no font on {computer} has: {'; '.join(shown)}. "
            f"{html_hint} shows every character; with a font that has them installed (for Chinese, Japanese "
            "and Korean: Noto Sans CJK) the PDF draws them too.")


class _Doc:
    def __init__(self, title: str, like: Optional["_Doc"] = None) -> None:
        import logging

        from fpdf import FPDF

        logging.getLogger("fontTools").setLevel(logging.ERROR)
        logging.getLogger("fpdf").setLevel(logging.ERROR)  # one warning per glyph no font has: counted below
        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_title(one_line(title))
        self.pdf.set_creator("GapScope")
        d = dejavu_dir()
        self.pdf.add_font("DejaVu", "", d / "DejaVuSans.ttf")
        self.pdf.add_font("DejaVu", "B", d / "DejaVuSans-Bold.ttf")
        self.pdf.add_font("DejaVuMono", "", d / "DejaVuSansMono.ttf")
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.set_margins(15, 15, 15)
        self.pdf.add_page()
        # fonts: what can be drawn, and (another pass over the same report, ``like``) what was found
        self.drawable: set[int] = set().union(*(f.cmap for f in self.pdf.fonts.values()))
        self.undrawable: set[int] = set(like.undrawable) if like else set()
        self.faces: Optional[list[FontFace]] = like.faces if like else None   # searched when first needed
        self.fallbacks = ["DejaVu"]   # DejaVu's regular face draws what its bold and mono faces lack
        self.added: list[FontFace] = []
        for face in like.added if like else ():
            self._add_face(face)
        self.pdf.set_fallback_fonts(self.fallbacks, exact_match=False)
        # the paper (or part of the report) the text being drawn belongs to, and what no font could draw
        self.owner: tuple[str, Any] = ("section", "title")
        self.titles: dict[int, str] = {}
        self.undrawn: dict[tuple[str, Any], dict[str, None]] = {}   # owner: its texts that hold such characters

    # --- fonts -------------------------------------------------------------------------------------
    def fonts_for(self, s: str) -> str:
        """``s``, after adding the fonts its characters need; those no font has are counted against
        the text's owner (once per text)."""
        need = {ord(c) for c in set(s)} - self.drawable - self.undrawable
        if need:
            self.drawable |= {cp for cp in need if draws_nothing(chr(cp))}
            need -= self.drawable
            if need:
                self._add_fonts(need)
        if any(ord(c) in self.undrawable for c in s):
            self.undrawn.setdefault(self.owner, {})[s] = None
        return s

    def _add_fonts(self, need: set[int]) -> None:
        """Add the fonts of this computer that have the characters of ``need``, the most wanted first."""
        if self.faces is None:
            self.faces = font_faces()
        for face in self.faces:
            if not need:
                break
            if face not in self.added and face.covers(need) and self._add_face(face):
                need -= self.drawable
        self.undrawable |= need
        self.pdf.set_fallback_fonts(self.fallbacks, exact_match=False)

    def _add_face(self, face: FontFace) -> bool:
        """Add a font to draw what the others cannot; False for one fpdf cannot embed."""
        name = f"Fallback{len(self.fallbacks)}"
        try:
            self.pdf.add_font(name, "", face.path, collection_font_number=face.index)
        except Exception:  # noqa: BLE001 - a font file fpdf cannot read: another may do
            face.coverage = Coverage([])
            return False
        self.fallbacks.append(name)
        self.added.append(face)
        self.drawable |= set(self.pdf.fonts[name.lower()].cmap)
        return True

    @contextmanager
    def shaped(self, texts: Iterable[str]) -> Iterator[None]:
        """Text drawn (and measured) inside is shaped when one of ``texts`` needs it (Arabic, Hebrew...).
        Without uharfbuzz it is drawn as before: letter by letter, left to right."""
        shape = not self.pdf.text_shaping and any(needs_shaping(t) for t in texts) and _can_shape()
        if shape:
            self.pdf.set_text_shaping(True)
        try:
            yield
        finally:
            if shape:
                self.pdf.set_text_shaping(False)

    @contextmanager
    def about(self, paper_id: Optional[int], title: str = "") -> Iterator[None]:
        """Text drawn inside is the paper's (its title, authors, notes, highlights, quotes)."""
        before = self.owner
        if paper_id is not None:
            self.owner = ("paper", paper_id)
            self.titles.setdefault(paper_id, one_line(title))
        try:
            yield
        finally:
            self.owner = before

    def undrawn_list(self) -> list[Undrawn]:
        """What no font could draw, by owner; a text is counted once, however often (and inside whatever
        line: "1. Title", "in Title") the report prints it."""
        out = []
        for (kind, key), texts in self.undrawn.items():
            kept = [t for t in texts if not any(t in k for k in texts if k != t)]     # in the order drawn
            lost = [c for t in kept for c in t if ord(c) in self.undrawable]
            chars = list(dict.fromkeys(lost))
            out.append(Undrawn(len(lost), " ".join(chars[:8]) + (" …" if len(chars) > 8 else ""),
                               paper_id=key if kind == "paper" else None,
                               title=self.titles.get(key, "") if kind == "paper" else "",
                               section=key if kind == "section" else ""))
        return out

    def text(self, s: Any, size: float = 10, bold: bool = False, link: Optional[str] = None,
             color: tuple[int, int, int] = (29, 35, 43), indent: float = 0, mono: bool = False,
             keep_orientation: bool = False) -> None:
        if not keep_orientation:
            self._portrait_again()
        pdf = self.pdf
        pdf.set_font("DejaVuMono" if mono else "DejaVu", "B" if bold and not mono else "", size)
        pdf.set_text_color(*((30, 70, 160) if link else color))
        pdf.set_x(pdf.l_margin + indent)
        s = self.fonts_for(visible("" if s is None else str(s)))
        with self.shaped([s]):
            pdf.multi_cell(pdf.epw - indent, size * 0.5, s, link=link or None, new_x="LMARGIN", new_y="NEXT",
                           align="L")

    def gap(self, h: float = 2.5) -> None:
        self.pdf.ln(h)

    def room(self) -> float:
        """Millimetres left on the page."""
        return self.pdf.h - self.pdf.b_margin - self.pdf.get_y()

    def heading(self, s: str, level: int = 2, keep: float = 30) -> None:
        """A heading kept with the first ``keep`` mm of what follows it: never last on its page."""
        self._portrait_again()
        size = {1: 18, 2: 14, 3: 11.5}[level]
        if level > 1 and self.room() < size * 0.5 + 6 + keep:
            self.pdf.add_page()
        elif self.pdf.get_y() > self.pdf.t_margin + 1:
            self.gap(4 if level == 2 else 2)
        if level in (2, 3):  # the PDF outline (bookmarks) lists the sections and their parts
            self.pdf.start_section(one_line(s)[:120], level=level - 2)
        self.text(one_line(s), size=size, bold=True)
        self.gap(1.5)

    def missing(self, s: str) -> None:
        self.text(plain_commands(s), size=9.5, color=(150, 100, 0))
        self.gap()

    def section(self, title: str, missing: Optional[str], keep: float = 30) -> None:
        """A section's heading, then what is missing (which step has not been run yet), if anything."""
        self.heading(title, keep=keep)
        if missing:
            self.missing(missing)

    # --- tables ------------------------------------------------------------------------------------
    CELL_PAD = 1.0      # mm inside each cell, on every side
    FONT = 8.0
    MIN_FONT = 6.5

    def fit_columns(self, head: list[str], rows: list[list[str]], size: float, width: float) -> Optional[list[float]]:
        """Column widths (mm) from the content: every header word fits whole (headers wrap between
        words, never inside one); a column gets what its longest line wants, shared out when the page
        is too narrow. None when even the header words do not fit in ``width``."""
        pdf = self.pdf
        extra = 2 * self.CELL_PAD + 0.6  # fpdf ignores c_margin inside a padded cell
        pdf.set_font("DejaVu", "B", size)
        head_word = [max((pdf.get_string_width(w) for w in h.split()), default=0) for h in head]
        head_full = [pdf.get_string_width(h) for h in head]
        pdf.set_font("DejaVu", "", size)
        n = len(head)
        body_word, body_full = [0.0] * n, [0.0] * n
        for r in rows:
            for i, c in enumerate(r[:n]):
                if c:
                    body_full[i] = max(body_full[i], pdf.get_string_width(c))
                    body_word[i] = max(body_word[i], max(pdf.get_string_width(w) for w in c.split()) if c.split() else 0)
        # body text may break a very long token (a path, a URL); header words never break
        least = [max(hw, min(bw, 22.0)) + extra for hw, bw in zip(head_word, body_word)]
        want = [max(lo, min(max(hf, bf) + extra, 95.0)) for lo, hf, bf in zip(least, head_full, body_full)]
        if sum(least) > width:
            return None
        if sum(want) <= width:
            return want
        spare = width - sum(least)
        slack = [w - lo for w, lo in zip(want, least)]
        total = sum(slack) or 1.0
        return [lo + spare * s_ / total for lo, s_ in zip(least, slack)]

    def table(self, head: Iterable[str], rows: Iterable[Iterable[Any]], numeric: Iterable[int] = (),
              title: Optional[str] = None) -> None:
        """A table whose columns fit their content, in a smaller font when needed; one too wide for a
        portrait page even so goes on a landscape page (with its ``title`` heading, kept with it); its
        header row repeats on each page it spans."""
        head = [self.fonts_for(one_line(str(h))) for h in head]
        rows = [[self.fonts_for(one_line("" if c is None else str(c))) for c in r] for r in rows]
        with self.shaped(head + [c for r in rows for c in r]):   # a whole table: measured as drawn
            self._table(head, rows, numeric, title)

    def _table(self, head: list[str], rows: list[list[str]], numeric: Iterable[int], title: Optional[str]) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        num = set(numeric)
        portrait_w = min(pdf.w, pdf.h) - pdf.l_margin - pdf.r_margin - 0.01
        landscape_w = max(pdf.w, pdf.h) - pdf.l_margin - pdf.r_margin - 0.01
        sizes = [self.FONT - 0.5 * i for i in range(int((self.FONT - self.MIN_FONT) / 0.5) + 1)]
        widths, landscape, size = None, False, self.MIN_FONT
        # landscape may go down to 5 pt before a header word would have to break
        for width, land, fonts in ((portrait_w, False, sizes), (landscape_w, True, sizes + [6.0, 5.5, 5.0])):
            for size in fonts:
                widths = self.fit_columns(head, rows, size, width)
                if widths is not None:
                    landscape = land
                    break
            if widths is not None:
                break
        if widths is None:  # a header word wider than a landscape page: shared out, it may break
            size, widths, landscape = self.MIN_FONT, [landscape_w / len(head)] * len(head), True
        if landscape and pdf.w < pdf.h:
            pdf.add_page(orientation="L")
            self._landscape = True
            if title:
                self.pdf.start_section(one_line(title)[:120], level=1)
                self.text(one_line(title), size=11.5, bold=True, keep_orientation=True)
                self.gap(1.5)
        else:
            if title:
                self.heading(title, 3, keep=25)
            if self.room() < 25:  # the header row and a first row at least, or a new page
                pdf.add_page(orientation="L" if pdf.w > pdf.h else "P")
        pdf.set_font("DejaVu", "", size)
        pdf.set_text_color(29, 35, 43)
        with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", text_align="LEFT",
                       line_height=size * 0.45, padding=self.CELL_PAD, first_row_as_headings=True,
                       headings_style=FontFace(emphasis="BOLD", fill_color=(238, 243, 251)),
                       repeat_headings=1) as t:
            t.row(head)
            for r in rows:
                row = t.row()
                for i, c in enumerate(r):
                    row.cell(c, align="RIGHT" if i in num else "LEFT")
        self.gap()

    def _portrait_again(self) -> None:
        """After a landscape table, the report goes on in portrait."""
        if getattr(self, "_landscape", False):
            self._landscape = False
            self.pdf.add_page(orientation="P")

    def image(self, png: bytes, width: float = 170) -> None:
        """A figure; one that does not fit is shrunk (to 80% at most, so its labels stay readable) rather
        than leave the page half empty; else it starts the next page."""
        self._portrait_again()
        pdf = self.pdf
        from PIL import Image

        with Image.open(io.BytesIO(png)) as im:
            w, h = im.size
        width = min(width, pdf.epw)
        height = width * h / w
        room = self.room() - 2
        if height > room:
            if room >= 0.8 * height:
                width, height = width * room / height, room
            else:
                pdf.add_page()
        pdf.image(io.BytesIO(png), x=pdf.l_margin + (pdf.epw - width) / 2, w=width)
        self.gap()

    @staticmethod
    def image_height(png: bytes, width: float) -> float:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as im:
            w, h = im.size
        return width * h / w

    def paper(self, p: PaperRef, prefix: str = "", indent: float = 4) -> None:
        with self.about(p.id, p.title):
            self.text(f"{prefix}{one_line(p.title)}", size=9.5, link=p.link, indent=indent)
            self.text(p.meta(), size=8, color=(90, 100, 114), indent=indent + 4)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


@lru_cache(maxsize=1)
def _can_shape() -> bool:
    try:
        import uharfbuzz  # noqa: F401

        return True
    except ImportError:
        return False


def _pdf_title(doc: _Doc, d: ReportData) -> None:
    doc.heading(d.title, 1)
    doc.text(generated_line(d), size=9, color=(90, 100, 114))
    if d.undrawn:  # known from a first pass over the report: said where a reader of the PDF sees it
        doc.gap(1.5)
        doc.missing(undrawn_message(d.undrawn, "The HTML version of this report", in_pdf=True))


def _pdf_corpus(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """What the library holds and how it came in."""
    c = d.corpus
    doc.section(titles["corpus"], c.missing)
    doc.text(f"{c.papers} papers ({c.with_abstract} with an abstract, {c.arxiv} on arXiv, {c.doi} with a DOI)"
             + (f", first published {c.first_published}, last {c.last_published}" if c.first_published else "") + ".")
    doc.gap()
    if c.imports:
        doc.table(IMPORT_HEAD, import_rows(c.imports), numeric=(7, 8, 9, 10, 11), title="Imports and collects")
    if c.years:
        doc.table(["Year", "Papers"], c.years.items(), numeric=(1,), title="Papers per year")
        if c.undated:
            doc.text(undated_line(c.undated), size=8.5, color=(90, 100, 114))


def _pdf_summary(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """The report in a few lines."""
    doc.section(titles["summary"], None)
    for line in summary_lines(d):
        doc.text("• " + plain_commands(line), size=9.5)
    doc.gap()


def _pdf_clusters(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """Appendix: every cluster of every map, largest first."""
    doc.section(titles["clusters"], d.maps.missing)
    for m in d.maps.maps:
        doc.table(CLUSTER_HEAD, cluster_rows(m, keywords=6), numeric=(0, 3, 4),
                  title=f"{m.facet.capitalize()} map: all {len(m.clusters)} clusters")


def _plain_rows(rows) -> list:
    """Table rows whose text values have their `commands` in quotes (the PDF has no code text)."""
    return [tuple(plain_commands(v) if isinstance(v, str) else v for v in row) for row in rows]


def _pdf_screening(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """The PRISMA counts and the triage statistics."""
    p = d.prisma
    doc.section(titles["screening"], p.missing)
    if p.not_screened_line:      # nothing screened: one line, not a flow of zeros
        doc.missing(p.not_screened_line)
        for h in p.how_counted[:p.identification_notes]:
            doc.text("• " + plain_commands(h), size=8.5, color=(90, 100, 114))
        return
    rows = p.rows(indent="")
    doc.table(["Step", "Records"], rows, numeric=(1,))
    for h in p.how_counted:  # the text before the figure: it fills the page rather than a gap above it
        doc.text("• " + plain_commands(h), size=8.5, color=(90, 100, 114))
    doc.gap()
    if "prisma" in figures:
        doc.image(figures["prisma"], 130)
    if p.triage_stats:
        doc.table(["Measure", "Value"], _plain_rows(L.rows(p.triage_stats)), title="Triage statistics")


def _pdf_maps(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """Each facet map with its clusters."""
    s = d.maps

    def need(m) -> float:  # a map's heading stays with its description and (most of) its figure
        fig = figures.get(f"map-{m.facet}")
        return 0.8 * doc.image_height(fig, 170) + 12 if fig else 30

    doc.section(titles["maps"], s.missing, keep=need(s.maps[0]) + 12 if s.maps else 30)
    if s.note:
        doc.text(s.note, size=9, color=(90, 100, 114))
    for m in s.maps:
        fig = figures.get(f"map-{m.facet}")
        doc.heading(f"{m.facet.capitalize()} map", 3, keep=need(m))
        doc.text(f"Map #{m.map_id}, built {m.created_at}, {m.n_papers} papers, {len(m.clusters)} clusters. "
                 f"{m.label_note} Stability: the share of a cluster's papers that come back together when the map is made "
                 "again with other random seeds (1 = always the same papers).", size=9)
        if fig:
            doc.image(fig, 170)
        if f"sizes-{m.facet}" in figures:
            doc.image(figures[f"sizes-{m.facet}"], 160)
            if m.time_caption:
                doc.text(m.time_caption, size=8.5, color=(90, 100, 114))
        elif m.time_note:
            doc.text(m.time_note, size=9, color=(90, 100, 114))
            doc.gap()
        doc.table(CLUSTER_HEAD, cluster_rows(m, TOP_CLUSTERS, keywords=6), numeric=(0, 3, 4))
        more = more_clusters_line(m)
        if more:
            doc.text(more, size=9, color=(90, 100, 114))
            doc.gap()
    if s.maps and s.not_built:
        doc.missing(not_built_line(s.not_built))
    c = getattr(d, "citations", None)
    if c is not None:
        fig = figures.get("citations")
        doc.heading("Citation graph", 3, keep=0.8 * doc.image_height(fig, 160) + 10 if fig and not c.missing else 30)
        if c.missing:
            doc.missing(c.missing)
        else:
            doc.text(f"{c.papers} library papers and {c.works - c.papers} outside works, {c.edges} citation links.", size=9)
            if "citations" in figures:
                doc.image(figures["citations"], 160)
            if c.top_references:
                doc.table(["Cited by", "Year", "Title", "In library"],
                          [(r["cited_by"], r["year"] or "", r["title"] or "(no title)", "yes" if r["in_library"] else "")
                           for r in c.top_references], numeric=(0,))


def _pdf_gaps(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """The ranked gaps with their evidence."""
    g = d.gaps
    doc.section(titles["gaps"], g.missing)
    for t in g.skipped:
        doc.text(plain_commands(skipped_line(t)), size=9.5, color=(150, 90, 0))
    if g.gaps:
        doc.text(plain_commands(shown_line(len(g.gaps), g.total)), size=9.5)
        doc.text(gaps_intro(d), size=9, color=(60, 68, 80))
        doc.gap()
    for rank, gap in enumerate(g.gaps, 1):
        doc.text(f"{rank}. {gap.title or gap.headline or gap.statement}", size=10.5, bold=True)
        doc.text(gap.headline or gap.statement, size=9.5)
        doc.text(f"Gap #{gap.id} · {L.gap_type(gap.type)} · {gap.standing or f'score {gap.score:.3f}'}", size=8.5,
                 color=(90, 100, 114))
        if gap.stale:
            doc.text(plain_commands(stale_line(gap.stale)), size=9, color=(150, 90, 0))
        for name, ref in (("Method", gap.method), ("Problem", gap.problem)):
            if ref:
                kw = side_keywords(ref)
                doc.text(f"{name}: {ref.get('label')}" + (f" ({kw})" if kw else ""), size=9)
        if gap.why:
            doc.text(plain_commands("Behind the score: " + " ".join(gap.why)), size=8.5, color=(60, 68, 80))
        for group in gap.groups:
            doc.gap(1)
            doc.text(f"{group.heading} ({len(group.items)})", size=9.5, bold=True)
            for i, item in enumerate(group.items, 1):
                with doc.about(item.paper_id, item.title):
                    doc.text(f"{i}. {one_line(item.title)}", size=9.5, link=item.link, indent=4)
                    if item.meta:
                        doc.text(item.meta, size=8, color=(90, 100, 114), indent=8)
                    for q in item.quotes:
                        doc.text(q, size=8, color=(60, 68, 80), indent=8)
        doc.gap()


def _pdf_experiments(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """The runs, their metrics and comparisons."""
    e = d.experiments
    doc.section(titles["experiments"], e.missing)
    for run in e.runs:
        if run is next(iter(e.unfinished), None):     # the runs that did not finish follow, apart
            doc.text(e.unfinished_line)
        doc.heading(f"Run {run.name}", 3)
        doc.text(f"{run.id} · {run.status_text} · {run.created_at}"
                 + (f" · gap #{run.gap_id}" if run.gap_id is not None else "")
                 + (f" · seeds {', '.join(map(str, run.seeds))}" if run.seeds else ""), size=9)
        if run.setup:
            doc.text(run.setup, size=9)
        if run.caveat_line:
            doc.missing(run.caveat_line)
        if run.partial_line:      # a run that did not finish: its scores are no result
            doc.missing(run.partial_line)
        elif run.metrics:
            doc.table(["Metric", "Value"], [(k, run.metric_text(k)) for k in run.metrics])
        for pr in run.papers:
            doc.paper(pr, "• ")
        if f"run-{run.id}" in figures:
            doc.image(figures[f"run-{run.id}"], 150)
        if run.comparison:
            if run.comparison.get("summary"):
                doc.text("Comparison: " + str(run.comparison["summary"]), size=9)
            doc.table(["Measure", "Value"], L.rows(run.comparison, skip=("summary",)))


def _pdf_included(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """The included papers."""
    inc = d.included
    doc.section(titles["included"], inc.missing)
    if inc.missing:
        return
    doc.text(plain_commands(included_line(inc.total, len(inc.papers)) + inc.unresolved_note))
    for i, pr in enumerate(inc.papers, 1):
        doc.paper(pr, f"{i}. ")


def _pdf_notes(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """Notes and highlights."""
    n = d.notes
    doc.section(titles["notes"], n.missing)
    for note in n.notes:
        p = note["paper"]
        if p:
            doc.paper(p, "", indent=0)
        with doc.about(p.id if p else None, p.title if p else ""):
            doc.text(note["body"], size=9, indent=4)
        doc.gap(1.5)
    for h in n.highlights:
        p = h["paper"]
        with doc.about(p.id if p else None, p.title if p else ""):
            doc.text(f"“{one_line(h['text'])}” ({h['where']})" + (f" — {h['comment']}" if h["comment"] else ""),
                     size=9)
        if p:
            doc.paper(p, "in ", indent=4)
    if n.left_out:
        doc.text(plain_commands(n.left_out), size=9)


LONG_CELL = 1000       # characters: a longer value may be taller than a page in a table cell


def _pdf_reproducibility(doc: _Doc, d: ReportData, figures: dict[str, bytes], titles: dict[str, str]) -> None:
    """Versions, parameters and scope, to run it again."""
    r = d.reproducibility
    doc.heading(titles["reproducibility"])
    doc.table(["What", "Value"], _plain_rows(reproducibility_rows(r)))
    if r.get("gap_settings"):
        doc.table(["Setting", "Value"], r["gap_settings"], title=GAP_SETTINGS_TITLE)
    for m in r.get("maps", []):
        rows = L.map_parameter_rows(m)
        # a value of pages (a map's concept phrases, cluster by cluster) cannot be one table row, which never
        # breaks across pages: it follows the table as text
        short = [row for row in rows if len(str(row[1])) <= LONG_CELL]
        doc.table(["Parameter", "Value"], short, title=f"{m['facet'].capitalize()} map #{m['map_id']} parameters")
        for what, value in rows:
            if len(str(value)) > LONG_CELL:
                doc.text(f"{what}: {value}", size=8)
                doc.gap()
    for run in r.get("runs", []):
        doc.table(["What", "Value"], L.run_environment_rows(run), title=f"Run {run['id']}: environment")


def _draw(d: ReportData, figures: dict[str, bytes], like: Optional[_Doc] = None) -> _Doc:
    doc = _Doc(d.title, like)
    titles = dict(SECTIONS)
    _pdf_title(doc, d)
    sections = {"summary": _pdf_summary, "gaps": _pdf_gaps, "corpus": _pdf_corpus, "screening": _pdf_screening,
                "maps": _pdf_maps, "experiments": _pdf_experiments, "included": _pdf_included,
                "notes": _pdf_notes, "clusters": _pdf_clusters, "reproducibility": _pdf_reproducibility}
    for key, _title in SECTIONS:         # the order every format shares (layout.SECTIONS)
        doc.owner = ("section", titles[key])
        sections[key](doc, d, figures, titles)
    return doc


def render_pdf(d: ReportData, figures: dict[str, bytes]) -> bytes:
    """The PDF; ``d.undrawn`` is set to what it had to leave out (no font has those characters), which
    the report then says under its title (a second pass: only then is it known)."""
    d.undrawn = []
    doc = _draw(d, figures)
    if doc.undrawn:
        d.undrawn = doc.undrawn_list()
        doc = _draw(d, figures, like=doc)
    return doc.output()
