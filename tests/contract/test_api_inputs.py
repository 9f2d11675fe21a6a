"""Bad input to the Python API: a :class:`PTFTError` whose message names the parameter (and its valid
range), raised before any work -- never a foreign exception (numpy's, scipy's, torch's, OverflowError),
a NaN, a silent clamp, or a truthy string taken for True.

Every public callable of ``ptft_theory.__all__`` gets the listed bad values of every parameter, then
hypothesis draws more from the public strategies (:mod:`ptft_theory.testing`); the reproducers below
each failed on the code before their fix (said per test).  Example counts are small in the default run
(derandomized, tests/conftest.py) and larger with PTFT_FULL=1.  Valid extremes: test_api_extremes.py.
"""

import inspect
import math
import time

import numpy as np
import pytest
from hypothesis import given, settings

import ptft_theory as P
from ptft_theory import (Init, ParameterError, ParameterTypeError, PTFTError, Task, equal_error_alpha, error_sweep,
                         ft_scales, generalization_error, implicit_bias_solve, level_crossing_alpha, make_teachers,
                         rich_limit_threshold, sample_data, simulate_gradient_flow)
from ptft_theory.testing import invalid_alphas, invalid_inits, invalid_noise_levels, invalid_tasks

from conftest import FULL

N_BAD = 60 if FULL else 12

TASK = Task(0.1, 0.05, 0.05)
INIT = Init(1e-2, 0.0, 0.1)
_rng = np.random.default_rng(0)
X23 = _rng.standard_normal((2, 3))
Y2 = X23 @ np.array([1.0, 0.0, -0.5])
_T = P.make_teachers(Task(0.5, 0.25, 0.25), 6, 0)
XP, YP = P.sample_data(4, _T.beta_pt, seed=1)
XF, YF = P.sample_data(3, _T.beta_ft, seed=2)

NAN, INF = math.nan, math.inf
NOT_NUMBERS = [True, "abc", "0.5", None]
NOT_FINITE = [NAN, INF, -INF]
POSITIVE_BAD = NOT_NUMBERS + NOT_FINITE + [0.0, -1.0, -1e-300]
NONNEG_BAD = NOT_NUMBERS + NOT_FINITE + [-1.0, -1e-300]
INT_BAD = [0, -1, 2.5, True, "3", None, NAN]
ARRAY_BAD = ["abc", [[NAN]], [INF, 1.0], [True, False], None]
OBJ_BAD = ["task", None, 1.0, {"rho_pt": 0.1}]

CASES = {
    "Init": (dict(c_pt=1e-2, lambda_pt=0.0, gamma_ft=0.1),
             {"c_pt": POSITIVE_BAD, "lambda_pt": NOT_NUMBERS + NOT_FINITE + [0.02, -0.0100001],
              "gamma_ft": NONNEG_BAD}),
    "Task": (dict(rho_pt=0.1, rho_shared=0.05, rho_new=0.05),
             {"rho_pt": NONNEG_BAD + [1.5], "rho_shared": NONNEG_BAD + [0.2], "rho_new": NONNEG_BAD + [0.95],
              "amp_pt": [v for v in POSITIVE_BAD if v is not None], "amp_ft": [True, "abc", NAN, 0.0, -1.0], "shared_signs": ["same", 1, None]}),
    "Thresholds": (dict(l_order=1.8, pt_dependence=0.5),
                   {"l_order": NOT_NUMBERS + NOT_FINITE + [1.0, 2.5], "pt_dependence": NOT_NUMBERS + NOT_FINITE + [1.0, -1.0]}),
    "ft_scales": (dict(beta_pt=[0.0, 1.0], c_pt=1e-2, lambda_pt=0.0, gamma_ft=0.1),
                  {"beta_pt": ARRAY_BAD, "c_pt": POSITIVE_BAD, "lambda_pt": NOT_NUMBERS + NOT_FINITE + [1.0],
                   "gamma_ft": NONNEG_BAD + [1e200], "scheme": ["bogus", None, 1], "dps": INT_BAD[:5]}),
    "implicit_bias_solution": (dict(X=X23, y=Y2, k=1.0, b0=0.0),
                               {"X": ARRAY_BAD + [np.ones(3)], "y": ARRAY_BAD + [np.ones(3)],
                                "k": ARRAY_BAD + [-1.0, np.ones(2)], "b0": ARRAY_BAD + [np.ones(2)]}),
    "implicit_bias_solve": (dict(X=X23, y=Y2, k=1.0, b0=0.0, rtol=1e-12, max_iter=100),
                            {"rtol": POSITIVE_BAD, "max_iter": INT_BAD, "X": ARRAY_BAD,
                             "raise_on_failure": ["no", 0, None]}),  # booleans are booleans
    "generalization_error": (dict(alpha=0.3, task=TASK, init=INIT, sigma=0.0),
                             {"alpha": NOT_NUMBERS + NOT_FINITE + [0.0, -0.5, [[0.1]], []], "task": OBJ_BAD,
                              "init": OBJ_BAD, "sigma": NONNEG_BAD, "scheme": ["bogus", None],
                              "dps": INT_BAD[:4], "n_nodes": INT_BAD, "certify": ["no", 1, None]}),
    "error_sweep": (dict(param="gamma_ft", values=[0.0, 0.1], alpha=0.3, task=TASK, init=INIT),
                    {"param": ["c", "sigma", None], "values": ARRAY_BAD + [[], [-1.0]], "alpha": [0.0, NAN, "abc", []],
                     "task": OBJ_BAD, "init": OBJ_BAD}),
    "rich_limit_threshold": (dict(rho=0.1), {"rho": NOT_NUMBERS + NOT_FINITE + [0.0, 1.0, -0.1, 1.1],
                                             "dps": INT_BAD[:4], "certify": ["yes", 1]}),
    "coordinate_trajectory": (dict(times=[0.0, 1.0], beta_star=[1.0, 0.0], k=[0.1, 0.1]),
                              {"times": ARRAY_BAD + [[-1.0]], "beta_star": ARRAY_BAD, "k": ARRAY_BAD + [[-1.0, 0.1]],
                               "b0": NOT_NUMBERS[:2] + NOT_FINITE}),
    "pt_trajectory": (dict(times=[0.0, 1.0], beta_pt=[1.0, 0.0], init=INIT),
                      {"times": ARRAY_BAD + [[-1.0]], "beta_pt": ARRAY_BAD, "init": OBJ_BAD}),
    "ft_trajectory": (dict(times=[0.0, 1.0], beta_pt=[1.0, 0.0], beta_ft=[0.0, 1.0], init=INIT),
                      {"times": ARRAY_BAD + [[-1.0]], "beta_pt": ARRAY_BAD, "beta_ft": ARRAY_BAD + [[1.0]],
                       "init": OBJ_BAD, "scheme": ["bogus", None]}),
    "time_to_reach": (dict(value=0.5, beta_star=1.0, k=0.1),
                      {"value": NOT_NUMBERS[:2] + NOT_FINITE, "beta_star": NOT_NUMBERS[:2] + NOT_FINITE,
                       "k": NOT_NUMBERS[:2] + NOT_FINITE + [-1.0]}),
    "escape_time": (dict(beta_star=1.0, k=0.1),
                    {"beta_star": NOT_NUMBERS[:2] + NOT_FINITE, "k": NOT_NUMBERS[:2] + NOT_FINITE + [-1.0]}),
    "rich_limit_alphas": (dict(task=TASK, init=INIT), {"task": OBJ_BAD, "init": OBJ_BAD, "scheme": ["bogus", None]}),
    "mixed_limit_alphas": (dict(task=TASK), {"task": OBJ_BAD}),
    "weighted_l1_threshold": (dict(rho_pt=0.1, rho_shared=0.05, rho_new=0.05, r=2.0),
                              {"rho_pt": NOT_NUMBERS + NOT_FINITE + [-0.1, 1.5], "rho_shared": NOT_NUMBERS + [0.2],
                               "rho_new": NOT_NUMBERS + [0.95], "r": NOT_NUMBERS + [NAN, 0.0, -1.0]}),
    "regime": (dict(init=INIT, task=TASK), {"init": OBJ_BAD, "task": OBJ_BAD + [Task(0.0, 0.0, 0.1)],
                                            "scheme": ["bogus"], "thresholds": [None, 1.8, (1.8, 0.5)]}),
    "make_teachers": (dict(D=20, task=TASK, seed=0), {"D": INT_BAD + [5, 10**12], "task": OBJ_BAD + [Task(1e-12, 1e-12, 1e-12)],
                                                      "seed": [-1, 1.5, "abc", True]}),
    "sample_data": (dict(N=3, beta=[1.0, 0.0], sigma=0.0, seed=0),
                    {"N": INT_BAD + [10**17], "beta": ARRAY_BAD + [[[1.0]]], "sigma": NONNEG_BAD, "seed": [-1, 1.5, "abc", True]}),
    "relative_error": (dict(beta_hat=[1.0, 0.0], beta_star=[1.0, 1.0]),
                       {"beta_hat": ARRAY_BAD + [[1.0, 2.0, 3.0]], "beta_star": ARRAY_BAD + [[0.0, 0.0]]}),
    "simulate_gradient_flow": (dict(X_pt=XP, y_pt=YP, X_ft=XF, y_ft=YF, c_pt=0.1, lambda_pt=0.0, gamma_ft=0.1),
                               {"X_pt": ARRAY_BAD, "y_ft": ARRAY_BAD + [np.ones(5)], "c_pt": POSITIVE_BAD,
                                "lambda_pt": [0.2, NAN, "abc"], "gamma_ft": NONNEG_BAD, "scheme": ["bogus"],
                                "mode": ["euler", 3], "options": ["bogus", {"lr": 0.1}], "rtol": [0.0, -1.0, NAN], "atol": [0.0, NAN],
                                "residual_tol": [0.0, NAN, 2.0], "max_time": [0.0, -1.0], "max_evals": INT_BAD,
                                "device": ["bogus", 3], "record_trajectory": ["yes"], "raise_on_failure": [None, "no"]}),
    "level_crossing_alpha": (dict(level=0.5, task=TASK, init=INIT, bracket=(0.05, 0.95)),
                             {"level": NOT_NUMBERS + NOT_FINITE, "task": OBJ_BAD, "init": OBJ_BAD,
                              "bracket": [(0.5, 0.2), (0.0, 0.5), (0.1, 1.5), "ab", (NAN, 0.5), None],
                              "sigma": NONNEG_BAD, "dps": INT_BAD[:4]}),
    "equal_error_alpha": (dict(task=TASK, init_a=INIT, init_b=Init(1e-2, 0.0, 0.5), bracket=(0.05, 0.95)),
                          {"task": OBJ_BAD, "init_a": OBJ_BAD, "init_b": ["init", 1.0],
                           "bracket": [(0.5, 0.2), (0.0, 0.5), "ab"], "sigma": NONNEG_BAD}),
    "best_init": (dict(task=TASK, alpha=0.3, fix={"c_pt": 1e-2, "gamma_ft": 0.1}, grid={"lambda_ratio": 3}),
                  {"task": OBJ_BAD, "alpha": NOT_NUMBERS[1:] + NOT_FINITE + [0.0, -0.5, (0.3, 0.1), (0.1, 0.2, 0.3)],
                   "sigma": NONNEG_BAD, "scheme": ["bogus", None], "alpha_pt": [0.0, -0.5, NAN, "x"], "sigma_pt": NONNEG_BAD,
                   "fix": ["c_pt", {"bogus": 1.0}, {"c_pt": NAN}, {"gamma_ft": -1.0}, {"lambda_ratio": 1.5}],
                   "bounds": ["box", {"bogus": (0, 1)}, {"gamma_ft": (1.0, 0.0)}, {"lambda_ratio": (NAN, 1.0)}],
                   "reference": OBJ_BAD, "grid": [{"gamma_ft": 1}, {"bogus": 3}, {"lambda_ratio": 2.5}]}),
    "boundary_curve": (dict(kind="level", param="lambda_pt", values=[0.0], task=TASK, init=INIT, level=0.5),
                       {"kind": ["bogus", None], "param": ["bogus", None], "values": ARRAY_BAD + [[]],
                        "task": OBJ_BAD, "init": OBJ_BAD, "level": NOT_NUMBERS[:3] + NOT_FINITE}),
    "regime_boundary": (dict(axis="l_order", values=[-3.0], task=TASK, definition="potential"),
                        {"axis": ["bogus", None], "values": ARRAY_BAD + [[]], "task": OBJ_BAD, "gamma_ft": NONNEG_BAD,
                         "scheme": ["bogus"], "definition": ["bogus", 3], "along": ["bogus", None],
                         "log10_c_range": [(2.0, -4.0), "ab", (NAN, 1.0), None], "ratio_range": [(-2.0, 1.0), (0.5, 0.2), None],
                         "n_scan": INT_BAD + [2], "dps": INT_BAD[:4], "certify": ["yes", None], "thresholds": OBJ_BAD,
                         "e_star": NOT_NUMBERS[:3] + NOT_FINITE + [0.0]}),
}

ALIASES = {("regime", "task"): ("task", "Task", "rho_pt"), ("make_teachers", "task"): ("task", "Task", "D="),
           ("weighted_l1_threshold", "rho_shared"): ("rho_shared", "rho_pt"),
           ("weighted_l1_threshold", "rho_new"): ("rho_new", "rho_pt"),
           ("best_init", "scheme"): ("scheme",), ("best_init", "fix"): ("fix", "c_pt", "gamma_ft", "lambda_ratio"),
           ("best_init", "bounds"): ("bounds",), ("best_init", "reference"): ("reference", "ptft_theory.Init"),
           ("best_init", "grid"): ("grid",)}

SKIP_NAMES = {"DEFAULT_SCHEME", "DEFAULT_THRESHOLDS", "Scheme", "Regime", "Mode", "BoundaryKind"}  # constants and enums


def public_callables():
    out = []
    for name in P.__all__:
        obj = getattr(P, name)
        if name in SKIP_NAMES or (inspect.isclass(obj) and issubclass(obj, BaseException)):
            continue
        if inspect.isclass(obj) and name.endswith(("Result", "Curve", "Teachers", "Advice")):
            continue  # result records, built by the package, not by users
        if inspect.isclass(obj) and name.endswith("Options"):
            continue  # option records: validated where used (simulate_gradient_flow's options=, covered there)
        out.append(name)
    return out


def test_every_public_callable_is_covered():
    assert sorted(public_callables()) == sorted(CASES)


def _call(fname, kwargs):
    return getattr(P, fname)(**kwargs)


def _assert_names(exc, fname, param):
    names = ALIASES.get((fname, param), (param,))
    if param in ("task", "init", "init_a", "init_b"):
        names += ("ptft_theory.Task", "ptft_theory.Init")  # "init must be a ptft_theory.Init; got str"
    msg = str(exc)
    assert isinstance(exc, PTFTError), f"{fname}({param}=...): foreign {type(exc).__name__}: {msg}"
    assert any(n in msg for n in names), f"{fname}({param}=...): message does not name {names}: {msg}"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fname", sorted(CASES))
def test_bad_inputs_raise_our_error_naming_the_parameter(fname):
    """Every listed bad value of every parameter (all of them: the lists are short)."""
    valid, bad = CASES[fname]
    problems = []
    for param, values in bad.items():
        for v in values:
            kwargs = dict(valid, **{param: v})
            try:
                out = _call(fname, kwargs)
            except Exception as exc:  # noqa: BLE001 - the contract is what we check
                try:
                    _assert_names(exc, fname, param)
                except AssertionError as e:
                    problems.append(f"{param}={v!r}: {e}")
            else:
                problems.append(f"{fname}({param}={v!r}) returned {str(out)[:80]} instead of raising")
    assert not problems, "\n".join(problems)


@pytest.mark.timeout(120)
@settings(max_examples=N_BAD)
@given(kw=invalid_tasks())
def test_invalid_tasks_from_the_public_strategy(kw):
    kwargs, name = kw
    with pytest.raises(PTFTError, match=name):
        Task(**kwargs)


@pytest.mark.timeout(120)
@settings(max_examples=N_BAD)
@given(kw=invalid_inits(), alpha=invalid_alphas(), sigma=invalid_noise_levels())
def test_invalid_inits_alphas_and_noise(kw, alpha, sigma):
    kwargs, name = kw
    with pytest.raises(PTFTError, match=name):
        Init(**kwargs)
    with pytest.raises(PTFTError, match="alpha"):
        P.generalization_error(TASK, INIT, alpha)
    with pytest.raises(PTFTError, match="sigma"):
        P.generalization_error(TASK, INIT, 0.3, sigma=sigma)


# ------------------------------------------------------------------- reproducers, one per finding

@pytest.mark.parametrize("bad", ["no", "False", 0, 1, None, 1.0])
@pytest.mark.parametrize("call", ["generalization_error", "equal_error_alpha", "level_crossing_alpha",
                                  "rich_limit_threshold", "implicit_bias_solve", "simulate_gradient_flow"])
def test_booleans_are_booleans(call, bad):
    """A flag takes True or False only.  Before: certify="no" was taken as True (a 1 s proof ran), and
    certify=0 or None as False, silently."""
    X, init = np.eye(2), Init(1e-3)
    calls = {
        "generalization_error": lambda: generalization_error(TASK, init, 0.5, certify=bad),
        "equal_error_alpha": lambda: equal_error_alpha(TASK, init, Init(1.0), certify=bad),
        "level_crossing_alpha": lambda: level_crossing_alpha(TASK, init, 0.5, certify=bad),
        "rich_limit_threshold": lambda: rich_limit_threshold(0.1, certify=bad),
        "implicit_bias_solve": lambda: implicit_bias_solve(X, np.ones(2), 1.0, raise_on_failure=bad),
        "simulate_gradient_flow": lambda: simulate_gradient_flow(X, np.ones(2), X, np.ones(2), 1.0, 0.0, 1.0,
                                                                 raise_on_failure=bad),
    }
    name = "raise_on_failure" if call in ("implicit_bias_solve", "simulate_gradient_flow") else "certify"
    with pytest.raises(ParameterTypeError, match=rf"^{name}=.* not a bool; valid: True or False"):
        calls[call]()


@pytest.mark.parametrize("call", ["one_stage", "two_stage", "error_sweep", "alpha_pt_sweep"])
def test_empty_alpha_grid_is_an_error(call):
    """alpha=[] is a ParameterError naming alpha.  Before: empty results came back (one-stage,
    error_sweep, two-stage), as if there were nothing to compute."""
    init = Init(1e-3)
    calls = {"one_stage": lambda: generalization_error(TASK, init, []),
             "two_stage": lambda: generalization_error(TASK, init, [], alpha_pt=0.5),
             "error_sweep": lambda: error_sweep(TASK, init, "gamma_ft", [0.1, 0.2], []),
             "alpha_pt_sweep": lambda: error_sweep(TASK, init, "alpha_pt", [0.5], [])}
    with pytest.raises(ParameterError, match=r"^alpha=\[\] is invalid; valid range: .*non-empty"):
        calls[call]()


@pytest.mark.parametrize("make,name", [
    (lambda: Init(True), "c_pt"), (lambda: Init("1e-2"), "c_pt"), (lambda: Init(1e-2, 0.0, False), "gamma_ft"),
    (lambda: Task("0.1", 0.05, 0.05), "rho_pt"), (lambda: sample_data(3, [1.0, 0.0], sigma=True), "sigma"),
    (lambda: generalization_error(Task(0.1, 0.05, 0.05), Init(1e-2), True), "alpha"),
    (lambda: make_teachers(Task(0.5, 0.25, 0.25), "8", 0), "D")])
def test_bools_and_strings_are_not_numbers(make, name):
    """Old code: Init(True) was c_pt = 1.0, Init('1e-2') was c_pt = 0.01."""
    with pytest.raises(ParameterTypeError, match=name):
        make()
    assert Init(np.float64(1e-2), np.int64(0), 1).gamma_ft == 1.0  # numpy scalars and ints are numbers


@pytest.mark.parametrize("options,name", [
    (dict(rtol=-1.0), "rtol"), (dict(rtol=0.0), "rtol"), (dict(rtol=float("nan")), "rtol"),
    (dict(atol=-1.0), "atol"), (dict(residual_tol=float("nan")), "residual_tol"),
    (dict(residual_tol=0.0), "residual_tol"), (dict(max_time=-1.0), "max_time"), (dict(device="bogus"), "device"),
    (dict(X_pt=np.zeros((0, 6)), y_pt=np.zeros(0)), "X_pt"), (dict(c_pt="abc"), "c_pt"),
    (dict(mode="gd", mse_tol=-1.0), "mse_tol"), (dict(mode="gd", lr=0.0), "lr"),
    (dict(record_trajectory="yes"), "record_trajectory")])
def test_simulator_options_are_validated_before_running(options, name):
    """Old code: scipy's TypeError (rtol=-1), a minute of integration (rtol=0, residual_tol=NaN),
    torch's RuntimeError (device), a NaN result (zero rows), an unnamed parameter (c_pt='abc')."""
    args = dict(X_pt=XP, y_pt=YP, X_ft=XF, y_ft=YF, c_pt=0.1, lambda_pt=0.0, gamma_ft=0.1)
    args.update(options)
    t0 = time.perf_counter()
    with pytest.raises(PTFTError, match=name):
        simulate_gradient_flow(**args)
    assert time.perf_counter() - t0 < 2.0  # rejected up front, not after a simulation


def test_unbounded_precision_is_refused_not_a_hang():
    """dps beyond MAX_DPS (300 digits) is a ParameterError naming dps and the range, at once (review
    finding: --dps 100000 was accepted and ran without end)."""
    task, init = Task(0.1, 0.05, 0.05), Init(1e-2)
    t0 = time.perf_counter()
    for call in (lambda: generalization_error(task, init, 0.3, dps=10**5),
                 lambda: level_crossing_alpha(task, init, 0.25, dps=301),
                 lambda: ft_scales([1.0], 1e-2, 0.0, 0.0, dps=10**5),
                 lambda: rich_limit_threshold(0.1, dps=10**5)):
        with pytest.raises(ParameterError, match=r"dps=\d+ is invalid; valid range: 1 <= dps <= 300"):
            call()
    assert time.perf_counter() - t0 < 5  # refused before any work (generous for a loaded machine)
