"""One process-wide lock around every pypdfium2 call.

PDFium is not thread-safe (pypdfium2's documentation: "PDFium is not thread-compatible"): two threads in
it at once, even on different documents, can crash the process. Extraction runs on worker threads while
the reader draws pages on the GUI thread, so every use of pypdfium2 (opening, reading a page, drawing,
closing) holds this lock. It is re-entrant: a function holding it may call another that takes it.
Objects are closed explicitly inside the lock, so no pdfium finalizer runs later outside it.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
