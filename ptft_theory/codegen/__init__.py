"""Generate the numeric kernels (numpy, torch, mpmath) and derivations/ from the symbolic layer.

The stages: :mod:`.registry` (what is generated), :mod:`.printers` (how),
:mod:`.derivations` (the Markdown documents), this module (which files, stale check, update).

Usage::

    python -m ptft_theory.codegen --update   # rewrite ptft_theory/kernels/_generated/*.py and derivations/*.md
    python -m ptft_theory.codegen --check    # exit 1 with a unified diff when a committed file is stale

Every kernel is one sympy expression returned by a function of :mod:`ptft_theory.symbolic`; the
printers below (small subclasses of sympy's, with explicit function tables) turn it into plain,
readable Python: labelled common subexpressions, then the result.  Output is deterministic.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from .printers import BACKENDS, C_FUSED, C_KERNELS, kernels_of, render_backend, render_c_header  # noqa: F401
from .registry import (DERIVATIONS_DIR, GENERATED_DIR, KERNELS, PACKAGE_DIR, REGENERATE, REPO_DIR,  # noqa: F401
                       KernelSpec, expression)

def generated_files() -> dict[Path, str]:
    """Every generated file (kernels and derivations) and its expected content."""
    from .derivations import render_derivations  # imported when the documents are rendered

    out = {GENERATED_DIR / f"kernels_{b}.py": render_backend(b) for b in BACKENDS}
    out[GENERATED_DIR / "kernels_c.h"] = render_c_header()
    out[GENERATED_DIR / "__init__.py"] = '"""Generated kernels (see ptft_theory.codegen). Do NOT edit by hand."""\n'
    for name, text in render_derivations().items():
        out[DERIVATIONS_DIR / name] = text
    return out


def stale_files() -> dict[Path, str]:
    """Map each stale or missing file to a unified diff (committed -> regenerated)."""
    stale = {}
    for path, text in generated_files().items():
        old = path.read_text() if path.exists() else ""
        if old != text:
            diff = difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                        f"committed/{path.name}", f"regenerated/{path.name}", n=2)
            stale[path] = "".join(diff)
    return stale


def update() -> list[Path]:
    """Write every stale file atomically; returns the paths written.  The kernels go first (and are
    reloaded): the derivations quote numbers computed with them."""
    import importlib

    written = []
    for backend in BACKENDS:
        path, text = GENERATED_DIR / f"kernels_{backend}.py", render_backend(backend)
        if not path.exists() or path.read_text() != text:
            _write_atomic(path, text)
            written.append(path)
            if backend not in ("torch", "arb"):  # torch is imported lazily; nothing holds it yet
                importlib.reload(importlib.import_module(f"ptft_theory.kernels._generated.kernels_{backend}"))
    for path, text in generated_files().items():
        if path in written:
            continue
        if not path.exists() or path.read_text() != text:
            _write_atomic(path, text)
            written.append(path)
    return written


def _write_atomic(path: Path, text: str):
    from ..fileio import atomic_path  # unique temporary name, then os.replace
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ptft_theory.codegen", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    g = parser.add_mutually_exclusive_group(required=True)
    g.add_argument("--update", action="store_true", help="rewrite stale generated files")
    g.add_argument("--check", action="store_true", help="fail with a diff when a generated file is stale")
    args = parser.parse_args(argv)
    if args.update:
        if not (REPO_DIR / "pyproject.toml").is_file():  # an installed package, not a checkout
            print(f"python -m ptft_theory.codegen: error: --update rewrites a source checkout's generated files; "
                  f"{PACKAGE_DIR} is an installed package (no pyproject.toml beside it): nothing written",
                  file=sys.stderr)
            return 2
        for p in update():
            print(f"wrote {p.relative_to(REPO_DIR)}")
        return 0
    stale = stale_files()
    for p, diff in stale.items():
        print(diff, file=sys.stderr)
    if stale:
        print(f"{len(stale)} generated file(s) stale; run {REGENERATE}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
