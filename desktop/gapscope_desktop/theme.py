"""The colours the views write into style sheets, rich text and plots, by name, for the palette in use.

Under a light palette each name is the colour GapScope has always used. Under a dark one (a dark
system theme hands Qt a dark palette) each is derived from it: a text colour keeps its hue, turns light
and is made bright enough for a WCAG contrast of at least 4.5 against every surface it is drawn on (the
window, the text fields, alternate rows, tooltips; a facet colour also every tinted background below); a
tinted background keeps its hue over the palette's own base colour, dark, under the palette's light text.
No two text names share a colour under a dark palette (theme_live maps drawn colours back by value).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Optional

from PySide6.QtGui import QColor, QGuiApplication, QPalette

MIN_CONTRAST = 4.5      # WCAG AA for body text

# Text colours (light-theme values). The facet ones are also drawn on the tints below.
TEXT = {
    "byline": "#444444",         # a paper's authors
    "secondary": "#555555",      # info lines beside controls
    "tertiary": "#666666",       # notes under a control, metadata
    # the light greys below were #888888, #999999 and #a0a0a4 (Qt.gray): 3.1, 2.5 and 2.3:1 on the
    # window; each keeps its hue and is now within a step of the lightest that reaches 4.5 on every light
    # ground (the window, #efefef, is the darkest), still lighter than "tertiary": faint < secondary < primary
    "faint": "#6a6a6a",          # "none", "select a paper", timestamps
    "stale": "#6c6c6c",          # rows that may no longer hold (stale gaps): greyed beside black rows
    "heading": "#6b6b70",        # the sidebar's section headings and counts (Qt.gray's blue-grey)
    "warning": "#a04000",        # something was not done
    "caution": "#9b5d00",        # something to check (stale, truncated); was #aa6600: 4.0:1 on the window
    "error": "#b03a2e",
    "good": "#1d7a3a",
    "fair": "#936119",           # between good and error (map stability); was #b7791f: 3.2:1 on the window
    "quiet_link": "#5a6a7a",     # a link that should not draw the eye ("Edit title", a tag chip's ×; was
                                 # #667788: 3.9:1 on the chip)
    "tag_text": "#223344",
    "facet_background": "#666666",   # was #7a7a7a: 3.8:1 on its tint
    "facet_objective": "#7b3fa0",
    "facet_method": "#1f5fbf",
    "facet_result": "#1a6f36",       # was #1d7a3a: 4.3:1 under a search word's mark
    "facet_other": "#333333",
    "shortcoming": "#c0392b",
}
ON_FILLS = {"tag_text", "quiet_link", "shortcoming"} | {k for k in TEXT if k.startswith("facet_")}

# Backgrounds under the palette's text colour (light-theme values).
FILL = {
    "tint_background": "#f1f1f1",
    "tint_objective": "#f3eaf8",
    "tint_method": "#e7effb",
    "tint_result": "#e6f4ea",
    "tint_other": "#ffffff",
    "search_mark": "#ffe58a",     # a search word in the abstract
    "highlight_yellow": "#fff3a3",
    "highlight_green": "#d4f5d0",
    "highlight_blue": "#d6e6fb",
    "highlight_red": "#fbd9d6",
    "highlight_purple": "#eadcf7",
    "tag": "#e8eef7",
    "banner": "#fff4d6",          # "this map / draft ..." banners
    "invalid_input": "#fde8e8",   # a search box with a query that cannot run
    # the Reader's shortcoming tags, under chip_text: the hues of their marks on the page, dark enough
    # for white text (the page's orange, #c87800, gave "prior work" 3.4:1)
    "chip_own": "#c82828",
    "chip_prior": "#9c5c00",
    "chip_open": "#286ec8",
}

# The application style sheet's colours (style.py) and the plots' (light-theme values).
CHROME = {
    "line": "#dcdcdc",
    "line_soft": "#e6e6e6",
    "line_strong": "#c8c8c8",
    "hover": "#e6eef9",
    "panel": "#f3f4f6",           # the sidebar
    "selected": "#d6e4f7",
    "selected_text": "#10335f",
    "row_selected": "#cfe0f6",
    "row_selected_text": "#111111",
    "header": "#fafafa",
    "header_text": "#333333",
    "focus": "#5b8fd8",
    "banner_border": "#e0b84a",
    "plot_background": "#ffffff",
    "plot_foreground": "#444444",
    "plot_label": "#1d232b",      # map cluster labels, on plot_background
    "plot_ring": "#222222",       # the selected node of the citation graph
    "accent": "#3a7bd5",          # the palette's Highlight, darkened to fit its selected text (accent())
    "alternate_base": "#f7f9fc",
    "link": "#1f5fbf",
    "chip_text": "#ffffff",       # on the chip_ fills; the palette's text under a dark palette
}


def current_palette() -> QPalette:
    return QGuiApplication.palette()


def is_dark(palette: Optional[QPalette] = None) -> bool:
    """A dark theme: light text on a dark window."""
    p = palette or current_palette()
    return p.color(QPalette.Window).lightnessF() < p.color(QPalette.WindowText).lightnessF()


def luminance(colour) -> float:
    """WCAG relative luminance of an opaque colour."""
    c = QColor(colour)

    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())


def contrast(a, b) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mix(a, b, t: float) -> QColor:
    """``a`` moved a share ``t`` of the way to ``b``."""
    a, b = QColor(a), QColor(b)
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


def colour(name: str, palette: Optional[QPalette] = None) -> str:
    """The named colour as ``#rrggbb`` for ``palette`` (default: the application's)."""
    p = palette or current_palette()
    if name == "accent":
        return accent(p)
    if not is_dark(p):
        return (TEXT.get(name) or FILL.get(name) or CHROME[name]).lower()
    roles = (QPalette.Window, QPalette.WindowText, QPalette.Base, QPalette.AlternateBase, QPalette.Text,
             QPalette.ToolTipBase, QPalette.Button, QPalette.Highlight)
    return _dark(name, tuple(p.color(r).name() for r in roles))


def qcolor(name: str, palette: Optional[QPalette] = None) -> QColor:
    return QColor(colour(name, palette))


def facet_colour(role: Optional[str], palette: Optional[QPalette] = None) -> str:
    """A facet role's text colour (an unknown role: "other"'s)."""
    return colour(f"facet_{role}" if f"facet_{role}" in TEXT else "facet_other", palette)


def facet_tint(role: Optional[str], palette: Optional[QPalette] = None) -> str:
    return colour(f"tint_{role}" if f"tint_{role}" in FILL else "tint_other", palette)


CUSTOM_FILLS: set[str] = set()    # highlight colours outside FILL met so far (theme_live maps them on a change)


def highlight_fill(name: Optional[str], palette: Optional[QPalette] = None) -> str:
    """A highlight's background by its colour name (yellow, green ...); any other colour Qt knows (the
    CLI takes one) as given, darkened under a dark palette; none or an unknown one: yellow."""
    if f"highlight_{name}" in FILL:
        return colour(f"highlight_{name}", palette)
    c = QColor(str(name or ""))
    if not c.isValid():
        return colour("highlight_yellow", palette)
    CUSTOM_FILLS.add(c.name())
    p = palette or current_palette()
    if not is_dark(p):
        return c.name()
    return _dark_fill(c.name(), p.color(QPalette.Base).name(), p.color(QPalette.Text).name()).name()


def accent(palette: Optional[QPalette] = None) -> str:
    """The selection's background: GapScope's blue, darkened until the palette's selected text reads on
    it (white on #3a7bd5 was 4.2:1, the light grey of a dark palette 3.7:1)."""
    p = palette or current_palette()
    c, on = QColor(CHROME["accent"]), p.color(QPalette.HighlightedText)
    h, s, light = c.hslHueF(), c.hslSaturationF(), c.lightnessF()
    while contrast(c, on) < MIN_CONTRAST and light > 0.0:
        light = max(light - 0.01, 0.0)
        c = QColor.fromHslF(h, s, light)
    return c.name()


def set_text_colour(widget, name: str, more_css: str = "") -> None:
    """Colour a label's (or button's) text by name, through its style sheet."""
    widget.setStyleSheet(f"color: {colour(name)};" + (f" {more_css}" if more_css else ""))


def banner_sheet(object_name: str) -> str:
    """The style sheet of a banner frame (``#object_name``): a pale yellow band, dark under a dark palette."""
    return f"#{object_name} {{ background: {colour('banner')}; border: 1px solid {colour('banner_border')}; }}"


@lru_cache(maxsize=512)
def _dark(name: str, roles: tuple[str, ...]) -> str:
    window, window_text, base, alternate, text, tooltip, button, highlight = roles
    grounds = [window, base, alternate, tooltip, button]
    if name in FILL:
        return _dark_fill(FILL[name], base, text).name()
    if name in TEXT:
        return _dark_texts(roles)[name]
    derived = {
        "line": mix(window, window_text, 0.22),
        "line_soft": mix(window, window_text, 0.12),
        "line_strong": mix(base, window_text, 0.3),
        "hover": mix(window, highlight, 0.35),
        "panel": mix(window, base, 0.5),
        "selected": mix(base, highlight, 0.45),
        "selected_text": QColor(text),
        "row_selected": mix(base, highlight, 0.45),
        "row_selected_text": QColor(text),
        "header": mix(window, window_text, 0.06),
        "header_text": QColor(window_text),
        "focus": QColor(highlight),
        "banner_border": readable(CHROME["banner_border"], [window], 3.0),
        "plot_background": QColor(base),
        "plot_foreground": mix(text, base, 0.25),
        "plot_label": QColor(text),
        "plot_ring": QColor(text),
        "alternate_base": QColor(alternate),
        "link": readable(CHROME["link"], grounds),
        "chip_text": QColor(text),
    }
    return derived[name].name()


@lru_cache(maxsize=64)
def _dark_texts(roles: tuple[str, ...]) -> dict[str, str]:
    """Every text colour for a dark palette, each its own: two light colours that reach the contrast
    floor at the same shade (a dim grey and a dimmer one) get one a step brighter, so that a colour
    already drawn still tells which name it was when the palette changes back (theme_live)."""
    window, _wt, base, alternate, text, tooltip, button, _hl = roles
    plain = [window, base, alternate, tooltip, button]
    fills = plain + [_dark_fill(f, base, text).name() for f in FILL.values()]
    out: dict[str, str] = {}
    used: dict[str, str] = {}
    for name in sorted(TEXT, key=lambda n: (1.0 - QColor(TEXT[n]).lightnessF(), n)):
        c = readable(TEXT[name], fills if name in ON_FILLS else plain)
        h, sat, light = max(c.hslHueF(), 0.0), c.hslSaturationF(), c.lightnessF()
        while c.name() in used and used[c.name()] != TEXT[name].lower() and light < 1.0:
            light = min(light + 0.01, 1.0)
            c = QColor.fromHslF(h, sat, light)
        used.setdefault(c.name(), TEXT[name].lower())
        out[name] = c.name()
    return out


def readable(light: str, grounds: Iterable[str], target: float = MIN_CONTRAST) -> QColor:
    """A light-theme text colour for dark ``grounds``: its hue, its lightness mirrored (a dim grey stays
    dimmer than a bright one), then brightened until its contrast with each ground reaches ``target``."""
    c = QColor(light)
    h, s, lightness = c.hslHueF(), c.hslSaturationF(), c.lightnessF()
    grounds = list(grounds)
    lightness = 1.0 - lightness
    while True:
        out = QColor.fromHslF(max(h, 0.0), s, min(lightness, 1.0))
        if lightness >= 1.0 or all(contrast(out, g) >= target for g in grounds):
            return out
        lightness += 0.01


def _dark_fill(light: str, base: str, text: str) -> QColor:
    """A light tint for a dark base: its hue laid over ``base``, as strong as the tint is (white: the base
    itself), never so light that the palette's ``text`` on it falls under the contrast floor."""
    c = QColor(light)
    strength = min(0.25, (1.0 - c.lightnessF()) * 3.0)
    hue = QColor.fromHslF(max(c.hslHueF(), 0.0), min(c.hslSaturationF(), 0.8), 0.5)
    while True:
        out = mix(base, hue, strength)
        if strength <= 0 or contrast(out, text) >= MIN_CONTRAST + 1.5:   # a margin: coloured text sits on it too
            return out
        strength -= 0.02
