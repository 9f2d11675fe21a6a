"""Robustness of the Python API (issue 12): every public callable of ``ptft_theory.__all__`` gets bad
and extreme inputs drawn by hypothesis, and must keep the contract:

* a bad input raises a :class:`PTFTError` (ParameterError / ParameterTypeError, ...) whose message
  names the parameter -- never a foreign exception (numpy's, scipy's, torch's, OverflowError);
* a valid extreme input gives a finite answer, or one of our errors with a message; never NaN or inf
  (except where documented: ``ReplicaResult.E_dB`` is -inf at E = 0);
* in bounded time (pytest-timeout per test; each call is cheap here).

Example counts are small in the default run (derandomized, tests/conftest.py) and larger with
PTFT_FULL=1.  Strategies come from :mod:`ptft_theory.testing`.
"""

import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptft_theory as P
from ptft_theory import Init, PTFTError, Task
from ptft_theory.testing import inits, invalid_alphas, invalid_inits, invalid_noise_levels, invalid_tasks, tasks

from conftest import FULL

N_BAD = 60 if FULL else 12
N_EXTREME = 40 if FULL else 8

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

# function -> (valid keyword arguments, {parameter: bad values}).  Every public callable is listed
# (test_every_public_callable_is_covered), so a new public function must be added here.
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
                             "raise_on_failure": ["no", 0, None]}),  # issue 24: booleans are booleans
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
}

# Parameter names as the messages spell them when they differ from the keyword
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


def _bad_draws():
    return st.sampled_from(sorted(CASES)).flatmap(
        lambda f: st.sampled_from(sorted(CASES[f][1])).flatmap(
            lambda p: st.tuples(st.just(f), st.just(p), st.sampled_from(range(len(CASES[f][1][p]))))))


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


def _finite(x):
    return bool(np.all(np.isfinite(np.asarray(x, dtype=float))))


@pytest.mark.timeout(180)
@settings(max_examples=N_EXTREME)
@given(init=inits(log10_c=(-300.0, 300.0), gamma_max=1e150), task=tasks(), beta=st.floats(-1e300, 1e300))
def test_valid_extremes_give_finite_answers_or_our_error(init, task, beta):
    """Scales, regime and the Donoho-Tanner threshold over the whole float64 range of the levers."""
    for f in (lambda: P.ft_scales([0.0, beta], init.c_pt, init.lambda_pt, init.gamma_ft),
              lambda: P.ft_scales([0.0, beta], init.c_pt, init.lambda_pt, init.gamma_ft, "merged"),
              lambda: P.regime(task, init) if task.rho_pt > 0 else None,
              lambda: P.rich_limit_threshold(task.rho_ft) if task.rho_ft < 1 else None):
        try:
            out = f()
        except PTFTError as exc:
            assert str(exc)
            continue
        if out is None:
            continue
        if isinstance(out, P.RegimeResult):
            assert _finite([out.l_order, out.pt_dependence, out.k_pt, out.k_new])
            assert 1 <= out.l_order <= 2 and -1 <= out.pt_dependence <= 1
        else:
            assert _finite(out)


@pytest.mark.timeout(180)
@settings(max_examples=N_EXTREME)
@given(init=inits(log10_c=(-6.0, 8.0)), task=tasks(min_rho_ft=0.01, min_rho_pt=0.01),
       alpha=st.floats(1e-4, 3.0), sigma=st.sampled_from([0.0, 1e-3, 0.1]))
def test_replica_over_the_domain_is_finite_or_our_error(init, task, alpha, sigma):
    try:
        r = P.generalization_error(task, init, [alpha], sigma=sigma)
    except PTFTError as exc:
        assert str(exc)
        return
    assert _finite(r.E) and np.all(r.E >= 0)


@pytest.mark.timeout(120)
@settings(max_examples=N_EXTREME)
@given(scale=st.floats(-300, 300), seed=st.integers(0, 2**31))
def test_solver_at_extreme_data_scales(scale, seed):
    """y and X scaled by 10**scale: a solution (X b = y to the solver's tolerance) or our error."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, 5))
    y = (10.0**scale) * rng.standard_normal(3)
    try:
        b = P.implicit_bias_solution(X, y, 1.0, 0.0)
    except PTFTError as exc:
        assert str(exc)
        return
    assert _finite(b)
    assert np.linalg.norm(X @ b - y) <= 1e-10 * np.linalg.norm(y) + 1e-14 * np.linalg.norm(np.abs(X) @ np.abs(b))


@pytest.mark.timeout(120)
@settings(max_examples=N_EXTREME * 2)
@given(sy=st.floats(-300, 300), sx=st.floats(-150, 150), sb=st.floats(-150, 150), sk=st.floats(-300, 300),
       with_b0=st.booleans(), seed=st.integers(0, 2**31))
def test_solver_over_scales_of_X_y_b0_k(sy, sx, sb, sk, with_b0, seed):
    """Any combination of scales: a b with X b = y (to the solver's tolerance, or at the rounding
    level of X b), or our error -- never a silently wrong b."""
    rng = np.random.default_rng(seed)
    X = (10.0**sx) * rng.standard_normal((3, 5))
    y = (10.0**sy) * rng.standard_normal(3)
    b0 = (10.0**sb) * rng.standard_normal(5) if with_b0 else 0.0
    try:
        b = P.implicit_bias_solution(X, y, 10.0**sk, b0)
    except PTFTError as exc:
        assert str(exc)
        return
    assert _finite(b)

    def norm(v):  # without overflow: scaled by the largest entry
        m = np.max(np.abs(v))
        return m * np.linalg.norm(v / m) if m > 0 else 0.0
    floor = 64 * np.finfo(float).eps * norm(np.abs(X) @ np.abs(b) + np.abs(y))
    assert norm(X @ b - y) <= max(1e-10 * norm(y), floor)
