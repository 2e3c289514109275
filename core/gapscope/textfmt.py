"""Paper text for people: LaTeX in titles and abstracts rendered as plain Unicode text.

arXiv abstracts keep their authors' LaTeX (``20.43\\%``, ``$\\alpha$``, ``Schr\\"odinger``). The window,
the paper table and the reports show :func:`latex_to_text` of it; the library keeps the text exactly as
it came. :func:`latex_to_text_spans` also says which characters of the source each shown character
came from, so that a highlight made on the shown text is stored on the source's offsets.

Parsing is pylatexenc's. Plain text is left alone: a text without a backslash or a dollar sign is
returned unchanged, and inside LaTeX text a bare ``%`` is a per cent sign (in LaTeX it would start a
comment and swallow the rest of the line), unpaired ``$`` signs are dollars.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["clip_words", "plural", "latex_to_text", "latex_to_text_spans", "looks_like_latex", "shown_title",
           "title_sort_key", "typography_to_text"]

_LATEX_HINT = re.compile(r"[\\$]")


def looks_like_latex(text: str) -> bool:
    return bool(text) and _LATEX_HINT.search(text) is not None


# Logos and names pylatexenc does not know: otherwise an unknown macro prints nothing.
_EXTRA_MACROS = {"LaTeX": "LaTeX", "TeX": "TeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX", "XeTeX": "XeTeX",
                 "eg": "e.g.", "ie": "i.e.", "etal": "et al.", "wrt": "w.r.t."}


@lru_cache(maxsize=1)
def _converter():
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    db.add_context_category("gapscope", prepend=True,
                            macros=[MacroTextSpec(name, simplify_repl=text) for name, text in _EXTRA_MACROS.items()])
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=False)


def _escape_specials(text: str) -> tuple[str, list[int]]:
    """``text`` with bare ``%`` (and ``$`` when unpaired) escaped, and for each of its characters the
    index of the source character it stands for (one more entry for the end)."""
    escape_dollars = len(re.findall(r"(?<!\\)\$", text)) % 2 == 1
    out: list[str] = []
    where: list[int] = []
    backslashes = 0                          # how many backslashes run right before this character
    for i, ch in enumerate(text):
        if (ch == "%" or (ch == "$" and escape_dollars)) and backslashes % 2 == 0:
            out.append("\\")
            where.append(i)
        out.append(ch)
        where.append(i)
        backslashes = backslashes + 1 if ch == "\\" else 0
    where.append(len(text))
    return "".join(out), where


def latex_to_text_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The shown text and, per shown character, the ``(start, end)`` span of ``text`` it came from.
    Plain characters map one to one; a character made from a command or a formula maps to the whole
    command or formula."""
    if not looks_like_latex(text):
        return text or "", [(i, i + 1) for i in range(len(text or ""))]
    shown, spans = _converted(text)
    return shown, list(spans)


@lru_cache(maxsize=256)
def _converted(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Parsing is pure Python (about 20 ms for a LaTeX-heavy abstract): a pane that re-renders the
    same paper (a tag added, a highlight made) gets it from here."""
    try:
        shown, spans = _convert_regions(text)
    except Exception:  # noqa: BLE001 - a text pylatexenc cannot read is shown as it came
        shown, spans = text, [(i, i + 1) for i in range(len(text))]
    return shown, tuple(spans)


def latex_to_text(text: str) -> str:
    """``text`` with its LaTeX rendered as Unicode text (``$\\alpha$`` -> α, ``\\%`` -> %); where a
    command printed nothing, the spaces left around it become one."""
    if not looks_like_latex(text):
        return text or ""
    return re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", latex_to_text_spans(text)[0])


def shown_title(title: str) -> str:
    """A paper's title as the table, the detail pane and the reports show it: LaTeX rendered, on one line."""
    return " ".join(latex_to_text(title or "").split())


_LEADING_SIGNS = re.compile(r"^[\W_]+")


def title_sort_key(title: str) -> str:
    """What the Title column sorts by (stored beside each title, indexed): the shown title, case and accents
    folded, a leading quote, bracket or other sign skipped ("[CLS] is Not…" among the C's, "$Δ$-NeRF" as
    "Δ-NeRF", after the Latin letters)."""
    t = unicodedata.normalize("NFKD", shown_title(title).casefold())
    return _LEADING_SIGNS.sub("", "".join(c for c in t if not unicodedata.combining(c)))


_WORD = re.compile(r"\S+")
_DOLLAR = re.compile(r"(?<!\\)\$")


def _regions(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` that need the LaTeX parser: words holding a backslash, a dollar or a
    brace, extended over the next words while a formula, a group, an optional argument or an
    environment is open. The parser is pure Python and slow (about 20 ms for a whole abstract); most
    of an abstract is plain words, copied as they are (about 1 ms)."""
    out: list[tuple[int, int]] = []
    start, dollars, depth = None, 0, 0
    for m in _WORD.finditer(text):
        w = m.group()
        if start is None:
            if "\\" not in w and "$" not in w and "{" not in w:
                continue
            start, dollars, depth = m.start(), 0, 0
        dollars += len(_DOLLAR.findall(w))
        depth += w.count("{") - w.count("}") + w.count("[") - w.count("]")   # groups, \cite[..]{..}, \[ .. \]
        depth += w.count("\\begin{") - w.count("\\end{")          # environments
        if dollars % 2 == 0 and depth <= 0 and not w.endswith("\\"):     # "\ " is a space: go on
            out.append((start, m.end()))
            start = None
    if start is not None:
        out.append((start, len(text)))
    return out


# Typographic LaTeX in the plain words between commands (a text that holds LaTeX was written as LaTeX).
_TYPOGRAPHY = re.compile(r"---|--|``|''|~")
_TYPOGRAPHY_TEXT = {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d", "~": " "}


def typography_to_text(text: str) -> str:
    """LaTeX's typographic ligatures in plain words as their characters (``--`` -> en dash, ``~`` -> space)."""
    return _TYPOGRAPHY.sub(lambda m: _TYPOGRAPHY_TEXT[m.group()], text)


def _convert_regions(text: str) -> tuple[str, list[tuple[int, int]]]:
    out: list[str] = []
    spans: list[tuple[int, int]] = []

    def plain(a: int, b: int) -> None:
        pos = a
        for m in _TYPOGRAPHY.finditer(text, a, b):
            for j in range(pos, m.start()):
                out.append(text[j])
                spans.append((j, j + 1))
            out.append(_TYPOGRAPHY_TEXT[m.group()])
            spans.append((m.start(), m.end()))
            pos = m.end()
        for j in range(pos, b):
            out.append(text[j])
            spans.append((j, j + 1))

    pos = 0
    for a, b in _regions(text):
        plain(pos, a)
        try:
            shown, sp = _convert(text[a:b])
        except Exception:  # noqa: BLE001 - a command pylatexenc cannot read (\href without its text) stays as written
            shown, sp = text[a:b], [(i, i + 1) for i in range(b - a)]
        out.append(shown)
        spans.extend((s + a, e + a) for s, e in sp)
        pos = b
    plain(pos, len(text))
    return "".join(out), spans


def _convert(text: str) -> tuple[str, list[tuple[int, int]]]:
    from pylatexenc.latexwalker import LatexCharsNode, LatexWalker

    escaped, where = _escape_specials(text)
    nodes, _pos, _len = LatexWalker(escaped, tolerant_parsing=True).get_latex_nodes()
    conv = _converter()
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    covered = 0
    for node in nodes or []:
        start, end = node.pos, node.pos + node.len
        if start > covered:                     # whatever the walker skipped: keep it as it was
            for j in range(covered, start):
                out.append(escaped[j])
                spans.append((where[j], where[j] + 1))
        if isinstance(node, LatexCharsNode):
            # plain words: kept character for character (no ligatures), so offsets map exactly
            for j in range(start, end):
                ch = escaped[j]
                out.append(" " if ch == "~" else ch)
                spans.append((where[j], where[j] + 1))
        else:
            piece = conv.nodelist_to_text([node]).replace("\xa0", " ")   # ~ is a space to a reader
            span = (where[start], where[end] if end < len(where) else len(text))
            out.append(piece)
            spans.extend([span] * len(piece))
        covered = max(covered, end)
    for j in range(covered, len(escaped)):
        out.append(escaped[j])
        spans.append((where[j], where[j] + 1))
    return "".join(out), spans


def clip_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…" when anything was cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]                  # room for the "…"
    if not text[limit - 1].isspace() and " " in cut[limit // 2:]:
        cut = cut[:cut.rfind(" ")]          # never half a word (a single huge word is cut where it must be)
    return cut.rstrip(" ,;:-\u2013\u2014") + "…"


# Nouns whose plural is not the noun with an "s" (the CLI's messages use these).
_IRREGULAR = {"analysis": "analyses", "entry": "entries", "query": "queries", "summary": "summaries",
              "category": "categories", "study": "studies", "library": "libraries", "match": "matches",
              "batch": "batches", "copy": "copies", "is": "are", "was": "were", "has": "have"}


def plural(n: int, noun: str, many: str | None = None, *, number: bool = True) -> str:
    """``n`` and ``noun`` agreeing: "1 paper", "4 papers", "2 entries" (``many``: the plural when it is
    neither the noun with an "s" nor a known irregular one); ``number=False`` gives the noun alone."""
    word = noun if n == 1 else (many or _IRREGULAR.get(noun) or noun + "s")
    return f"{n:,} {word}" if number else word
