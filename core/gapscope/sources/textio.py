"""Reading text files line by line whatever their encoding, without loading them whole."""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zlib
from pathlib import Path
from typing import Iterator, Optional


class FileCutShort(Exception):
    """The file's bytes end (or stop making sense) in the middle: a truncated or damaged ``.gz``,
    an interrupted download. ``line`` is the first line that could not be read."""

    def __init__(self, path: Path, line: int, why: str) -> None:
        super().__init__(f"{path}:{line}: {why}")
        self.path, self.line, self.why = path, line, why


# What gzip raises on a stream that stops early or is damaged.
_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


def sniff_utf16(head: bytes) -> Optional[str]:
    """'utf-16-le' / 'utf-16-be' for UTF-16 text without a byte-order mark (every other byte NUL in
    ASCII text), else None."""
    sample = head[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def is_binary(head: bytes) -> bool:
    """NUL bytes in text that is not UTF-16: an image, a PDF, a database, an archive ..."""
    return b"\x00" in head[:8192] and sniff_utf16(head) is None

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def open_binary(path: Path):
    """The file's bytes, gunzipped when it is gzip (by magic number, not by name)."""
    f = open(path, "rb")
    magic = f.read(2)
    f.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.open(f, "rb")
    return f


class ReadMeter:
    """How far a reader has got through its file, in bytes of the file on disk: for a ``.gz``, the
    position in the compressed file, so that ``done`` reaches ``total`` (the size on disk) at the end.
    A file's record count is unknown until its end; its size is known at once, so a progress bar over
    bytes fills. Written by the reading thread (the importer reads ahead), read by the importer's."""

    EVERY = 64     # lines between updates: a position per line would cost more than the bar is worth

    def __init__(self, path: Path) -> None:
        self.total = os.path.getsize(path)
        self.done = 0

    def at(self, position: int) -> None:
        self.done = min(position, self.total)

    def finish(self) -> None:
        self.done = self.total


class TextLines:
    """Iterates ``(line_number, text)`` over a file, decoding each line as UTF-8 and falling back to
    Windows-1252 for lines that are not UTF-8 (a common export encoding). ``fallback_lines`` (the first
    ``KEPT_FALLBACK_LINES``) and ``fallback_count`` tell which lines needed the fallback, so the importer
    can name them: the lines after one such line are still read as UTF-8 when they are."""

    KEPT_FALLBACK_LINES = 10

    def __init__(self, path: Path, meter: Optional[ReadMeter] = None) -> None:
        self.path = Path(path)
        self.fallback_lines: list[int] = []
        self.fallback_count = 0
        self.encoding = "utf-8"
        self.meter = meter      # told the position on disk every ReadMeter.EVERY lines, and at the end

    def __iter__(self) -> Iterator[tuple[int, str]]:
        n = 0
        try:
            for n, line in self._lines():
                yield n, line
            if self.meter is not None:
                self.meter.finish()
        except _GZIP_ERRORS as exc:
            raise FileCutShort(self.path, n + 1,
                               f"the compressed file ends early or is damaged after line {n} ({exc}); "
                               "an interrupted download? Every complete record before this line was read") from exc

    def _lines(self) -> Iterator[tuple[int, str]]:
        with open_binary(self.path) as raw:
            meter = self.meter
            disk = raw.fileobj if isinstance(raw, gzip.GzipFile) else raw   # the compressed position of a .gz
            head = raw.read(4096)
            raw.seek(0) if hasattr(raw, "seek") else None
            for bom, enc in _BOMS:
                if head.startswith(bom):
                    self.encoding = enc
                    break
            else:
                self.encoding = sniff_utf16(head) or "utf-8"
            if self.encoding.startswith("utf-16"):
                text = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
                for n, line in enumerate(text, 1):
                    if meter is not None and not n % meter.EVERY:
                        meter.at(disk.tell())
                    yield n, line.lstrip("\ufeff") if n == 1 else line
                return
            for n, bline in enumerate(raw, 1):
                if meter is not None and not n % meter.EVERY:
                    meter.at(disk.tell())
                if n == 1 and bline.startswith(codecs.BOM_UTF8):
                    bline = bline[len(codecs.BOM_UTF8):]
                try:
                    yield n, bline.decode("utf-8")
                except UnicodeDecodeError:
                    self.fallback_count += 1
                    if len(self.fallback_lines) < self.KEPT_FALLBACK_LINES:
                        self.fallback_lines.append(n)
                    yield n, bline.decode("cp1252", errors="replace")
