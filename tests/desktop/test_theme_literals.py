"""No view writes a text colour of its own: each comes by name from theme.py, so that it reads under a
dark palette and follows a change of palette. A colour named in a view (Qt.darkRed, "white") was the
same under any palette: dark red on a dark list, for one."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtGui import QPalette

from .readability import dark_palette

DESKTOP = Path(__file__).resolve().parents[2] / "desktop" / "gapscope_desktop"
NAMED = re.compile(r"Qt\.(gray|darkGray|lightGray|darkRed|red|darkGreen|green|darkBlue|blue|white|black|yellow)\b"
                   r"|color\s*:\s*(white|black|red|green|blue|gray|grey)\b|#[0-9a-fA-F]{6}\b|QColor\(\s*\d", re.I)
# colours that are no text and the same under any palette: marks drawn on the PDF page (paper is
# white), and the hues that tell plot series and clusters apart
ON_PAPER_OR_DATA = {
    ("views/pdf_reader.py", "_COLOURS = "), ("views/pdf_reader.py", "_SELECTION = "),
    ("views/pdf_reader.py", "SHORTCOMING_COLOURS = "), ("views/experiments_view.py", "CURVE_COLORS = "),
    ("views/graph_view.py", "QColor(136, 149, 167, 90)"), ("views/graph_view.py", 'grey = QColor("#9aa3ad")'),
    ("views/maps_view.py", 'QColor("#bbbbbb")'),
}


def test_views_name_no_colour_of_their_own():
    found = []
    for path in sorted(DESKTOP.rglob("*.py")):
        rel = path.relative_to(DESKTOP).as_posix()
        if rel == "theme.py":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("  #")[0]
            if code.lstrip().startswith("#") or not NAMED.search(code):
                continue
            if any(rel == f and snippet in code for f, snippet in ON_PAPER_OR_DATA):
                continue
            found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


def test_a_blocked_kept_draft_reads_on_a_dark_palette(qapp, qtbot):
    from gapscope_desktop.theme import contrast
    from gapscope_desktop.views.kept_drafts import KeptDraftsBar

    before = QPalette(qapp.palette())
    try:
        qapp.setPalette(dark_palette())
        bar = KeptDraftsBar()
        qtbot.addWidget(bar)
        draft = SimpleNamespace(text="a note", problem="")
        bar.offer([(draft, SimpleNamespace(status="blocked", says="the paper is gone"), "Note on paper 3")])
        colour = bar.list.item(0).foreground().color()
        assert contrast(colour, bar.list.palette().color(QPalette.Base)) >= 4.5
    finally:
        qapp.setPalette(before)
