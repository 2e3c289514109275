"""The whole-word help wrapper is switched per thread (context): help formatted in one thread never changes how
click wraps text elsewhere, and help sections ending out of order leave click's wrapper as it was."""

import threading

import click

from gapscope.commands.help_format import _whole_words

HYPHENATED = "alpha-beta-gamma-delta-epsilon"


def _breaks_on_hyphens() -> bool:
    # click's own rule: a line may end after a hyphen
    return any(line.endswith("-") for line in click.wrap_text(HYPHENATED, width=12).splitlines())


def _hold_help_open(entered: threading.Event, leave: threading.Event) -> None:
    with _whole_words():
        assert not _breaks_on_hyphens()      # inside, words are kept whole
        entered.set()
        leave.wait(10)


def test_help_in_another_thread_leaves_this_threads_wrapping_alone():
    entered, leave = threading.Event(), threading.Event()
    t = threading.Thread(target=_hold_help_open, args=(entered, leave))
    t.start()
    try:
        assert entered.wait(10)
        assert _breaks_on_hyphens()
    finally:
        leave.set()
        t.join()


def test_help_sections_of_two_threads_ending_out_of_order_restore_click():
    first_in, first_out = threading.Event(), threading.Event()
    second_in, second_out = threading.Event(), threading.Event()
    first = threading.Thread(target=_hold_help_open, args=(first_in, first_out))
    second = threading.Thread(target=_hold_help_open, args=(second_in, second_out))
    first.start()
    assert first_in.wait(10)
    second.start()
    assert second_in.wait(10)
    first_out.set()          # the first to enter leaves first: not the order a stack of swaps can undo
    first.join()
    second_out.set()
    second.join()
    assert _breaks_on_hyphens()
