"""The CLI's contract over drawn arguments: hypothesis draws bad and extreme arguments for every ``ptft``
subcommand and checks

* the exit code is 0, 1 or 2, and there is never a traceback;
* a drawn value no flag accepts (NaN, +-inf, "abc", an unknown choice "bogus") gives exit 2;
* a non-zero exit prints exactly one line on stderr (2: a user error, ``error:``);
* ``--json`` output on success parses with a strict JSON parser (no NaN/Infinity);
* every call returns in bounded time.

The commands run in this process (``tests/_cli.py``), so a traceback would surface as an exception
here.  Sizes are kept small so the default run stays fast; ``PTFT_FULL=1`` draws more examples.  The
reproducers of the same contract: test_cli_contract.py.
"""

import json
import math
import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _cli import run_cli, scratch_cwd  # noqa: F401  (scratch_cwd: a fixture; tests/ is on sys.path)

FULL = os.environ.get("PTFT_FULL") == "1"
N = 100 if FULL else 12  # examples per subcommand (the cheap ones draw more: MANY)
MANY = 200 if FULL else 40
#: Seconds one CLI call may take here: generous for a loaded 2-core machine (the slowest drawn calls,
#: a boundary root with --dps, take about 2 s alone).
TIME_LIMIT = 60.0

#: Numbers as a user might type them: extremes, signs, non-finite, overflowing, and (rarely: argparse
#: rejects those before any of our code runs) not numbers at all.
EXTREME = ["0", "1", "-1", "0.5", "2", "1e-300", "1e300", "-0", "1e-320", "1e400", "nan", "inf", "-inf", "-1e-300",
           "-1e300", "1e-3", "-1e-3", "0.999999", "1e200", "3", "1e-12", "0.05", "0.1", "abc"]
number = st.one_of(st.sampled_from(EXTREME), st.floats(allow_nan=True, allow_infinity=True).map(repr))
small_number = st.one_of(st.sampled_from(EXTREME), st.floats(-10, 10).map(repr))
integer = st.one_of(st.sampled_from(["-1", "0", "1", "2", "3", "5", "x", "1.5", "", "-7", "10000000000"]),
                    st.integers(-3, 8).map(str))
SCHEMES = ["readout", "merged", "bogus"]
TASK = {"--rho-pt": "0.1", "--rho-shared": "0.05", "--rho-new": "0.05"}
INIT = {"--c-pt": "0.01", "--lambda-pt": "0", "--gamma-ft": "0"}
#: Subcommands allowed to report an "internal error" (exit 1, one line, no traceback): none may.
API_DRIVEN: set = set()

pytestmark = pytest.mark.usefixtures("scratch_cwd")


#: Drawn values no flag accepts (non-finite or not a number where a number is due, an unknown choice):
#: a command given one must exit 2, the user-error code, whatever else was drawn.
NEVER_VALID = {"abc", "bogus"}


def known_invalid(draws) -> bool:
    """Whether a drawn flag value is one no ``ptft`` flag accepts (:data:`NEVER_VALID`, or a number that
    parses to NaN or +-inf, e.g. "nan", "inf", "1e400")."""
    values = []
    for v in (draws or {}).values():
        values += v if isinstance(v, list) else [v]
    for v in values:
        if not isinstance(v, str):
            continue
        if v in NEVER_VALID:
            return True
        try:
            if not math.isfinite(float(v)):
                return True
        except ValueError:
            pass
    return False


def check(args, want_json=False, draws=None):
    t0 = time.perf_counter()
    rc, out, err = run_cli(*args)  # raises here if the CLI lets a traceback escape
    dt = time.perf_counter() - t0
    if os.environ.get("PTFT_ROBUSTNESS_LOG"):
        with open(os.environ["PTFT_ROBUSTNESS_LOG"], "a") as f:
            f.write(f"{dt:6.2f}s rc={rc} {' '.join(map(str, args))[:150]} | {err.strip()[:150]}\n")
    assert dt < TIME_LIMIT, (args, dt)
    assert rc in (0, 1, 2), (args, rc, err)
    if known_invalid(draws):
        assert rc == 2, (args, rc, err)
    assert "Traceback" not in err, (args, err)
    if rc != 0:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1, (args, err)
        if rc == 2:
            assert "error:" in lines[0], (args, err)
        if args and args[0] not in API_DRIVEN:
            assert "internal error" not in lines[0], (args, err)
    elif want_json:
        def bad(const):
            raise AssertionError(f"{args}: non-standard JSON constant {const} in the output")
        json.loads(out, parse_constant=bad)
    return rc


def mutate(base: dict, draws: dict) -> list[str]:
    """``base`` flags with some values replaced by drawn ones (None drops the flag)."""
    merged = {**base, **draws}
    out = []
    for flag, v in merged.items():
        if v is None:
            continue
        out += [flag] + (v if isinstance(v, list) else [v])
    return out


def some(keys, values=None):
    """A dict drawing new values for a non-empty subset of ``keys``: a dict flag -> strategy, or a list
    of flags sharing ``values``."""
    if not isinstance(keys, dict):
        keys = {k: values for k in keys}
    return st.fixed_dictionaries({}, optional=keys).filter(bool)


numbers = st.lists(number, min_size=1, max_size=3)
scheme = st.sampled_from(SCHEMES)
dps = st.sampled_from(["15", "30", "0", "-1", "5"])
INIT_S = {"--c-pt": number, "--lambda-pt": number, "--gamma-ft": number}
TASK_S = {"--rho-pt": number, "--rho-shared": number, "--rho-new": number}


@settings(max_examples=MANY)
@given(some({**INIT_S, **TASK_S, "--scheme": scheme, "--l-order-threshold": number,
             "--pt-dependence-threshold": number}))
def test_regime(draws):
    check(["regime"] + mutate({**INIT, **TASK}, draws) + ["--json"], want_json=True, draws=draws)


@settings(max_examples=MANY)
@given(some({**INIT_S, "--beta-pt": numbers, "--scheme": scheme, "--dps": dps}))
def test_scales(draws):
    check(["scales"] + mutate({"--beta-pt": ["0", "1.5"], **INIT}, draws) + ["--json"], want_json=True, draws=draws)


@settings(max_examples=MANY)
@given(some({**INIT_S, **TASK_S, "--alpha": st.lists(small_number, min_size=1, max_size=3), "--sigma": number,
             "--scheme": scheme, "--dps": st.sampled_from(["15", "0", "-1", "x"])}))
def test_curve(draws):
    check(["curve"] + mutate({**INIT, **TASK, "--alpha": ["0.3", "0.6"]}, draws) + ["--json"], want_json=True, draws=draws)


@settings(max_examples=MANY)
@given(st.sampled_from(["level", "equal"]),
       some({**INIT_S, **TASK_S, "--bracket": st.lists(small_number, min_size=2, max_size=2),
             "--level": small_number, "--sigma": small_number,
             "--over": st.sampled_from(["lambda_pt", "c_pt", "nope", "a.c_pt"]),
             "--values": st.lists(small_number, min_size=1, max_size=2),
             "--dps": st.sampled_from(["15", "0", "-1"])}))
def test_boundary(kind, draws):
    base = {**INIT, **TASK, "--bracket": ["0.1", "0.6"]}
    if kind == "level":
        base["--level"] = "0.5"
    else:
        base.update({"--scheme-a": "readout", "--scheme-b": "merged", "--gamma-ft": "0.1"})
    check(["boundary", kind] + mutate(base, draws) + ["--json"], want_json=True, draws=draws)


@settings(max_examples=N)
@given(some({**TASK_S, "--alpha": st.lists(small_number, min_size=1, max_size=3), "--sigma": small_number,
             "--scheme": scheme, "--alpha-pt": small_number,
             "--fix": st.lists(st.sampled_from(["gamma_ft=0", "c_pt=0.01", "lambda_ratio=-1", "bogus=1", "c_pt=x",
                                                "gamma_ft=nan", "c_pt", "lambda_pt=5"]), min_size=1, max_size=2),
             "--bound": st.lists(st.sampled_from(["log10_c_pt=-3,1", "gamma_ft=1,0", "x=0,1", "gamma_ft=0",
                                                  "lambda_ratio=-2,1"]), min_size=1, max_size=2),
             "--plot": st.sampled_from(["out.png", "out.txt", "missing/out.png", "out.svg"])}))
def test_advise(draws):
    # base: two levers fixed, a 1-D search over lambda/c (a valid call takes well under a second)
    fix = ["c_pt=0.01", "gamma_ft=0.1"] + draws.pop("--fix", [])  # drawn pins come last and may override
    argv = ["advise"] + mutate({**TASK, "--alpha": ["0.2"]}, draws) + sum((["--fix", f] for f in fix), [])
    check(argv + ["--json"], want_json=True, draws=draws)


def _would_simulate(flags: dict) -> bool:
    """True when every argument looks valid, i.e. the call would run a (seconds-long) simulation."""
    try:
        ints = [int(flags[k]) for k in ("--dim", "--n-pt", "--n-ft", "--seed")]
        floats = [float(flags[k]) for k in ("--c-pt", "--lambda-pt", "--gamma-ft", "--rho-pt", "--rho-shared",
                                            "--rho-new")]
    except ValueError:
        return False
    c, lam, gam, rp, rs, rn = floats
    return (min(ints[:3]) >= 1 and ints[3] >= 0 and all(x == x and abs(x) != float("inf") for x in floats)
            and c > 0 and abs(lam) <= c and gam >= 0 and 0 <= rp <= 1 and 0 <= rs <= rp and 0 <= rn <= 1 - rp
            and flags["--device"] in ("cpu", "auto") and flags["--mode"] in ("gd", "accurate")
            and flags["--scheme"] in ("readout", "merged"))


@settings(max_examples=MANY)
@given(some({"--dim": integer, "--n-pt": integer, "--n-ft": integer, "--seed": integer,
             "--device": st.sampled_from(["cpu", "bogus", "cuda:x", "auto", "gpu"]),
             "--mode": st.sampled_from(["gd", "accurate", "fast"]), **INIT_S, **TASK_S, "--scheme": scheme}))
def test_simulate(draws):
    base = {"--dim": "6", "--n-pt": "3", "--n-ft": "3", "--seed": "0", "--device": "cpu", "--mode": "gd",
            "--c-pt": "0.1", "--lambda-pt": "0", "--gamma-ft": "0", "--rho-pt": "0.5", "--rho-shared": "0.25",
            "--rho-new": "0.25", "--scheme": "readout"}
    flags = {**base, **{k: v for k, v in draws.items() if v is not None}}
    if _would_simulate(flags):
        # a valid call runs seconds to a minute (tests/cli/test_cli_figures.py checks one end to end); the
        # default run keeps the bad ones, PTFT_FULL=1 runs the valid ones too (small sizes only)
        if not FULL or max(int(flags[k]) for k in ("--dim", "--n-pt", "--n-ft")) > 12:
            return
    check(["simulate"] + mutate(base, draws) + ["--json"], want_json=True, draws=draws)


@settings(max_examples=max(4, N // 3))
@given(st.lists(st.sampled_from(["--what", "potential", "regimes", "bogus", "--latex", "--json"]), max_size=3))
def test_derive(argv):
    check(["derive"] + argv)


@settings(max_examples=N)
@given(some(["--workers", "--only", "--backend", "--configs", "--out", "--cache-dir"],
            st.one_of(integer, st.sampled_from(["fig4", "fig2", "dask", "ray", "FILE/x", "MISSING", "EMPTY"]))))
def test_figures_bad_arguments(tmp_path_factory, draws):
    tmp = tmp_path_factory.mktemp("fig")
    (tmp / "file").write_text("x")
    (tmp / "empty").mkdir()
    subst = {"FILE/x": str(tmp / "file" / "x"), "MISSING": str(tmp / "missing"), "EMPTY": str(tmp / "empty")}
    draws = {k: subst.get(v, v) for k, v in draws.items()}
    draws.setdefault("--configs", str(tmp / "empty"))  # never a real (slow) figure run: no config found
    if draws.get("--backend") == "ray":
        draws["--backend"] = "dask"
    check(["figures", "--quick", "--no-progress"] + mutate({"--out": str(tmp / "out")}, draws) + ["--json"],
          want_json=True, draws=draws)


@settings(max_examples=max(4, N // 2))
@given(st.sampled_from(["validate", "bench"]), st.lists(st.sampled_from(["nope", "gf_vs_theory", "x y", ""]),
                                                        max_size=2))
def test_validate_and_bench_list(cmd, only):
    check([cmd, "--list", "--json"] + (["--only", *only] if only else []), want_json=True)


@settings(max_examples=N)
@given(some(["--config", "--device", "--workers", "--threads", "--data-root", "--out", "--cache-dir"],
            st.one_of(integer, st.sampled_from(["bogus", "cuda:x", "MALFORMED", "MISSING", "NODATA", "FILE/x",
                                                "resnet_fig4_fashion_cpu"]))))
def test_resnet_run_bad_arguments(tmp_path_factory, draws):
    tmp = tmp_path_factory.mktemp("rn")
    (tmp / "file").write_text("x")
    (tmp / "bad.toml").write_text("name = [\n")
    subst = {"MALFORMED": str(tmp / "bad.toml"), "MISSING": str(tmp / "none.toml"), "NODATA": str(tmp / "nodata"),
             "FILE/x": str(tmp / "file" / "x")}
    draws = {k: subst.get(v, v) for k, v in draws.items()}
    draws.setdefault("--data-root", str(tmp / "nodata"))  # never trains: the data is missing
    if draws["--data-root"] in ("resnet_fig4_fashion_cpu",) or draws["--data-root"].lstrip("-").isdigit():
        draws["--data-root"] = str(tmp / "nodata")
    check(["resnet", "run", "--quick", "--no-progress"] + mutate({"--config": "resnet_fig4_fashion_cpu",
                                                                   "--out": str(tmp / "out")}, draws) + ["--json"],
          want_json=True, draws=draws)


@settings(max_examples=max(4, N // 2))
@given(st.sampled_from(["", "a,b\n1,2\n", "garbage", "dataset,seed\nx,y\n"]))
def test_resnet_figure_bad_csv(tmp_path_factory, text):
    tmp = tmp_path_factory.mktemp("rf")
    (tmp / "r.csv").write_text(text)
    check(["resnet", "figure", "--csv", str(tmp / "r.csv"), "--out", str(tmp / "fig")])


def test_no_arguments_and_unknown_subcommand():
    assert check([]) == 0  # bare `ptft` prints the help, not an error line
    assert check(["nope"]) == 2
    assert check(["--help"]) == 0
