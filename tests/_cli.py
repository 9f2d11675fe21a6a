"""Shared test helpers: run the ``ptft`` console entry point in this process, check its contract."""

import contextlib
import io
import json
import os

import pytest

from ptft_theory import cli


def run_cli(*args):
    """Run ``ptft *args`` in-process (saves the interpreter start); returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = cli.main([str(a) for a in args])
        except SystemExit as e:
            rc = e.code
    return rc, out.getvalue(), err.getvalue()


def strict_json(text):
    """json.loads that rejects NaN, Infinity and -Infinity (what a strict parser, e.g. JavaScript's, does)."""
    def bad(const):
        raise ValueError(f"non-standard JSON constant {const}")
    return json.loads(text, parse_constant=bad)


def assert_one_line_error(rc, err, codes=(1, 2), names=()):
    """The CLI's failure contract: exit code in ``codes``, no traceback, exactly one line on stderr, which
    names one of ``names`` (when given); returns that line."""
    assert rc in codes, (rc, err)
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert not names or any(n in lines[0] for n in names), (names, err)
    return lines[0]


@pytest.fixture(scope="module")
def scratch_cwd(tmp_path_factory):
    """Run from a scratch folder: relative paths the CLI is given (or defaults to) land there.  A test
    module takes it with ``from _cli import scratch_cwd`` and ``pytestmark = pytest.mark.usefixtures(...)``."""
    old = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(old)
