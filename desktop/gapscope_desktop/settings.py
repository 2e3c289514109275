"""Application settings: the Preferences (library path, device, proxies, source URLs) and the window
state, kept in the one user settings file that the core reads too.

The file is ``gapscope.settings.user_settings_path()`` (INI; ``$GAPSCOPE_SETTINGS`` moves it), written
here through QSettings. The core reads the same keys with the standard library and ranks them below
the command line, the environment and the library's own settings (see gapscope.settings)."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QSettings

from gapscope import settings as core_settings

ORG = "GapScope"
APP = "GapScope"

DEFAULTS: dict[str, Any] = {
    "library/path": "",
    "network/http_proxy": "",
    "network/https_proxy": "",
    # the keys the core reads too, with the core's defaults
    **{s.user_key: s.default for s in core_settings.SETTINGS.values() if s.user_key},
}


def settings() -> QSettings:
    # INI on every platform: one readable file, shared with the core.
    return QSettings(str(core_settings.user_settings_path()), QSettings.IniFormat)


def use_private_settings(folder) -> None:
    """Keep this process's settings in ``folder`` (benchmarks, screenshots): the user's own file is
    chosen by ``$GAPSCOPE_SETTINGS``, so moving QSettings' default path alone would not spare it."""
    from pathlib import Path

    folder = Path(folder)
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(folder))
    os.environ["GAPSCOPE_SETTINGS"] = str(folder / "GapScope.ini")


def get(key: str) -> Any:
    value = settings().value(key, DEFAULTS.get(key))
    return DEFAULTS.get(key) if value is None else value


def put(key: str, value: Any) -> None:
    settings().setValue(key, value)


def apply_environment() -> None:
    """Hand the proxy choices to the core the way it reads them: the standard proxy variables (requests
    and urllib honour them). The device needs nothing: the core reads it from the same file."""
    for key, var in (("network/http_proxy", "HTTP_PROXY"), ("network/https_proxy", "HTTPS_PROXY")):
        value = str(get(key) or "").strip()
        if value:
            os.environ[var] = value
        elif os.environ.get(var) and os.environ.get(f"GAPSCOPE_SET_{var}"):
            del os.environ[var]
        if value:
            os.environ[f"GAPSCOPE_SET_{var}"] = "1"
