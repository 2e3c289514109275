"""The usual light palette: every text the views colour themselves reads at 4.5:1 on what it is drawn
on, as under a dark one (the light greys, the caution and fair colours were 2.3 to 4.0:1), the greys
still step from faint to secondary to primary, and the loss curves of the Experiments plot stand out
3:1 from the plot under either palette (WCAG non-text contrast)."""

from __future__ import annotations

from PySide6.QtGui import QPalette

from .readability import dark_palette, unreadable
from .test_dark_palette import measure_everything

# what a text colour may be drawn on under the light palette besides the palette's own grounds
LIGHT_SURFACES = ("panel", "header", "banner")


def _light_grounds(qapp) -> dict[str, str]:
    from gapscope_desktop import theme

    pal = qapp.palette()
    assert not theme.is_dark(pal)
    roles = ("Window", "Base", "AlternateBase", "ToolTipBase", "Button")
    grounds = {r: pal.color(getattr(QPalette, r)).name() for r in roles}
    grounds.update({n: theme.colour(n) for n in LIGHT_SURFACES})
    return grounds


def test_every_text_colour_reads_on_every_light_ground(qapp):
    from gapscope_desktop import theme
    from gapscope_desktop.app import create_app

    create_app(["test"])
    grounds = _light_grounds(qapp)
    bad = [f"{name} {theme.colour(name)} on {where} {g}: {theme.contrast(theme.colour(name), g):.2f}"
           for name in theme.TEXT for where, g in grounds.items()
           if theme.contrast(theme.colour(name), g) < theme.MIN_CONTRAST]
    assert not bad, "\n".join(bad)


def test_the_greys_keep_their_order(qapp):
    """faint and stale stay greyer than secondary, secondary than the palette's text; the sidebar's
    headings keep Qt.gray's touch of blue."""
    from gapscope_desktop import theme
    from gapscope_desktop.app import create_app

    create_app(["test"])
    window = qapp.palette().color(QPalette.Window)
    text = qapp.palette().color(QPalette.WindowText)
    on = {n: theme.contrast(theme.colour(n), window) for n in ("faint", "stale", "heading", "tertiary", "secondary")}
    assert on["stale"] <= on["faint"] < on["tertiary"] < on["secondary"] < theme.contrast(text, window)
    assert on["heading"] < on["tertiary"]
    heading = theme.qcolor("heading")
    assert heading.blue() > heading.red() == heading.green()


def test_every_coloured_text_reads_on_the_light_palette(analysed_window, qtbot):
    from gapscope_desktop import theme

    assert not theme.is_dark()
    runs = measure_everything(analysed_window, qtbot)
    assert len(runs) > 100
    bad = unreadable(runs)
    assert not bad, "\n".join(bad)


def test_every_loss_curve_stands_out_from_the_plot_in_both_palettes(qapp):
    from gapscope_desktop import theme
    from gapscope_desktop.views.experiments_view import CURVE_COLORS

    light = QPalette(qapp.palette())
    for pal in (light, dark_palette()):
        plot = theme.colour("plot_background", pal)
        bad = [f"{c} on {plot}: {theme.contrast(c, plot):.2f}" for c in CURVE_COLORS if theme.contrast(c, plot) < 3.0]
        assert not bad, "\n".join(bad)
    assert len(set(CURVE_COLORS)) == len(CURVE_COLORS) >= 6
