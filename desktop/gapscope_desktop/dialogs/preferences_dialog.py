"""Preferences: library path, compute device, the reference library gaps are checked against and the gap
list's two thresholds, proxies, source URLs and the API keys of the citation sources (QSettings)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from gapscope import settings as core_settings
from gapscope.gaps.thresholds import DONE_AT

from .. import settings


# Library settings the collect core reads (shared with `gapscope settings`), by preference field.
LIBRARY_KEYS = {"arxiv_url": "collect.arxiv_url", "scholar_url": "collect.scholar_url"}


def _group(title: str, rows) -> QGroupBox:
    box = QGroupBox(title)
    form = QFormLayout(box)
    for label, field in rows:
        form.addRow(label, field)
    return box


class PreferencesDialog(QDialog):
    """App settings live in QSettings; source URLs and the proxy also go to the open library's settings,
    which is where the collect core (and the CLI) read them: ``library_settings`` after accept, which
    the window stores on its writer queue."""

    def __init__(self, parent: Optional[QWidget] = None, lib=None) -> None:
        super().__init__(parent)
        self.lib = lib
        self.library_settings: dict = {}
        self.setWindowTitle("Preferences")
        self.setObjectName("preferencesDialog")
        self.setMinimumWidth(520)
        self.library = QLineEdit(str(settings.get("library/path") or ""))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.library, 1)
        row.addWidget(browse)
        self.device = QComboBox()
        for d in ("auto", "cpu", "cuda", "mps"):
            self.device.addItem(d, d)
        self.device.setCurrentIndex(max(0, self.device.findData(settings.get("compute/device"))))
        self.http_proxy = QLineEdit(str(settings.get("network/http_proxy") or ""), placeholderText="http://host:port")
        self.https_proxy = QLineEdit(str(settings.get("network/https_proxy") or ""), placeholderText="http://host:port")
        self.arxiv_url = QLineEdit(str(self._lib_value("arxiv_url") or settings.get("sources/arxiv_url") or ""))
        self.scholar_url = QLineEdit(str(self._lib_value("scholar_url") or settings.get("sources/scholar_url") or ""))
        # Citation enrichment (`gapscope enrich`): endpoints and API keys. The keys stay in the user
        # settings file only, never in the library, which may be copied to other people.
        self.openalex_url = QLineEdit(str(settings.get("sources/openalex_url") or ""))
        self.s2_url = QLineEdit(str(settings.get("sources/s2_url") or ""))
        self.openalex_api_key = self._secret_field("sources/openalex_api_key", "free, from openalex.org")
        self.s2_api_key = self._secret_field("sources/s2_api_key", "optional")
        # `gaps find` checks each gap against this bigger library (the core reads the same user key)
        self.gaps_reference = QLineEdit(str(settings.get("gaps/reference_library") or ""),
                                        placeholderText="none: a bigger library, e.g. an import of the arXiv snapshot")
        ref_browse = QPushButton("Browse…")
        ref_browse.clicked.connect(self._browse_reference)
        ref_row = QHBoxLayout()
        ref_row.addWidget(self.gaps_reference, 1)
        ref_row.addWidget(ref_browse)
        # the gap list's two thresholds; the spin boxes allow only what the core's setting accepts
        self.gaps_plausible_min = self._number_field(
            "gaps_plausible_min", QDoubleSpinBox(decimals=2, singleStep=0.05),
            "How close the two concepts of a gap must be in the field: 0.75 lists a pair only when each concept "
            "is closer to the other (by what their papers are about) than 75% of the concepts it could be "
            "paired with. Higher: fewer, closer pairs; 0: no floor.")
        self.gaps_established_min = self._number_field(
            "gaps_established_min", QSpinBox(maximum=1000),
            "How many abstracts of the reference library must name both concepts of a pair (in their title or "
            "abstract) before it counts as already done (established practice) and is not listed as a gap; a "
            "reference corpus of more than 75,000 abstracts needs 4 in 100,000 of them. A gap prints the count it "
            "used as “reference corpus: … (done from N …)”.")
        self.gaps_closest_min = self._number_field(
            "gaps_closest_min", QSpinBox(maximum=1000),
            "How many of the abstracts nearest a pair (of the library and the reference library, by their "
            "vectors) must be about both of its concepts by meaning (close to each, or naming one and close to "
            "the other) to make it already done and not listed. The nearest ones are shown as the gap's closest "
            "existing work, which prints this count as “(done from N …)”. 0: no such check.")
        self.gaps_openalex_min = self._number_field(
            "gaps_openalex_min", QSpinBox(maximum=100000),
            "Online: “Find gaps” asks OpenAlex (all years, titles and abstracts) how many works mention both "
            "concepts of each gap it lists; this many or more make the pair already done, and it is not listed. "
            "Catches pairings older than the reference library. Needs the OpenAlex API key below; 0: offline, "
            "no such check.")
        proxy = self.lib.get_setting("collect.proxy") if self.lib is not None else None
        if isinstance(proxy, str) and not self.http_proxy.text():
            self.http_proxy.setText(proxy)
            self.https_proxy.setText(proxy)
        elif isinstance(proxy, dict) and not self.http_proxy.text():
            self.http_proxy.setText(proxy.get("http", ""))
            self.https_proxy.setText(proxy.get("https", ""))

        groups = [_group("Library and computing", [("Library:", row), ("Device:", self.device),
                                                   ("Gaps reference library:", ref_row),
                                                   ("Gaps plausibility floor:", self.gaps_plausible_min),
                                                   # the labels each gap quotes with the count it prints
                                                   (DONE_AT["gaps_established_min"] + ":", self.gaps_established_min),
                                                   (DONE_AT["gaps_closest_min"] + ":", self.gaps_closest_min),
                                                   (DONE_AT["gaps_openalex_min"] + ":", self.gaps_openalex_min)]),
                  _group("Network", [("HTTP proxy:", self.http_proxy), ("HTTPS proxy:", self.https_proxy),
                                     ("arXiv API URL:", self.arxiv_url), ("Google Scholar URL:", self.scholar_url)]),
                  _group("Citation sources (gapscope enrich)",
                         [("OpenAlex API URL:", self.openalex_url), ("OpenAlex API key:", self.openalex_api_key),
                          ("Semantic Scholar API URL:", self.s2_url), ("Semantic Scholar API key:", self.s2_api_key)])]
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        for g in groups:
            lay.addWidget(g)
        lay.addWidget(buttons)

    @staticmethod
    def _secret_field(key: str, hint: str) -> QLineEdit:
        """A key typed in is hidden as it is typed; a stored one is never shown, only said to be set."""
        field = QLineEdit(echoMode=QLineEdit.Password)
        stored = settings.get(key)
        field.setPlaceholderText(f"set ({core_settings.mask(stored)}); type to replace" if stored else hint)
        return field

    @staticmethod
    def _number_field(name: str, box, tip: str):
        """A spin box for a numeric core setting (its user-file key), bounded by the setting's own range."""
        s = core_settings.SETTINGS[name]
        if s.parse.lo is not None:
            box.setMinimum(s.parse.lo)
        if s.parse.hi is not None:
            box.setMaximum(s.parse.hi)
        try:
            box.setValue(s.parse(settings.get(s.user_key)))
        except ValueError:               # a hand-edited file with a wrong value: show the default
            box.setValue(s.default)
        box.setToolTip(tip)
        return box

    def _lib_value(self, field: str):
        return self.lib.get_setting(LIBRARY_KEYS[field]) if self.lib is not None else None

    def _browse(self) -> None:
        from ..file_dialogs import library_folder, start_folder

        current = self.library.text().strip()
        path = library_folder(self, start_folder(Path(current).expanduser() if current else None))
        if path:
            self.library.setText(path)

    def _browse_reference(self) -> None:
        from ..file_dialogs import library_folder, start_folder

        current = self.gaps_reference.text().strip()
        path = library_folder(self, start_folder(Path(current).expanduser() if current else None))
        if path:
            self.gaps_reference.setText(path)

    def accept(self) -> None:
        settings.put("library/path", self.library.text().strip())
        settings.put("gaps/reference_library", self.gaps_reference.text().strip())
        settings.put("compute/device", self.device.currentData())
        for name, box in (("gaps_plausible_min", self.gaps_plausible_min),
                          ("gaps_established_min", self.gaps_established_min),
                          ("gaps_closest_min", self.gaps_closest_min),
                          ("gaps_openalex_min", self.gaps_openalex_min)):
            settings.put(core_settings.SETTINGS[name].user_key, box.value())
        settings.put("network/http_proxy", self.http_proxy.text().strip())
        settings.put("network/https_proxy", self.https_proxy.text().strip())
        settings.put("sources/arxiv_url", self.arxiv_url.text().strip())
        settings.put("sources/scholar_url", self.scholar_url.text().strip())
        settings.put("sources/openalex_url", self.openalex_url.text().strip())
        settings.put("sources/s2_url", self.s2_url.text().strip())
        for key, field in (("sources/openalex_api_key", self.openalex_api_key),
                           ("sources/s2_api_key", self.s2_api_key)):
            if field.text().strip():           # left empty: the stored key stays
                settings.put(key, field.text().strip())
        self.library_settings = {}         # what to store in the library: the window saves it on the writer queue
        if self.lib is not None:
            for field, widget in (("arxiv_url", self.arxiv_url), ("scholar_url", self.scholar_url)):
                value = widget.text().strip()
                if value and (value != settings.DEFAULTS[f"sources/{field}"] or self._lib_value(field)):
                    self.library_settings[LIBRARY_KEYS[field]] = value
            http, https = self.http_proxy.text().strip(), self.https_proxy.text().strip()
            if http or https or self.lib.get_setting("collect.proxy"):
                self.library_settings["collect.proxy"] = {k: v for k, v in (("http", http), ("https", https))
                                                          if v} or None
        super().accept()
