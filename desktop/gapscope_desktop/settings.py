"""Application settings (QSettings): library path, device, proxies, source URLs, window state."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QSettings

ORG = "GapScope"
APP = "GapScope"

DEFAULTS: dict[str, Any] = {
    "library/path": "",
    "compute/device": "auto",          # auto | cpu | cuda | mps
    "network/http_proxy": "",
    "network/https_proxy": "",
    "sources/arxiv_url": "https://export.arxiv.org/api/query",
    "sources/scholar_url": "https://scholar.google.com",
}


def settings() -> QSettings:
    # INI on every platform: one readable file, and tests can redirect it with QSettings.setPath.
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORG, APP)


def get(key: str) -> Any:
    value = settings().value(key, DEFAULTS.get(key))
    return DEFAULTS.get(key) if value is None else value


def put(key: str, value: Any) -> None:
    settings().setValue(key, value)


def apply_environment() -> None:
    """Hand network and device choices to the core the way it reads them: the standard proxy
    variables (requests and urllib honour them) and GAPSCOPE_DEVICE."""
    for key, var in (("network/http_proxy", "HTTP_PROXY"), ("network/https_proxy", "HTTPS_PROXY")):
        value = str(get(key) or "").strip()
        if value:
            os.environ[var] = value
        elif os.environ.get(var) and os.environ.get(f"GAPSCOPE_SET_{var}"):
            del os.environ[var]
        if value:
            os.environ[f"GAPSCOPE_SET_{var}"] = "1"
    device = str(get("compute/device") or "auto")
    if device != "auto":
        os.environ["GAPSCOPE_DEVICE"] = device
    else:
        os.environ.pop("GAPSCOPE_DEVICE", None)


def device_arg() -> str | None:
    d = str(get("compute/device") or "auto")
    return None if d == "auto" else d
