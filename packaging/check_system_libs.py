#!/usr/bin/env python3
"""Check the system libraries Qt (PySide6) needs on Linux, before `make run` / `make test` install
anything; install the missing ones with apt-get when running as root, or print the one command to run.

    python3 packaging/check_system_libs.py --for run    # the desktop on a screen: the xcb platform plugin
    python3 packaging/check_system_libs.py --for test   # QT_QPA_PLATFORM=offscreen: QtGui and a font

The lists come from the NEEDED entries of PySide6 6.12's libQt6Core/Gui/Widgets/DBus/XcbQpa and of the
offscreen and xcb platform plugins (`objdump -p ... | grep NEEDED`); PySide6 bundles ICU itself. When the
project's venv already holds PySide6 (`--venv .venv`), the plugins are also checked with `ldd`, so a
library a newer PySide6 adds is named even if this list lacks it. Standard library only: it runs before
the venv exists. Not Linux: nothing to check (the wheels bring what they need).
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys

# soname -> Debian / Ubuntu package. Ubuntu 24.04 renames libglib2.0-0 to libglib2.0-0t64; apt-get picks
# the single package that provides the old name, so one list serves both.
OFFSCREEN = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libX11.so.6": "libx11-6",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
}
XCB = {
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}
# Without a font Qt draws no text (and warns "Cannot find font directory"); the fontconfig package
# brings its configuration and, through fontconfig-config, the DejaVu fonts.
FONT_PACKAGES = ["fontconfig", "fonts-dejavu-core"]
PLUGINS = {"test": ["libqoffscreen.so"], "run": ["libqoffscreen.so", "libqxcb.so"]}


def wanted(target: str) -> dict[str, str]:
    return {**OFFSCREEN, **XCB} if target == "run" else dict(OFFSCREEN)


def known_sonames() -> set[str]:
    """Every library the dynamic loader finds (`ldconfig -p`); non-root PATHs often lack /sbin."""
    ldconfig = shutil.which("ldconfig") or next(
        (p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(p)), None)
    if ldconfig is None:
        return set()
    out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines()[1:] if line.strip()}


def has_font() -> bool:
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list"], capture_output=True, text=True).stdout
        return bool(out.strip())
    return any(glob.glob(f"{d}/**/*.[ot]tf", recursive=True) for d in ("/usr/share/fonts", "/usr/local/share/fonts"))


def venv_package(venv: str) -> list[str]:
    """Debian splits `python3 -m venv` (ensurepip) into python3.X-venv; needed only to create the venv."""
    if os.path.exists(os.path.join(venv, "bin", "python")):
        return []
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        return [f"python3.{sys.version_info.minor}-venv"]
    return []


def ldd_missing(venv: str, target: str) -> list[str]:
    """Sonames `ldd` cannot resolve for the platform plugins of the venv's PySide6 (none if not installed)."""
    missing: list[str] = []
    for plugin in PLUGINS[target]:
        for path in glob.glob(f"{venv}/lib/python3*/site-packages/PySide6/Qt/plugins/platforms/{plugin}"):
            out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
            missing += [line.split()[0] for line in out.splitlines() if "not found" in line]
    return sorted(set(missing))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--for", dest="target", choices=("run", "test"), default="run")
    ap.add_argument("--venv", default=".venv", help="the project's venv, for the ldd check of PySide6's plugins")
    ap.add_argument("--no-install", action="store_true", help="only report, even as root")
    args = ap.parse_args(argv)
    if not sys.platform.startswith("linux"):
        return 0

    have = known_sonames()
    need = wanted(args.target)
    missing = {so: pkg for so, pkg in need.items() if so not in have} if have else {}
    unknown = [so for so in ldd_missing(args.venv, args.target) if so not in need]
    fonts = set() if has_font() else set(FONT_PACKAGES)
    if fonts and args.target == "test" and not missing:
        # offscreen tests run without a font (Qt only warns); say so, and never stop the tests for it
        print("no font found: Qt draws no text in screenshots (apt-get install " + " ".join(FONT_PACKAGES) + ")",
              file=sys.stderr)
        fonts = set()
    packages = sorted(set(missing.values()) | fonts | set(venv_package(args.venv)))
    if unknown:
        print(f"Qt's platform plugin also needs {', '.join(unknown)} (not in this script's list: install the"
              " package that provides it)", file=sys.stderr)
    if not packages:
        return 1 if unknown else 0

    what = "the desktop app (xcb)" if args.target == "run" else "the offscreen tests"
    print(f"Qt needs system libraries for {what} that are missing: "
          f"{', '.join(sorted(missing)) or 'a font or python venv'}", file=sys.stderr)
    apt = shutil.which("apt-get")
    command = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    if apt and os.geteuid() == 0 and not args.no_install:
        print("installing: " + " ".join(command), file=sys.stderr, flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
        done = subprocess.run(command, env=env).returncode == 0
        if done:
            return 0
        print("apt-get could not install them (see above)", file=sys.stderr)
    if apt:
        print("Run this once, then make again:\n\n    sudo " + " ".join(command) + "\n", file=sys.stderr)
    else:
        print("Install the packages of your distribution that provide them (Debian / Ubuntu names: "
              + " ".join(packages) + "), then make again.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
