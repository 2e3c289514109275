"""Long tags in the detail pane: one without break points (an import's keyword, 300 characters) once
set the window's minimum width to 3,012 px (and the splitter sizes saved with it); realistic long tags
with "-" or "/" wrapped with their last line cut off. A tag typed longer than the limit is refused with
a message, the draft kept to shorten."""

from __future__ import annotations

from .library_data import write_aside

LONG = "x" * 300
REAL = ["https://doi.org/10.1145/3580305.3599256", "needs-replication-on-ImageNet-and-COCO-before-citing"]


def _shown_with_tags(window, qtbot, tags):
    lv = window.library_view
    pid = lv.model.ids()[0]
    write_aside(window.lib.path, lambda lib: [lib.add_tag([pid], t) for t in tags])
    assert lv.select_paper(pid)
    qtbot.waitUntil(lambda: window.detail.paper is not None and window.detail.paper.id == pid, timeout=10000)
    window.detail._render_tags()
    return window.detail


def _whole(label) -> bool:
    return label.height() >= label.heightForWidth(label.width())


def test_a_tag_without_break_points_neither_widens_the_window_nor_is_lost(window, qtbot):
    detail = _shown_with_tags(window, qtbot, [LONG, *REAL])
    assert window.minimumSizeHint().width() <= 1280, window.minimumSizeHint()
    assert detail.tags_label.minimumSizeHint().width() < 400
    qtbot.waitUntil(lambda: window.width() == 1280 and _whole(detail.tags_label), timeout=5000)
    assert LONG in detail.tags_label.toolTip().replace("\u200b", "")   # shortened on screen, whole in the tooltip
    assert "tag:remove/" + LONG in detail.tags_label.text()    # and its × still removes it


def test_realistic_long_tags_wrap_with_their_last_line_shown(window, qtbot):
    """Even with the notes' half of the pane dragged as small as it goes (as a saved splitter may give it)."""
    detail = _shown_with_tags(window, qtbot, REAL)
    detail.splitter.setSizes([detail.splitter.height(), 1])      # 1: as small as it goes (0 folds it away)
    qtbot.wait(50)
    label = detail.tags_label
    qtbot.waitUntil(lambda: _whole(label), timeout=5000)
    assert label.geometry().bottom() <= label.parentWidget().rect().bottom()


def test_a_typed_tag_over_the_limit_is_refused_with_a_message(window, qtbot):
    from gapscope.models import TAG_MAX_LENGTH

    detail = _shown_with_tags(window, qtbot, [])
    said = []
    detail.said.connect(said.append)
    detail.tag_edit.setText("y" * (TAG_MAX_LENGTH + 1))
    detail._add_tag()
    assert said and f"at most {TAG_MAX_LENGTH} characters" in said[-1], said
    assert detail.tag_edit.text() == "y" * (TAG_MAX_LENGTH + 1)     # kept, to shorten
    assert "y" * (TAG_MAX_LENGTH + 1) not in window.lib.tags_of(detail.paper.id)
    detail.tag_edit.setText("y" * TAG_MAX_LENGTH)
    with qtbot.waitSignal(detail.tagsChanged, timeout=10000):
        detail._add_tag()
    assert "y" * TAG_MAX_LENGTH in window.lib.tags_of(detail.paper.id)
