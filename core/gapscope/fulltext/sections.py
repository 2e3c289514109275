"""Section headings and paragraphs from a PDF's lines.

A heading is a short line on its own, either a known section name (Introduction, Methods, Results,
Discussion, Limitations, Conclusion, Future work, References ...) printed bold, larger, numbered or in
capitals, or a numbered line ("3.2 Data") printed bold or larger than the body text.
"""

from __future__ import annotations

import re
import statistics

from .extract import Line, Paragraph, Section, join_lines
from .hyphens import Spellings
from .nonprose import back_matter_heading

# canonical kind <- heading name (matched on the whole name, lower case)
_KINDS: list[tuple[str, str]] = [
    ("abstract", r"abstract|summary"),
    ("introduction", r"introduction|overview|motivation"),
    ("background", r"background|related work|related works|prior work|literature review|preliminaries"
                   r"|background and related work|related literature"),
    ("method", r"methods?|methodology|materials and methods|methods and materials|material and methods"
               r"|approach|our approach|experimental setup|experimental design|setup|study design|data"
               r"|datasets?|data and methods|patients and methods|model|system design|design"),
    ("results", r"results?|experiments?|evaluation|experimental results|findings"
                r"|analysis|evaluation results|user study|case study"),
    ("discussion", r"discussion|general discussion|discussion and conclusions?|implications|results and discussion"
                   r"|discussion and future work|discussion and outlook"),
    ("limitations", r"limitations?|limitations and future work|limitations and future directions"
                    r"|limitations and risks|study limitations|strengths and limitations|limitations and ethics"),
    ("future_work", r"future work|future directions|future research|outlook|open questions|open problems"),
    ("conclusion", r"conclusions?|concluding remarks|conclusion and future work|conclusions and future work"
                   r"|summary and conclusions?"),
    ("ethics", r"ethics statement|ethical considerations|ethics|broader impacts?|impact statement"),
    ("acknowledgements", r"acknowledge?ments?|funding|author contributions|competing interests"
                         r"|data availability|code availability|declarations"),
    ("references", r"references|bibliography|literature cited|works cited|references and notes"),
    ("appendix", r"appendix|appendices|supplementary materials?|supplementary information|supplemental material"),
]
_KIND_RE = [(k, re.compile(rf"(?:{p})", re.I)) for k, p in _KINDS]
_NUMBERED = re.compile(r"^(?P<num>(?:\d{1,2}(?:\.\d{1,2}){0,3}|[IVX]{1,5}|[A-H](?:\.\d{1,2})*))\.?\s+(?P<name>\S.*)$")
_LETTERS = re.compile(r"[A-Za-z]")


def heading_kind(name: str) -> str:
    n = re.sub(r"\s+", " ", re.sub(r"[:.]$", "", name.strip()).replace("&", "and")).strip()
    for kind, rx in _KIND_RE:
        if rx.fullmatch(n):
            return kind
    if re.search(r"\blimitations?\b", n, re.I):        # "Study 1 Limitations", "Threats and limitations"
        return "limitations"
    return "other"


def _heading(ln: Line, body: float) -> tuple[str, str, str, int] | None:
    """(number, name, kind, level) when the line is a section heading."""
    text = ln.text.strip()
    if len(text) > 90 or len(text.split()) > 12 or not _LETTERS.search(text) or ln.size < body - 0.5:
        return None
    m = _NUMBERED.match(text)
    number, name = (m.group("num"), m.group("name").strip()) if m else ("", text)
    if number.isdigit() and int(number) > 30:         # a line number (bioRxiv), not a section number
        number = ""
    if number and len(number) == 1 and number.isalpha() and not (ln.bold or ln.size > body + 0.6):
        return None                                   # "A new method ..." is a sentence, not appendix A
    name = re.sub(r"\s*[:.]$", "", name)
    if not name or not name[0].isupper() and not name[0].isdigit():
        return None
    kind = heading_kind(name)
    if kind in ("abstract", "references", "acknowledgements") and number.isdigit():
        number = ""                                   # a line number in the margin (bioRxiv)
    emphasised = ln.bold or ln.size > body + 0.6 or (name.isupper() and len(name) > 3)
    level = number.count(".") + 1 if number else 1
    if kind != "other":
        if emphasised or number:
            return number, name, kind, level
        return None
    # an unknown name: numbered, emphasised, title-like (no sentence punctuation, mostly capitalised)
    if not (number and emphasised) or re.search(r"[,;=%()]|\.\s|\d{3,}", name):
        return None
    if number.isdigit() and int(number) > 20:
        return None
    tokens = name.split()
    # figure and table text (sequence letters, axis labels) is not a heading
    if not re.search(r"[A-Za-z]{4,}", name) or sum(len(t) <= 2 for t in tokens) > 0.4 * len(tokens):
        return None
    return number, name, kind, level


def build_sections(pages: list[list[Line]], body: float) -> list[Section]:
    """Walk the lines in reading order: a heading opens a section, vertical gaps and indents cut
    paragraphs. After References only an appendix heading opens a new section."""
    steps = [b.y0 - a.y0 for lines in pages for a, b in zip(lines, lines[1:])
             if 0 < b.y0 - a.y0 < 3 * body and abs(a.size - body) < 0.6]
    spacing = statistics.median(steps) if steps else body * 1.2
    sections = [Section("", "front", 0, level=0)]
    spelled = Spellings(ln.text for lines in pages for ln in lines)   # for hyphens at line ends
    buf: list[str] = []
    prev: Line | None = None
    para_page = 0

    resume: list[Section] = []       # the section a run of run-in back matter interrupted

    def flush() -> None:
        nonlocal buf
        if buf:
            text = join_lines(buf, spelled)
            if text.strip():
                run_in = back_matter_heading(text) if not in_refs else None
                last = sections[-1]
                if run_in and not (last.kind == "acknowledgements" and not last.paragraphs):
                    # "Funding NV and FMA are supported by ...": back matter without a heading line of its
                    # own (Springer, MDPI); a Methods subsection "Ethics statement" too
                    if not resume and last.kind != "acknowledgements":
                        resume.append(last)
                    sections.append(Section(text.strip()[:len(run_in)], "acknowledgements", para_page))
                elif not run_in and resume:
                    # a paragraph after it that opens on no such heading goes on with what was interrupted
                    was = resume.pop()
                    sections.append(Section(was.name, was.kind, para_page, was.number, was.level))
                sections[-1].paragraphs.append(Paragraph(para_page, text))
        buf = []

    in_refs = False
    last_heading = Line(-1, 0, 0, 0, 0, "", 0, False)
    for lines in pages:
        for ln in lines:
            h = _heading(ln, body)
            if h and in_refs and h[2] not in ("appendix",) and not (h[0] and h[0][0].isalpha()):
                h = None
            if h and sections[-1].kind == "front" and ln.page == 0 and ln.size > body + 4:
                h = None                              # the paper's title
            last = sections[-1]
            if (not h and prev is None and last.kind == "other" and not buf and ln.page == last_heading.page
                    and ln.bold == last_heading.bold and abs(ln.size - last_heading.size) < 0.3
                    and 0 < ln.y0 - last_heading.y0 < 2 * spacing and len(ln.text) < 60
                    and len(last.name) + len(ln.text) < 90 and not last.name.endswith(".")):
                last.name += " " + ln.text                # a heading wrapped onto a second line
                if last.kind == "other":
                    last.kind = heading_kind(last.name)
                last_heading = ln
                continue
            if h:
                flush()
                number, name, kind, level = h
                resume.clear()
                sections.append(Section(name, kind, ln.page, number, level))
                last_heading = ln
                in_refs = in_refs or kind == "references"
                if kind == "appendix":
                    in_refs = False
                prev = None
                continue
            if prev is not None:
                dy = ln.y0 - prev.y0
                new_block = ln.page != prev.page or dy < 0 or dy > 4 * spacing
                if new_block:
                    cut = prev.text.rstrip().endswith((".", ":", "?", "!")) and (ln.text[:1].isupper() or not ln.text[:1].isalpha())
                else:
                    indent = ln.x0 - prev.x0 > 6 and ln.x0 - prev.x0 < 40
                    cut = dy > spacing * 1.45 or (indent and prev.text.rstrip().endswith((".", ":", "?", "!")))
                if cut:
                    flush()
            if not buf:
                para_page = ln.page
            buf.append(ln.text)
            prev = ln
    flush()
    if not sections[0].paragraphs and len(sections) > 1:
        sections.pop(0)
    return sections
