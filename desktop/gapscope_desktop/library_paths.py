"""One answer to "is this the same library?" for the window and its views: a path typed, chosen in a
dialog or remembered may spell the same library differently (~, a symlink, a relative part)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional


def same_library(a: Optional[str | os.PathLike], b: Optional[str | os.PathLike]) -> bool:
    if a is None or b is None:
        return False
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()
