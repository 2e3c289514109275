"""pdfium is not thread-safe: every pypdfium2 call holds one process-wide lock, so the reader can draw
pages while a worker extracts text, without a crash and with the same results as one thread alone."""

from __future__ import annotations

import threading

EACL = "cs/2023.eacl-main.121.pdf"
CITESEE = "cs/2302.07302v1.pdf"


def test_drawing_and_extracting_from_two_threads_at_once(shared_data):
    from gapscope.fulltext.extract import extract
    from gapscope.fulltext.pagetext import page_text, render_page

    pdfs = shared_data / "pdfs"
    alone_text = extract(pdfs / EACL).text()
    alone_pages = [(render_page(pdfs / CITESEE, i, 0.5).data, page_text(pdfs / CITESEE, i).text) for i in range(6)]
    results: dict[str, object] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def extracting():
        try:
            start.wait()
            results["text"] = [extract(pdfs / EACL).text() for _ in range(2)]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def drawing():
        try:
            start.wait()
            results["pages"] = [[(render_page(pdfs / CITESEE, i, 0.5).data, page_text(pdfs / CITESEE, i).text)
                                 for i in range(6)] for _ in range(3)]
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=extracting), threading.Thread(target=drawing)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert results["text"] == [alone_text, alone_text]
    assert results["pages"] == [alone_pages] * 3


def test_extraction_waits_while_another_thread_is_in_pdfium(shared_data):
    """While the lock is held (the reader drawing), a worker's extraction does not touch pdfium."""
    from gapscope.fulltext.extract import extract
    from gapscope.fulltext.pdfium_lock import PDFIUM_LOCK

    first_page = threading.Event()
    done: list[int] = []

    def worker():
        doc = extract(shared_data / "pdfs" / CITESEE, progress=lambda i, n, msg="": first_page.set())
        done.append(doc.pages)

    with PDFIUM_LOCK:
        t = threading.Thread(target=worker)
        t.start()
        read_a_page = first_page.wait(1.0)
    t.join()
    assert not read_a_page, "a page was read while another thread held the pdfium lock"
    assert done == [15]
