"""The documentation runs: docstring examples, and every Python block of README.md and docs/*.md.

Blocks are found anew on each run (so blocks added later are tested too).  A block runs as it is,
in a fresh namespace; what it prints is compared with what it shows:

* doctest blocks (lines starting with ``>>>``) run under doctest (ELLIPSIS, NORMALIZE_WHITESPACE);
* otherwise, the comment lines ``# ...`` that directly follow a ``print(...)`` statement are that
  print's expected output, one line each, and all such lines are compared, in order, with the
  lines the block printed (prints without shown output are not compared, but still run);
* an inline ``print(...)  # ~X`` shows only the order of magnitude of a single printed number.

Tolerances: numbers shown with their digits must agree to ``REL_TOL`` = 1e-9 relative (what the
docs show are deterministic float64 / mpmath results, good to 1e-9 or better; the slack covers
libm/BLAS differences between machines); rounding-level numbers (magnitude below ``TINY`` = 1e-15:
error estimates such as 4.0e-44, whose digits depend on the platform) and ``~X`` values must be of
the same order, within a factor ``ORDER_FACTOR`` = 30.  Non-numeric text must match exactly.
"""

import contextlib
import doctest
import functools
import importlib
import io
import math
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REL_TOL = 1e-9
TINY = 1e-15
ORDER_FACTOR = 30.0
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def python_blocks():
    """(id, code) of every ```python block of README.md and docs/*.md."""
    out = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text()
        for m in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M):
            line = text[: m.start()].count("\n") + 1
            out.append((f"{path.relative_to(ROOT)}:{line}", m.group(1)))
    return out


def expected_output(code):
    """[(kind, text)]: ("exact", line) for shown output lines, ("order", X) for ``# ~X`` prints."""
    lines = code.splitlines()
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("print("):
            inline = re.search(r"#\s*~\s*(" + _NUMBER.pattern + r")", line)
            if inline:
                out.append(("order", float(inline.group(1))))
            j = i + 1
            while j < len(lines) and lines[j].startswith("# "):
                out.append(("exact", lines[j][2:]))
                j += 1
            i = j
        else:
            i += 1
    return out


def _same_number(shown, got):
    if shown == got:
        return True
    if abs(shown) < TINY or abs(got) < TINY:
        return shown != 0 and got != 0 and (shown > 0) == (got > 0) and abs(math.log10(got / shown)) <= math.log10(ORDER_FACTOR)
    return abs(got - shown) <= REL_TOL * abs(shown)


def compare_line(shown, got):
    """Whether printed line ``got`` matches the shown line (numbers to tolerance, text exactly)."""
    s_num, g_num = _NUMBER.findall(shown), _NUMBER.findall(got)
    if _NUMBER.sub("#", shown).split() != _NUMBER.sub("#", got).split() or len(s_num) != len(g_num):
        return False
    return all(_same_number(float(a), float(b)) for a, b in zip(s_num, g_num))


@functools.lru_cache(maxsize=None)
def run_block(code):
    """Run a non-doctest block; returns its printed lines."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, "<doc block>", "exec"), {"__name__": "__doc_block__"})
    return tuple(buf.getvalue().splitlines())


BLOCKS = python_blocks()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("where,code", BLOCKS, ids=[b[0] for b in BLOCKS])
def test_doc_block_runs_and_shows_its_output(where, code):
    if ">>>" in code:
        test = doctest.DocTestParser().get_doctest(code, {}, where, where, 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        runner.run(test)
        assert runner.failures == 0, f"{where}: doctest failed (output above)"
        return
    printed = list(run_block(code))
    expected = expected_output(code)
    exact = [e for e in expected if e[0] == "exact"]
    orders = [e for e in expected if e[0] == "order"]
    if exact:
        # match the shown lines in order against the printed ones (other prints may come between)
        it = iter(printed)
        for _, shown in exact:
            assert any(compare_line(shown, got) for got in it), \
                f"{where}: shown output {shown!r} not printed (printed: {printed})"
    for _, x in orders:
        nums = [float(n) for line in printed for n in _NUMBER.findall(line)]
        assert any(_same_number_order(x, v) for v in nums), f"{where}: nothing printed of the order of {x} ({printed})"


def _same_number_order(shown, got):
    return got != 0 and abs(math.log10(abs(got) / abs(shown))) <= math.log10(ORDER_FACTOR)


def test_the_block_machinery_catches_wrong_output():
    """The comparison is not vacuous: a changed digit, a changed word or a wrong order fails."""
    assert compare_line("0.3144093008 3.9e-44", "0.31440930080000001 4.1e-44")
    assert not compare_line("0.3144093008", "0.3144093018")
    assert not compare_line("alpha 0.5", "beta 0.5")
    assert not _same_number(4e-44, 4e-41)
    code = "print(1.5)\n# 1.5\nprint(2e-11)  # ~1e-11\n"
    assert expected_output(code) == [("exact", "1.5"), ("order", 1e-11)]


def test_every_doc_has_its_python_blocks_collected():
    names = {w.split(":")[0] for w, _ in BLOCKS}
    assert "README.md" in names and len(BLOCKS) >= 3


@pytest.mark.parametrize("name", ["scales", "solver", "regime", "testing", "advisor.search"])
def test_docstring_examples(name):
    module = importlib.import_module(f"ptft_theory.{name}")  # (the package re-exports a function `regime`)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_readme_example_agrees():
    """The ten-line example: simulated network and derived theory agree to the rung-2 bound."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Ten lines.*?```python\n(.*?)```", text, re.S).group(1)
    assert len(block.strip().splitlines()) <= 12
    deviation = float(run_block(block)[-1])
    assert deviation < 1e-6  # the rung-2 agreement bound


def test_api_reference_names_resolve():
    """Every ``::: dotted.name`` of the API reference (docs/api/*.md, rendered by mkdocstrings) names an
    importable object: a module move must update the reference (``make docs`` fails on it otherwise, but
    the default run does not build the site)."""
    import pkgutil
    names = [(p.name, m.group(1)) for p in sorted((ROOT / "docs" / "api").glob("*.md"))
             for m in re.finditer(r"^::: ([\w.]+)", p.read_text(), re.M)]
    assert names
    missing = []
    for page, name in names:
        try:
            pkgutil.resolve_name(name)
        except (ImportError, AttributeError, ValueError):
            missing.append(f"{page}: {name}")
    assert not missing, missing
