"""The explorer's state and the pure functions from a state to what the page shows.

A *state* is a plain dict of the controls (:data:`DEFAULT_STATE` names every key):

* the init: ``log10_c_pt``, ``lambda_ratio`` (lambda_PT / c_PT), ``gamma_ft``, ``scheme``;
* the task: ``rho_pt``, ``rho_shared``, ``rho_new``, ``amp_pt``, ``amp_ft`` (None: the unit-mean-square
  defaults of :class:`~ptft_theory.Task`);
* the view: ``alpha_min``, ``alpha_max``, ``n_alpha`` (a linear alpha grid), ``sigma`` (label noise),
  ``alpha_pt`` (finite PT data, None: perfect PT), ``level`` (the E whose crossing alpha is shown).

Every function here maps a state to plain numbers or lists (the data of the page's figures) through the
public API only (:func:`~ptft_theory.generalization_error`, :func:`~ptft_theory.regime`,
:func:`~ptft_theory.level_crossing_alpha`), so a change there flows into the page.  Bad input raises the
package's :class:`~ptft_theory.PTFTError`; :func:`view` turns it into a message for the page.  The
regime map and the faint reference curves depend only on part of the state and are cached on it.
"""

from __future__ import annotations

import functools
import importlib.resources
import math
import tomllib

import numpy as np

from .. import Init, PTFTError, Task, generalization_error, level_crossing_alpha, regime
from ..errors import ParameterError
from ..experiments.style import REGIME_COLORS

#: The controls of a fresh page: Fig. 2/3's task (rho_PT = 0.1, rho_FT = 0.1, half shared) and a
#: small-scale init of regime IV.
DEFAULT_STATE = {
    "log10_c_pt": -3.0, "lambda_ratio": -0.9, "gamma_ft": 0.0, "scheme": "merged",
    "rho_pt": 0.1, "rho_shared": 0.05, "rho_new": 0.05, "amp_pt": None, "amp_ft": None,
    "alpha_min": 0.01, "alpha_max": 0.5, "n_alpha": 60, "sigma": 0.0, "alpha_pt": None, "level": 0.5,
}
#: The regime map's grid: cell centres in log10 c_PT over [-4, 2] (Fig. 2's range) and lambda_PT / c_PT
#: over (-1, 1) (cell-centred: the frozen corner lambda_PT = -c_PT is never evaluated exactly).
MAP_LOG10_C = (-4.0, 2.0)
#: The map, the reference curves' own label and the label drawn with each slider move use the potential-ratio
#: definition (no replica solve; Fig. 2's); the calibrated delta_S label (two replica crossings, 0.1-1 s) is
#: added to the descriptors panel after the curve is drawn (:func:`add_crossing`).
FAST_DEFINITION = "potential"
MAP_SHAPE = (49, 32)  # (n_c, n_ratio): 1568 regime() calls, ~0.2 s, once per task/gamma/scheme
#: Label and colour of a map cell where regime() raises (every coordinate frozen).
UNDEFINED = "undefined"
UNDEFINED_COLOR = "#ffffff"
REGIMES = ("I", "II", "III", "IV")


def task_of(state) -> Task:
    return Task(state["rho_pt"], state["rho_shared"], state["rho_new"], amp_pt=state["amp_pt"], amp_ft=state["amp_ft"])


def init_of(state) -> Init:
    c = 10.0 ** float(state["log10_c_pt"])
    return Init(c_pt=c, lambda_pt=float(state["lambda_ratio"]) * c, gamma_ft=float(state["gamma_ft"]))


def alphas_of(state) -> np.ndarray:
    """The view's alpha grid: ``n_alpha`` points from ``alpha_min`` to ``alpha_max``, linear."""
    lo, hi, n = float(state["alpha_min"]), float(state["alpha_max"]), int(state["n_alpha"])
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo < hi):
        raise ParameterError(f"alpha range [{lo!r}, {hi!r}] is invalid; valid: 0 < alpha_min < alpha_max")
    if n < 2:
        raise ParameterError(f"n_alpha={n!r} is invalid; valid: an integer >= 2")
    return np.linspace(lo, hi, n)


def curve(state) -> dict:
    """E(alpha) of the state's init: ``{"alpha": [...], "E": [...]}`` (plain floats), by
    :func:`~ptft_theory.generalization_error` (the two-stage replica when ``alpha_pt`` is set)."""
    return _curve(task_of(state), init_of(state), state["scheme"], float(state["sigma"]), state["alpha_pt"],
                  tuple(alphas_of(state)))


def _curve(task, init, scheme, sigma, alpha_pt, alphas) -> dict:
    kw = {} if alpha_pt is None else {"alpha_pt": float(alpha_pt)}
    r = generalization_error(task, init, np.array(alphas), scheme, sigma, **kw)
    return {"alpha": [float(a) for a in alphas], "E": [float(e) for e in np.asarray(r)]}


def representative_inits() -> dict[str, Init]:
    """The paper's four representative inits, one per regime: Fig. 5's (``configs/fig5.toml``)."""
    return dict(_representatives())


@functools.lru_cache(maxsize=1)
def _representatives():
    text = importlib.resources.files("ptft_theory").joinpath("configs", "fig5.toml").read_text()
    return tuple((it["regime"], Init(**it["init"])) for it in tomllib.loads(text)["inits"])


def reference_curves(state) -> dict:
    """E(alpha) of the representative inits of the regimes other than the state's own, on the state's task,
    scheme, noise, PT data and alpha grid: ``{"I": {"alpha", "E", "init"}, ...}``; a reference whose
    evaluation fails is left out.  Cached on what it depends on (not on the init's sliders)."""
    try:
        own = regime(task_of(state), init_of(state), state["scheme"], definition=FAST_DEFINITION).regime.value
    except PTFTError:
        own = None
    refs = _reference_curves(task_of(state), state["scheme"], float(state["sigma"]), state["alpha_pt"],
                             tuple(alphas_of(state)))
    return {k: v for k, v in refs.items() if k != own}


@functools.lru_cache(maxsize=32)
def _reference_curves(task, scheme, sigma, alpha_pt, alphas) -> dict:
    out = {}
    for label, init in _representatives():
        try:
            out[label] = dict(_curve(task, init, scheme, sigma, alpha_pt, alphas), init=init)
        except PTFTError:
            continue
    return out


def descriptors(state) -> dict:
    """:func:`~ptft_theory.regime` of the state's init and task (the fast potential-ratio definition, as
    the map): l-order, PT dependence, k_pt, k_new, the label and its description."""
    r = regime(task_of(state), init_of(state), state["scheme"], definition=FAST_DEFINITION)
    return {"l_order": r.l_order, "pt_dependence": r.pt_dependence, "k_pt": r.k_pt, "k_new": r.k_new,
            "regime": r.regime.value, "description": r.regime.description}


def crossing(state, curve_data: dict | None = None) -> float:
    """The alpha where E crosses ``level``, by :func:`~ptft_theory.level_crossing_alpha` over the view's alpha
    range (clipped to its valid bracket, inside (0, 1)).  Given the view's ``curve_data``, the bracket is the
    first pair of neighbouring curve points where ``E - level`` changes sign (the root is still solved to
    float64 by level_crossing_alpha, in fewer evaluations).  Perfect PT only (the function has no alpha_pt)."""
    if state["alpha_pt"] is not None:
        raise ParameterError("the level crossing is computed for perfect PT only (level_crossing_alpha has no "
                             "alpha_pt); valid: finite PT data off")
    level = float(state["level"])
    lo = max(float(state["alpha_min"]), 1e-6)
    hi = min(float(state["alpha_max"]), 1 - 1e-6)
    if curve_data is not None:
        a, e = np.asarray(curve_data["alpha"]), np.asarray(curve_data["E"]) - level
        inside = (a >= lo) & (a <= hi)
        a, e = a[inside], e[inside]
        change = np.flatnonzero(np.sign(e[:-1]) * np.sign(e[1:]) < 0)
        if change.size:
            lo, hi = float(a[change[0]]), float(a[change[0] + 1])
        exact = np.flatnonzero(e == 0)
        if exact.size and (not change.size or exact[0] <= change[0]):
            return float(a[exact[0]])
    r = level_crossing_alpha(task_of(state), init_of(state), level, state["scheme"], bracket=(lo, hi),
                             sigma=float(state["sigma"]))
    return float(r.alpha)


def regime_map(state) -> dict:
    """The regime map of Fig. 2 at the state's task, gamma_FT and scheme: one cell per
    (log10 c_PT, lambda_PT / c_PT) of :data:`MAP_SHAPE`, with its label ("" where regime() raises) and
    colour (:data:`~ptft_theory.experiments.style.REGIME_COLORS`); cached per (task, gamma, scheme).  The
    cells come in label order I, II, III, IV, undefined (the legend's order)."""
    return _regime_map(task_of(state), float(state["gamma_ft"]), state["scheme"])


@functools.lru_cache(maxsize=64)
def _regime_map(task, gamma, scheme) -> dict:
    n_c, n_r = MAP_SHAPE
    edges_c = np.linspace(*MAP_LOG10_C, n_c + 1)
    edges_r = np.linspace(-1.0, 1.0, n_r + 1)
    xs, ys = (edges_c[:-1] + edges_c[1:]) / 2, (edges_r[:-1] + edges_r[1:]) / 2
    cells = []
    for x in xs:
        c = 10.0 ** float(x)
        for y in ys:
            try:
                lab = regime(task, Init(c, float(y) * c, gamma), scheme, definition=FAST_DEFINITION).regime.value
            except PTFTError:
                lab = UNDEFINED
            cells.append((float(x), float(y), lab))
    order = {lab: j for j, lab in enumerate(REGIMES + (UNDEFINED,))}
    cells.sort(key=lambda t: order[t[2]])
    out = {"x": [t[0] for t in cells], "y": [t[1] for t in cells], "label": [t[2] for t in cells],
           "color": [REGIME_COLORS.get(t[2], UNDEFINED_COLOR) for t in cells]}
    out["width"] = float(edges_c[1] - edges_c[0])
    out["height"] = float(edges_r[1] - edges_r[0])
    return out


def view(state, with_crossing: bool = True) -> dict:
    """Everything a slider move redraws, errors caught: ``curve`` (or None), ``descriptors`` (or None),
    ``crossing`` (alpha or None) and ``errors`` (the package's messages, by part).  Never raises a
    :class:`~ptft_theory.PTFTError`: bad input (a frozen network, rho_shared > rho_pt, ...) becomes a message.
    ``with_crossing=False`` leaves the crossing for :func:`add_crossing` (the page draws the curve first)."""
    out = {"curve": None, "descriptors": None, "crossing": None, "errors": {}}
    for key, fn in (("curve", curve), ("descriptors", descriptors)):
        try:
            out[key] = fn(state)
        except PTFTError as e:
            out["errors"][key] = " ".join(str(e).split())
    return add_crossing(state, out) if with_crossing else out


def add_crossing(state, result: dict) -> dict:
    """``result`` (of :func:`view`) with its ``crossing`` filled in, or the reason in ``errors["crossing"]``."""
    if result["descriptors"] is not None:  # the calibrated label: two replica crossings, after the curve
        try:
            r = regime(task_of(state), init_of(state), state["scheme"])
            result["descriptors"].update(calibrated_regime=r.regime.value,
                                         pt_dependence_samples=r.pt_dependence_samples)
        except PTFTError as e:
            result["errors"]["calibrated label"] = " ".join(str(e).split())
    if result["curve"] is None:
        return result
    try:
        result["crossing"] = crossing(state, result["curve"])
    except PTFTError as e:
        result["errors"]["crossing"] = " ".join(str(e).split())
    return result
