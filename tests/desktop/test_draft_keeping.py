"""A draft is written as it is typed (drafts.DraftKeeper): at the first change at once, then at most every
KEEP_EVERY_MS while the typing goes on, and at once when the typing leaves its box or the application goes to
the background. So continuous typing is on disk as it goes, not only once it pauses."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget


def _keeper(tmp_path):
    from gapscope_desktop.drafts import DraftKeeper

    keeper = DraftKeeper("test", "the test's text")
    keeper.set_folder(tmp_path)
    return keeper


def _texts(tmp_path) -> list[str]:
    return [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted(tmp_path.glob("test-*.json"))]


def test_the_first_change_is_written_at_once_and_the_next_ones_follow(qtbot, tmp_path):
    keeper = _keeper(tmp_path)
    keeper.keep("k", {"text": "a"})
    assert _texts(tmp_path) == ["a"]                  # no wait: a kill right after the first word keeps it
    keeper.keep("k", {"text": "ab"})
    keeper.keep("k", {"text": "abc"})
    qtbot.waitUntil(lambda: _texts(tmp_path) == ["abc"], timeout=10000)   # the trailing write
    keeper.drop("k")
    assert _texts(tmp_path) == []


def test_text_typed_without_a_pause_is_written_while_it_is_typed(qtbot, tmp_path):
    keeper = _keeper(tmp_path)
    typed, seen = [""], []
    typing = QTimer()
    typing.setInterval(10)                            # well under any pause a trailing write would wait for

    def type_one() -> None:
        typed[0] += "x"
        keeper.keep("k", {"text": typed[0]})
        now = _texts(tmp_path)
        if now and (not seen or now[0] != seen[-1]):
            seen.append(now[0])

    typing.timeout.connect(type_one)
    typing.start()
    try:
        qtbot.waitUntil(lambda: len(seen) >= 3, timeout=20000)   # three writes, the typing never paused
    finally:
        typing.stop()
    assert all(typed[0].startswith(s) for s in seen) and len(seen[-1]) > len(seen[0])
    keeper.drop("k")


def test_what_is_pending_is_written_when_the_focus_moves_or_the_application_goes_to_the_background(
        qtbot, tmp_path):
    keeper = _keeper(tmp_path)
    box = QWidget()
    one, two = QLineEdit(), QLineEdit()
    layout = QVBoxLayout(box)
    layout.addWidget(one)
    layout.addWidget(two)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    box.activateWindow()
    one.setFocus()
    keeper.keep("k", {"text": "a"})
    keeper.keep("k", {"text": "ab"})                  # pending: the interval is not up
    assert _texts(tmp_path) == ["a"]
    app = QApplication.instance()
    app.focusChanged.emit(one, two)                   # the typing leaves its box
    assert _texts(tmp_path) == ["ab"]
    keeper.keep("k", {"text": "abc"})
    app.applicationStateChanged.emit(Qt.ApplicationInactive)   # hidden, minimised, another application on top
    assert _texts(tmp_path) == ["abc"]
    keeper.drop("k")
