"""Shared test helper: run the ``ptft`` console entry point in this process."""

import contextlib
import io

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
