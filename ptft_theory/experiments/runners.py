"""``ptft validate`` and ``ptft bench``: run the checkout's validation scripts and benchmarks.

Both live outside the package (``validation/*.py``, ``benchmarks/*_bench.py`` of a source checkout),
so these subcommands need one: they run only when the package's parent folder is a checkout of
ptft-theory (:func:`is_checkout`, an editable install), never from an installed wheel.  Each script
runs in its own Python process and the command's exit code is non-zero when any script fails.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from ..errors import ParameterError

ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout (editable install); site-packages for a wheel
#: The project name a checkout's pyproject.toml declares.
PROJECT = 'name = "ptft-theory"'


def is_checkout(root: Path) -> bool:
    """Whether ``root`` is a source checkout of ptft-theory: its pyproject.toml names the project and the
    package sits beside it.  An installed wheel's parent folder (site-packages) is not one, so its
    scripts folders are never looked for, let alone run, there."""
    pyproject = Path(root) / "pyproject.toml"
    try:
        text = pyproject.read_text()
    except OSError:
        return False
    return PROJECT in text.splitlines() and (Path(root) / "ptft_theory" / "__init__.py").is_file()


def _scripts(folder: Path, pattern: str) -> list[Path]:
    if not is_checkout(folder.parent) or not folder.is_dir():
        raise ParameterError(f"folder={str(folder)!r} is not a folder of a source checkout; these subcommands "
                             "need one (git clone, then pip install -e .)")
    return sorted(p for p in folder.glob(pattern) if not p.name.startswith("_"))


def validation_scripts(root: Path = ROOT) -> list[Path]:
    """The validation scripts of the checkout (``validation/*.py``)."""
    return _scripts(root / "validation", "*.py")


def benchmark_scripts(root: Path = ROOT) -> list[Path]:
    """The benchmarks of the checkout (``benchmarks/*_bench.py``)."""
    return _scripts(root / "benchmarks", "*_bench.py")


def select_scripts(scripts: list[Path], only) -> list[Path]:
    if not only:
        return scripts
    names = {p.stem: p for p in scripts}
    bad = [o for o in only if o not in names]
    if bad:
        raise ParameterError(f"--only={bad[0]!r} is invalid; valid: {', '.join(names) or '(none found)'}")
    return [names[o] for o in only]


def run_scripts(scripts: list[Path], extra=(), cwd: Path = ROOT) -> list[dict]:
    """Run each script with ``extra`` arguments; returns name, exit code and seconds per script."""
    out = []
    for s in scripts:
        print(f"== {s.name}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(s), *extra], cwd=cwd, stdout=sys.stderr)
        out.append({"script": s.name, "returncode": rc, "seconds": time.perf_counter() - t0})
    return out
