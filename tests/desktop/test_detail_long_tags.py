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


def test_a_long_tag_the_library_holds_is_put_on_another_paper_from_the_tag_box(window, qtbot):
    """An import's 300-character keyword is a tag of the library: typed (or pasted) in another paper's tag
    box it files that paper under it too; the limit is on new labels."""
    lv = window.library_view
    other = lv.model.ids()[1]
    detail = _shown_with_tags(window, qtbot, [LONG])
    assert lv.select_paper(other)
    qtbot.waitUntil(lambda: detail.paper is not None and detail.paper.id == other, timeout=10000)
    detail.tag_edit.setText(LONG)
    with qtbot.waitSignal(detail.tagsChanged, timeout=10000):
        detail._add_tag()
    assert LONG in window.lib.tags_of(other)


def test_the_context_menu_s_tag_keeps_the_same_limit(window, qtbot, monkeypatch):
    """Tag… on selected papers refused nothing: a 300-character new tag went in there. It is refused with
    the tag box's message; a long tag the library already holds still goes on."""
    from PySide6.QtWidgets import QMessageBox

    from gapscope.models import TAG_MAX_LENGTH

    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: warned.append(text))
    lv = window.library_view
    first, second = lv.model.ids()[:2]
    new = "n" * (TAG_MAX_LENGTH + 1)
    menu = lv.paper_menu([second])
    menu.tag(new)
    assert warned and f"at most {TAG_MAX_LENGTH} characters" in warned[-1]
    write_aside(window.lib.path, lambda lib: lib.add_tag([first], LONG))
    menu.tag(LONG)
    qtbot.waitUntil(lambda: LONG in window.lib.tags_of(second), timeout=10000)
    assert new not in window.lib.tags_of(second) and len(warned) == 1
