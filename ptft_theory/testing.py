"""Property-based testing with ptft-theory: hypothesis strategies by domain, and an oracle.

Strategies for *valid* inputs (every draw is accepted by the package) and for *invalid* ones (every
draw must be rejected with a :class:`~ptft_theory.errors.PTFTError` naming the parameter), one pair
per domain, named after the domain as astropy names its strategies:

==================  =====================================  ===========================================
domain              valid                                  invalid (draws ``(kwargs, parameter)``)
==================  =====================================  ===========================================
``Task``            :func:`tasks`                          :func:`invalid_tasks`
``Init``            :func:`inits`                          :func:`invalid_inits`
sample ratio        :func:`alphas` (floats)                :func:`invalid_alphas` (values)
noise level         :func:`noise_levels` (floats)          :func:`invalid_noise_levels` (values)
==================  =====================================  ===========================================

:func:`check_against_ptft` is an oracle: it computes E (replica), k or b0 (FT scales) or beta (the
implicit-bias solution) with ptft-theory for the same inputs and raises ``AssertionError`` with the
worst deviation when another implementation's values differ by more than the stated tolerance.

Needs ``hypothesis`` (``pip install 'ptft-theory[testing]'``); importing this module without it raises
:class:`~ptft_theory.errors.MissingExtraError` (an ``ImportError``) naming that extra.

Example
-------
>>> from hypothesis import given, settings
>>> from ptft_theory import ft_scales
>>> from ptft_theory.testing import check_against_ptft, inits
>>> @settings(max_examples=5, derandomize=True)
... @given(init=inits())
... def test_my_k(init):        # "my" merged-scheme k of a new feature: gamma^2 + 2 (c + lambda)
...     mine = init.gamma_ft**2 + 2 * (init.c_pt + init.lambda_pt)
...     check_against_ptft("k", [mine], beta_pt=[0.0], init=init, scheme="merged", rtol=1e-12)
>>> test_my_k()
"""

from __future__ import annotations

import math

import numpy as np

from .extras import require

st = require("hypothesis.strategies", "ptft_theory.testing")  # MissingExtraError naming [testing] without it

from .config import Init, Task

__all__ = ["tasks", "invalid_tasks", "inits", "invalid_inits", "alphas", "invalid_alphas", "noise_levels",
           "invalid_noise_levels", "check_against_ptft", "QUANTITIES"]

#: Values that are never numbers: bools and numeric strings (float() would accept both).
_NOT_NUMBERS = (True, False, "0.1", "1e-2", "abc", None, [0.1, 0.2])
_NON_FINITE = (math.nan, math.inf, -math.inf)


# ------------------------------------------------------------------------------------------- Task
@st.composite
def tasks(draw, min_rho_ft: float = 1e-3, min_rho_pt: float = 0.0, shared_signs=None, amplitudes: bool = False):
    """Valid :class:`Task` s: ``rho_pt`` in [min_rho_pt, 1], ``rho_shared <= rho_pt``,
    ``rho_new <= 1 - rho_pt``, ``rho_shared + rho_new >= min_rho_ft`` (> 0).  ``shared_signs``: one
    value, or None for any.  ``amplitudes``: also draw explicit ``amp_pt``, ``amp_ft`` in [1e-2, 1e2]
    (otherwise the defaults ``1/sqrt(rho)``, large for tiny rho)."""
    rho_pt = draw(st.floats(min_rho_pt, 1.0))
    rho_shared = draw(st.floats(0.0, 1.0)) * rho_pt
    rho_new = draw(st.floats(0.0, 1.0)) * (1.0 - rho_pt)
    if rho_shared + rho_new < min_rho_ft:  # make the FT teacher non-empty, inside the ranges
        if 1.0 - rho_pt >= min_rho_ft:
            rho_new = min_rho_ft
        else:
            rho_shared = rho_pt
    signs = draw(st.sampled_from(["independent", "equal", "opposite"])) if shared_signs is None else shared_signs
    amp = {}
    if amplitudes:
        amp = {"amp_pt": 10 ** draw(st.floats(-2, 2)), "amp_ft": 10 ** draw(st.floats(-2, 2))}
    return Task(rho_pt, rho_shared, rho_new, shared_signs=signs, **amp)


@st.composite
def invalid_tasks(draw):
    """``(kwargs, parameter)``: Task arguments that must raise a PTFTError naming ``parameter``."""
    base = {"rho_pt": 0.1, "rho_shared": 0.05, "rho_new": 0.05}
    name = draw(st.sampled_from(["rho_pt", "rho_shared", "rho_new", "amp_pt", "amp_ft", "shared_signs"]))
    if name == "shared_signs":
        return dict(base, shared_signs=draw(st.sampled_from(["same", "", "EQUAL", 1]))), name
    if name in ("amp_pt", "amp_ft"):
        bad = draw(st.one_of(st.sampled_from(_NON_FINITE + _NOT_NUMBERS[:5]), st.floats(max_value=0.0)))
        return dict(base, **{name: bad}), name
    bad = draw(st.one_of(st.sampled_from(_NON_FINITE + _NOT_NUMBERS), st.floats(max_value=-1e-12),
                         st.floats(min_value=1.0 + 1e-9)))
    kw = dict(base, **{name: bad})
    if name == "rho_shared" and draw(st.booleans()):  # rho_shared > rho_pt
        kw = dict(base, rho_shared=0.1 + draw(st.floats(1e-6, 0.8)))
    if name == "rho_new" and draw(st.booleans()):  # rho_pt + rho_new > 1
        kw = dict(base, rho_new=0.9 + draw(st.floats(1e-6, 0.1)))
    return kw, name


# ------------------------------------------------------------------------------------------- Init
@st.composite
def inits(draw, log10_c=(-4.0, 4.0), gamma_max: float = 1.0, frozen: bool = False):
    """Valid :class:`Init` s: ``c_pt = 10**u`` (u in ``log10_c``), ``lambda_pt`` across [-c, c] with its
    ends and their 1e-3 neighbourhoods drawn often, ``gamma_ft`` 0 or in [1e-3, gamma_max].  Unless
    ``frozen``, ``lambda_pt = -c_pt`` comes with ``gamma_ft > 0`` (otherwise whole classes freeze and
    most quantities are infeasible by design)."""
    c = 10 ** draw(st.floats(*log10_c))
    where = draw(st.sampled_from(["interior", "near_minus", "near_plus", "minus", "plus", "zero"]))
    lam = {"interior": lambda: c * draw(st.floats(-1.0, 1.0)),
           "near_minus": lambda: -c * (1 - draw(st.floats(0.0, 1e-3))),
           "near_plus": lambda: c * (1 - draw(st.floats(0.0, 1e-3))),
           "minus": lambda: -c, "plus": lambda: c, "zero": lambda: 0.0}[where]()
    lam = min(max(lam, -c), c)
    gamma = draw(st.one_of(st.just(0.0), st.floats(1e-3, gamma_max)))
    if not frozen and lam == -c and gamma == 0.0:
        gamma = min(0.1, gamma_max) or 1e-3
    return Init(c, lam, gamma)


@st.composite
def invalid_inits(draw):
    """``(kwargs, parameter)``: Init arguments that must raise a PTFTError naming ``parameter``."""
    name = draw(st.sampled_from(["c_pt", "lambda_pt", "gamma_ft"]))
    base = {"c_pt": 1e-2, "lambda_pt": 0.0, "gamma_ft": 0.1}
    if name == "lambda_pt" and draw(st.booleans()):  # |lambda| > c
        return dict(base, lambda_pt=draw(st.sampled_from([-1.0, 1.0])) * 1e-2 * (1 + draw(st.floats(1e-9, 1e3)))), name
    special = st.sampled_from(_NON_FINITE + _NOT_NUMBERS)
    if name == "lambda_pt":
        bad = draw(special)
    else:
        bad = draw(st.one_of(special, st.floats(max_value=-1e-300) if name == "gamma_ft" else st.floats(max_value=0.0)))
    return dict(base, **{name: bad}), name


# ---------------------------------------------------------------------------------- alpha, sigma
def alphas(min_value: float = 1e-3, max_value: float = 0.999, overdetermined: bool = False):
    """Valid sample ratios ``alpha = N_FT / D``: floats in [min_value, max_value]; with
    ``overdetermined`` also values in (1, 10] (noiseless: E = 0; noisy: least squares)."""
    s = st.floats(min_value, max_value)
    return st.one_of(s, st.floats(1.0 + 1e-6, 10.0)) if overdetermined else s


def invalid_alphas():
    """Values that are not a valid alpha (< 1e-100 incl. <= 0, non-finite, bools, strings, 2-D)."""
    return st.one_of(st.floats(max_value=1e-101), st.sampled_from(_NON_FINITE + _NOT_NUMBERS[:5] + ([[0.1, 0.2]],)))


def noise_levels(max_value: float = 1.0, zero: bool = True):
    """Valid noise levels sigma >= 0 (0 drawn often when ``zero``)."""
    s = st.floats(1e-6, max_value)
    return st.one_of(st.just(0.0), s) if zero else s


def invalid_noise_levels():
    """Values that are not a valid sigma (< 0, non-finite, bools, strings)."""
    return st.one_of(st.floats(max_value=-1e-300), st.sampled_from(_NON_FINITE + _NOT_NUMBERS[:5]))


# ------------------------------------------------------------------------------------------ oracle
#: What :func:`check_against_ptft` can check, and the inputs each needs.
QUANTITIES = {
    "E": "task, init, alpha, scheme (package default: 'merged'), sigma=0.0: replica relative error",
    "k": "beta_pt, init, scheme: FT scale per coordinate",
    "b0": "beta_pt, init, scheme: FT start per coordinate",
    "beta": "X, y, k, b0=0.0: the implicit-bias solution (end point of gradient flow)",
}


def check_against_ptft(quantity: str, candidate, *, rtol: float, atol: float = 0.0, **inputs) -> np.ndarray:
    """Check another implementation's ``quantity`` against ptft-theory's; returns ptft-theory's values.

    Parameters
    ----------
    quantity : {"E", "k", "b0", "beta"}
        See :data:`QUANTITIES` for the inputs each takes (keywords).  ``scheme`` defaults to the
        package's default scheme.
    candidate : array_like
        The other implementation's values, same shape as ours.
    rtol, atol : float
        Passes when ``|candidate - ours| <= atol + rtol * |ours|`` elementwise (``numpy.isclose``);
        state the tolerance your implementation should meet (E: the float64 replica is good to ~1e-9
        relative; k, b0: ~1e-15; beta: the solver's residual tolerance, ~1e-12).

    Raises
    ------
    AssertionError
        With the worst relative deviation, where it is, and both values.
    ParameterError
        Unknown quantity, or missing / invalid inputs (the package's own validation).
    """
    from . import _validate as V
    from .config import DEFAULT_SCHEME
    from .errors import ParameterError
    from .replica import generalization_error
    from .scales import ft_scales
    from .solver import implicit_bias_solution

    if quantity not in QUANTITIES:
        raise ParameterError(f"quantity={quantity!r} is invalid; valid: {', '.join(QUANTITIES)}")
    rtol = V.nonnegative("rtol", rtol)
    atol = V.nonnegative("atol", atol)
    try:
        if quantity == "E":
            ours = np.asarray(generalization_error(inputs["task"], inputs["init"], inputs["alpha"],
                                                   inputs.get("scheme", DEFAULT_SCHEME), inputs.get("sigma", 0.0)))
        elif quantity in ("k", "b0"):
            ini = inputs["init"]
            k, b0 = ft_scales(inputs["beta_pt"], ini.c_pt, ini.lambda_pt, ini.gamma_ft,
                              inputs.get("scheme", DEFAULT_SCHEME))
            ours = k if quantity == "k" else b0
        else:
            ours = implicit_bias_solution(inputs["X"], inputs["y"], inputs["k"], inputs.get("b0", 0.0))
    except KeyError as e:
        raise ParameterError(f"check_against_ptft({quantity!r}) needs the input {e.args[0]!r}; "
                             f"valid inputs: {QUANTITIES[quantity]}") from None
    cand = V.finite_array("candidate", candidate)
    if cand.shape != ours.shape:
        raise ParameterError(f"candidate has shape {cand.shape}; valid: the shape of ptft-theory's {quantity}, "
                             f"{ours.shape}")
    ok = np.isclose(cand, ours, rtol=rtol, atol=atol)
    if not ok.all():
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.abs(cand - ours) / np.abs(ours)
        i = int(np.argmax(np.where(ok, -np.inf, np.nan_to_num(rel, nan=np.inf, posinf=np.inf))))
        raise AssertionError(
            f"{quantity}: {int((~ok).sum())} of {ok.size} values differ from ptft-theory by more than "
            f"atol={atol:g} + rtol={rtol:g} * |ours|; worst at flat index {i}: candidate {cand.ravel()[i]!r}, "
            f"ptft-theory {ours.ravel()[i]!r} (relative deviation {rel.ravel()[i]:.3g})")
    return ours
