"""Every ``ptft`` example that ships runs exactly as printed and shows something meaningful.

Examples are collected anew on each run, so examples added later are tested too:

* every ``example: ptft ...`` line of every ``--help`` (the top level, each command, each sub-command);
* every ``ptft ...`` / ``$ ptft ...`` line of the non-Python fenced blocks of README.md and docs/*.md
  (a trailing ``\\`` joins the next line, a trailing ``# comment`` is dropped); the lines shown after
  a ``$ ptft ...`` line are its expected output and are compared (numbers to 1e-9 relative: the shown
  digits are deterministic float64/mpmath/arb results; text exactly).

Each runs in-process (``ptft_theory.cli.main``) in a fresh folder that holds a copy of the checkout's
``validation/results`` (the figure commands redraw from it; nothing is written into the checkout).
"Meaningful" is checked per command (:data:`CHECKS`): exit 0, non-empty output, strict JSON where
``--json`` is asked for, and e.g. no frozen coordinate (``k = 0``) in a ``scales`` example, E in (0, 1)
in a ``curve`` example, ``converged=True`` in an ``advise`` example.

Examples that train (``simulate``, the network sweeps) or draw the full figure set (:func:`is_long`) are
parsed by the real parser and the configs they name must exist; ``PTFT_FULL=1`` also runs ``simulate``
and the ``--quick`` ones.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from ptft_theory import cli

from _cli import run_cli  # tests/ is on sys.path under pytest

ROOT = Path(__file__).resolve().parents[2]
FULL = os.environ.get("PTFT_FULL") == "1"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
REL_TOL = 1e-9  # shown digits are deterministic float64/mpmath/arb results; the slack covers libm/BLAS


# ------------------------------------------------------------------------------------ collection
def _parsers(parser):
    yield parser
    for a in parser._actions:
        if a.__class__.__name__ == "_SubParsersAction":
            for p in dict.fromkeys(a.choices.values()):
                yield from _parsers(p)


def help_examples():
    """[(where, command line, expected output lines)] of every --help."""
    out = []
    for p in _parsers(cli.build_parser()):
        for line in p.format_help().splitlines():
            m = re.match(r"^\s*example: (ptft .*)$", line)
            if m:
                out.append((f"{p.prog} --help", m.group(1).strip(), ()))
    return out


def doc_examples():
    """[(where, command line, expected output lines)] of the fenced shell blocks of README.md and docs/*.md."""
    out = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text()
        for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M):
            if m.group(1) == "python":
                continue
            start = text[: m.start()].count("\n") + 2
            lines = m.group(2).splitlines()
            i = 0
            while i < len(lines):
                line, where = lines[i], f"{path.relative_to(ROOT)}:{start + i}"
                prompt = line.startswith("$ ptft ")
                if not (prompt or line.startswith("ptft ")):
                    i += 1
                    continue
                cmd = line[2:] if prompt else line
                while cmd.rstrip().endswith("\\") and i + 1 < len(lines):
                    i += 1
                    cmd = cmd.rstrip()[:-1] + " " + lines[i].strip()
                cmd = re.sub(r"\s+#.*$", "", cmd).strip()
                shown = []
                while prompt and i + 1 < len(lines) and lines[i + 1].strip() and not lines[i + 1].startswith("$"):
                    i += 1
                    shown.append(lines[i])
                out.append((where, cmd, tuple(shown)))
                i += 1
    return out


def _unique(examples):
    """One test per command line (a parent's help repeats its sub-command's example); shown output kept."""
    seen = {}
    for where, cmd, shown in examples:
        if cmd not in seen or (shown and not seen[cmd][2]):
            seen[cmd] = (where, cmd, shown)
    return list(seen.values())


EXAMPLES = _unique(help_examples() + doc_examples())


def is_long(argv) -> bool:
    """Training sweeps and studies, the full figure set (minutes to hours: docs/figures.md, docs/networks.md),
    ``explore`` (a web server that runs until stopped), and
    ``simulate`` (an accurate Radau gradient flow: ~20 s alone, 60-90 s on the shared 2-core machine; the
    default run trains the same path in tests/cli/test_cli_figures.py and the simulate tests)."""
    if argv[:1] in (["simulate"], ["explore"]):  # explore: a server that runs until stopped (its own browser test)
        return True
    if argv[:2] in (["nonlinear", "run"], ["transformer", "clean"]):  # the pre-registered studies (tens of minutes)
        return "--quick" not in argv
    if argv[:1] == ["figures"]:
        return not ("--quick" in argv and "--only" in argv)  # a quick single figure takes seconds
    return argv[:2] in (["resnet", "run"], ["transformer", "run"]) or (argv[:1] == ["validate"] and "--list" not in argv)


# ------------------------------------------------------------------------------- what "means something"
def _numbers(text):
    return [float(x) for x in _NUMBER.findall(text)]


def _check_scales(argv, out):
    ks = json.loads(out)["k"] if "--json" in argv else [float(x) for x in re.findall(r"\bk=(\S+)", out)]
    assert ks and all(float(k) > 0 for k in ks), "a frozen coordinate (k = 0): the example shows nothing"


def _check_curve(argv, out):
    es = json.loads(out)["E"] if "--json" in argv else re.findall(r"\bE=(\S+)", out)
    assert es and all(0 < float(e) < 1 for e in es), f"E outside (0, 1): {es}"


def _check_boundary(argv, out):
    if "--bracket" in argv and "--over" not in argv:
        lo, hi = (float(x) for x in argv[argv.index("--bracket") + 1: argv.index("--bracket") + 3])
        a = json.loads(out)["alpha"] if "--json" in argv else _numbers(out.split("alpha", 1)[1])[0]
        if isinstance(a, dict) or (isinstance(a, str) and a.startswith("[")):
            return
        assert lo < float(a) < hi


def _check_regime(argv, out):
    label = json.loads(out)["regime"] if "--json" in argv else re.match(r"regime (\w+) ", out).group(1)
    assert label in ("I", "II", "III", "IV")


def _check_advise(argv, out):
    converged = json.loads(out)["converged"] if "--json" in argv else "converged=True" in out
    assert converged, "the advisor did not converge on its own example"


def _check_simulate(argv, out):
    dev = json.loads(out)["gf_vs_theory_relative_deviation"] if "--json" in argv else \
        float(re.search(r"relative deviation (\S+);", out).group(1))
    assert dev < 1e-6  # the rung-2 agreement bound (tests/simulate/test_gf_vs_implicit_bias.py)


CHECKS = {"scales": _check_scales, "curve": _check_curve, "boundary": _check_boundary, "regime": _check_regime,
          "advise": _check_advise, "simulate": _check_simulate}


def _same_line(shown, got):
    s_num, g_num = _NUMBER.findall(shown), _NUMBER.findall(got)
    if _NUMBER.sub("#", shown).split() != _NUMBER.sub("#", got).split() or len(s_num) != len(g_num):
        return False
    return all(math.isclose(float(a), float(b), rel_tol=REL_TOL) or (abs(float(a)) < 1e-15 and abs(float(b)) < 1e-15)
               for a, b in zip(s_num, g_num))


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "validation" / "results", tmp_path / "validation" / "results")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ------------------------------------------------------------------------------------------ tests
def test_examples_are_collected_from_every_source():
    where = {w.split(":")[0].split(" --help")[0] for w, _, _ in EXAMPLES}
    assert {"README.md", "docs/methods.md", "ptft", "ptft regime", "ptft boundary equal"} <= where, where
    commands = {shlex.split(c)[1] for _, c, _ in help_examples()}
    assert len(EXAMPLES) >= 30
    subcommands = set(cli.build_parser()._subparsers._group_actions[0].choices)
    assert commands == subcommands  # every command shows at least one example


def test_the_checks_catch_meaningless_output():
    """The old examples that showed nothing: a frozen ``scales`` and an unconverged ``advise``."""
    with pytest.raises(AssertionError):
        _check_scales(["scales"], "beta_pt=0            k=0.0  b0=0.0\nbeta_pt=3.16         k=0.0  b0=0.0")
    with pytest.raises(AssertionError):
        _check_advise(["advise"], "947 evaluations, converged=False: Maximum number")
    assert _same_line("alpha in [0.331733, 0.331734]  (certified)", "alpha in [0.331733, 0.331734]  (certified)")
    assert not _same_line("alpha=0.5", "alpha=0.6")


@pytest.mark.timeout(600)
@pytest.mark.parametrize("where,command,shown", EXAMPLES, ids=[f"{w}: {c[:60]}" for w, c, _ in EXAMPLES])
def test_example_runs_as_printed(where, command, shown, workdir):
    argv = shlex.split(command)
    assert argv[0] == "ptft"
    argv = [os.path.expanduser(a) if a.startswith("~") else a for a in argv[1:]]
    if is_long(argv) and not (FULL and ("--quick" in argv or argv[0] == "simulate")):
        try:
            cli.build_parser().parse_args(argv)
        except SystemExit as e:
            pytest.fail(f"{where}: `{command}` does not parse (exit {e.code})")
        if "--config" in argv:
            from ptft_theory.experiments.network_sweep import CONFIG_DIR
            name = argv[argv.index("--config") + 1]
            assert (ROOT / name).is_file() or (CONFIG_DIR / f"{name.removesuffix('.toml')}.toml").is_file(), \
                f"{where}: config {name} is neither a file nor a shipped config"
        return
    rc, out, err = run_cli(*argv)
    assert rc == 0, f"{where}: `{command}` exited {rc}: {err.strip()}"
    assert out.strip(), f"{where}: `{command}` printed nothing"
    if "--json" in argv:
        json.loads(out, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    check = CHECKS.get(argv[0])
    if check is not None:
        check(argv, out)
    printed = out.splitlines()
    for line in shown:
        assert any(_same_line(line, got) for got in printed), f"{where}: shown {line!r} not printed ({printed})"
