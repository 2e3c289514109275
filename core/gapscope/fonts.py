"""Fonts for the PDF report and the charts (in the lowest layer: reports and experiments both draw text).
DejaVu Sans (matplotlib ships it) draws Latin, Greek, Cyrillic, most math symbols, and Arabic and Hebrew
letters (joined and in reading order where the text is shaped: see `needs_shaping`). For what it lacks
(Chinese, Japanese, Korean, Devanagari, math letters such as 𝒪) the report looks for a font on this computer
that has the characters: the fonts fontconfig lists (Linux) and the usual font folders (macOS, Windows,
Linux), the best known families first (Noto Sans CJK, Source Han Sans, Noto Sans, then each system's CJK
font). No CJK font is bundled: one is 10-20 MB, over the repository's 5 MB a file, and every desktop system
that shows CJK has one. The report's figures and an experiment run's curves (matplotlib) draw such
characters in the same fonts (:func:`use_fallback_fonts`).

$GAPSCOPE_FONT_PATH (folders, separated by the path separator) replaces that search: only fonts in
those folders are used (an empty folder: DejaVu alone). The search (fc-list and a walk of the font
folders) is done once for a whole report, its figures and its PDF (:func:`one_font_search`); outside
one, each call searches afresh, so a font installed while GapScope runs is found."""

from __future__ import annotations

import bisect
import os
import subprocess
import sys
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

FONT_PATH_ENV = "GAPSCOPE_FONT_PATH"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

# lower-case pieces of file names, the most wanted first: families that cover much, then each system's
# CJK font (Windows: YaHei, Yu Gothic, Meiryo, Malgun; macOS: PingFang, Hiragino, Apple SD Gothic Neo)
PREFERRED = ("notosanscjk", "sourcehansans", "notosans", "msyh", "yugoth", "meiryo", "malgun",
             "pingfang", "hiragino", "applesdgothicneo", "wqy", "droidsansfallback", "simsun", "arialuni",
             "nirmala", "segoeui", "seguisym", "dejavu", "freesans", "stix", "symbola", "unifont")
STYLED = ("bold", "italic", "oblique", "light", "thin", "black", "heavy", "medium", "semibold", "condensed",
          "mono", "emoji")


def dejavu_dir() -> Path:
    import matplotlib

    return Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"


def draws_nothing(ch: str) -> bool:
    """A character no font needs a glyph for: line breaks, tabs, and format characters (zero-width
    spaces and joiners, soft hyphens, variation selectors), which are invisible in any case."""
    cp = ord(ch)
    return (ch in "\n\r\t" or unicodedata.category(ch) == "Cf" or 0xFE00 <= cp <= 0xFE0F
            or 0xE0100 <= cp <= 0xE01EF)


# scripts whose letters change shape with their neighbours or that are written right to left: Hebrew to
# NKo and Arabic Extended (0590-08FF), the Indic scripts (0900-0DFF), Tibetan, Myanmar, Khmer, and the
# Hebrew and Arabic presentation forms
SHAPED_RANGES = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0F00, 0x109F), (0x1780, 0x17FF), (0xFB1D, 0xFDFF),
                 (0xFE70, 0xFEFF))


def needs_shaping(s: str) -> bool:
    """Whether ``s`` needs a shaping engine to be drawn right: letters joined or combined as their
    script wants, right-to-left runs in reading order. Latin text does without (and keeps its look)."""
    return any(any(a <= ord(c) <= b for a, b in SHAPED_RANGES) or unicodedata.bidirectional(c) in ("R", "AL")
               for c in s if ord(c) >= 0x0590)


class Coverage:
    """The code points a font has glyphs for, as sorted ranges."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        ranges.sort()
        self.starts = [a for a, _b in ranges]
        self.ends = [b for _a, b in ranges]

    @classmethod
    def of_codepoints(cls, cps) -> "Coverage":
        ranges: list[tuple[int, int]] = []
        for cp in sorted(cps):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
        return cls(ranges)

    @classmethod
    def of_fontconfig(cls, charset: str) -> "Coverage":
        """fontconfig's ``%{charset}``: hexadecimal code points and ranges (``20-7e a0``)."""
        ranges = []
        for part in charset.split():
            a, _, b = part.partition("-")
            ranges.append((int(a, 16), int(b or a, 16)))
        return cls(ranges)

    def __contains__(self, cp: int) -> bool:
        i = bisect.bisect_right(self.starts, cp) - 1
        return i >= 0 and cp <= self.ends[i]


@dataclass
class FontFace:
    """One face of a font file (a .ttc collection holds several; the first is used)."""

    path: str
    index: int = 0
    coverage: Optional[Coverage] = field(default=None, repr=False)   # read from the file when first asked

    def covers(self, cps: set[int]) -> set[int]:
        if self.coverage is None:
            self.coverage = _read_coverage(self.path, self.index)
        return {cp for cp in cps if cp in self.coverage}


_COVERAGE_CACHE: dict[tuple[str, int, int], Coverage] = {}


def _read_coverage(path: str, index: int) -> Coverage:
    """The file's character map (fontTools); an unreadable file covers nothing. Kept for the process,
    by the file's modification time."""
    try:
        key = (path, index, os.stat(path).st_mtime_ns)
    except OSError:
        return Coverage([])
    if key not in _COVERAGE_CACHE:
        from fontTools.ttLib import TTFont

        try:
            with TTFont(path, fontNumber=index, lazy=True) as font:
                _COVERAGE_CACHE[key] = Coverage.of_codepoints((font.getBestCmap() or {}).keys())
        except Exception:  # noqa: BLE001 - a broken or unusual font file: look at the next one
            _COVERAGE_CACHE[key] = Coverage([])
    return _COVERAGE_CACHE[key]


def known_font_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), data / "fonts", home / ".fonts"]


def _fontconfig_faces() -> list[FontFace]:
    """Every font fontconfig knows, with its character set (one quick call: fontconfig's cache)."""
    try:
        out = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\t%{charset}\n"], capture_output=True,
                             text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].lower().endswith(FONT_SUFFIXES) and parts[1].strip().isdigit():
            faces.append(FontFace(parts[0], int(parts[1]), Coverage.of_fontconfig(parts[2])))
    return faces


def _files_in(dirs: list[Path]) -> list[FontFace]:
    faces = []
    for d in dirs:
        for root, _dirs, files in os.walk(d):
            faces += [FontFace(os.path.join(root, f)) for f in sorted(files) if f.lower().endswith(FONT_SUFFIXES)]
    return faces


def _rank(face: FontFace) -> tuple:
    name = os.path.basename(face.path).lower().replace("-", "").replace("_", "").replace(" ", "")
    family = next((i for i, p in enumerate(PREFERRED) if p in name), len(PREFERRED))
    return (any(s in name for s in STYLED), family, face.index, name)


# the faces found by the search of the report being made (a context variable: one per thread); None
# outside one_font_search, an empty list inside it until the first search
_KEPT: ContextVar[Optional[list]] = ContextVar("gapscope_font_faces", default=None)


@contextmanager
def one_font_search() -> Iterator[None]:
    """Inside, :func:`font_faces` searches once and gives the same faces after: a report's charts and
    its PDF each look for fonts, and the search takes a while on a computer with many fonts."""
    token = _KEPT.set([])
    try:
        yield
    finally:
        _KEPT.reset(token)


def font_faces() -> list[FontFace]:
    """The fonts to look in for characters DejaVu Sans lacks, the most wanted first; one face per
    file (a collection's faces share their characters, in different styles or national forms)."""
    kept = _KEPT.get()
    if kept:
        return kept[0]
    faces = _search_faces()
    if kept is not None:
        kept.append(faces)
    return faces


def _search_faces() -> list[FontFace]:
    env = os.environ.get(FONT_PATH_ENV)
    if env is not None:
        faces = _files_in([Path(p) for p in env.split(os.pathsep) if p])
    else:
        faces = _fontconfig_faces() + _files_in(known_font_dirs())
    seen: set[str] = set()
    out = []
    for face in sorted(faces, key=_rank):
        real = os.path.realpath(face.path)
        if real not in seen:
            seen.add(real)
            out.append(face)
    return out


def faces_for(need: set[int], faces: list[FontFace]) -> list[FontFace]:
    """The faces, the most wanted first, that together draw what they can of ``need``: each one draws
    something the ones before it lack."""
    chosen = []
    for face in faces:
        if not need:
            break
        got = face.covers(need)
        if got:
            chosen.append(face)
            need = need - got
    return chosen


DEJAVU_FAMILY = "DejaVu Sans"
_MPL_FAMILIES: dict[tuple[str, int], Optional[str]] = {}   # font file (face): its family, once registered


def _matplotlib_family(face: FontFace) -> Optional[str]:
    """Make the font known to matplotlib's font manager; its family name, None for a file it cannot read."""
    key = (face.path, face.index)
    if key not in _MPL_FAMILIES:
        from matplotlib import font_manager, ft2font

        try:
            font_manager.fontManager.addfont(face.path)
            _MPL_FAMILIES[key] = ft2font.FT2Font(face.path, face_index=face.index).family_name
        except Exception:  # noqa: BLE001 - a broken or unusual font file: the next one may do
            _MPL_FAMILIES[key] = None
    return _MPL_FAMILIES[key]


def figure_families(text: str) -> list[str]:
    """The font families for a figure that draws ``text``: DejaVu Sans, then (only when ``text`` holds
    characters DejaVu lacks) the fonts of this computer that have them, as for the PDF. matplotlib takes
    each glyph from the first family in the list that has it; without the others it draws a box."""
    dejavu = _read_coverage(str(dejavu_dir() / "DejaVuSans.ttf"), 0)
    need = {ord(c) for c in set(text) if not draws_nothing(c)}
    need = {cp for cp in need if cp not in dejavu}
    families = [DEJAVU_FAMILY]
    if need:
        for face in faces_for(need, font_faces()):
            name = _matplotlib_family(face)
            if name and name not in families:
                families.append(name)
    return families


def use_fallback_fonts(fig) -> None:
    """Give every text of the figure DejaVu Sans and then the fonts that draw what it lacks, so a CJK
    label is drawn rather than shown as boxes: the report's charts and an experiment run's curves (its
    name in the title). Called before the figure is laid out (a label's size depends on its font); a
    figure in characters DejaVu has is left as it is."""
    from matplotlib.text import Text

    texts = [t for t in fig.findobj(Text) if t.get_text()]
    families = figure_families("".join(t.get_text() for t in texts))
    if len(families) > 1:
        for t in texts:
            t.set_fontfamily(families)
