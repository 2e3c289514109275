"""The longest functions in the core, by lines of source (decorators and docstring included).

    python benchmarks/longest_functions.py            # the 10 longest under core/gapscope
    python benchmarks/longest_functions.py --most 20 desktop/gapscope_desktop

Used to track the 'long functions split into small ones' clean-up; not a timed benchmark."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def functions(tree_root: Path):
    """(lines, 'path:line name') for every function and method below ``tree_root``."""
    for path in sorted(tree_root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                yield node.end_lineno - start + 1, f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default="core/gapscope")
    ap.add_argument("--most", type=int, default=10)
    args = ap.parse_args(argv)
    for n, where in sorted(functions(ROOT / args.folder), key=lambda x: (-x[0], x[1]))[:args.most]:
        print(f"{n:5d}  {where}")


if __name__ == "__main__":
    main()
