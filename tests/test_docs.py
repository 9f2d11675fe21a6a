"""The documentation runs: docstring examples and the README's ten-line example."""

import doctest
import re
from pathlib import Path

import importlib

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["scales", "solver", "regime"])
def test_docstring_examples(name):
    module = importlib.import_module(f"ptft_theory.{name}")  # (the package re-exports a function `regime`)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_readme_example_agrees(capsys):
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Ten lines.*?```python\n(.*?)```", text, re.S).group(1)
    assert len(block.strip().splitlines()) <= 12
    exec(compile(block, "README.md", "exec"), {})
    deviation = float(capsys.readouterr().out.strip().splitlines()[-1])
    assert deviation < 1e-6  # the rung-2 agreement bound
