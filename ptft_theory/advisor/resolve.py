"""What the advisor recommends where E stops telling inits apart.

Two situations make the plain minimiser of E a network nobody can train:

* **Exact recovery.**  Where a rich init recovers the FT teacher, E falls like a power of the scale
  (E ~ c^2 at the README's example: 4e-6 at c = 1e-4, 4e-10 at 1e-6) and the minimiser slides to
  the frozen corner of the box (``lambda_pt -> -c_pt``, ``gamma_ft -> 0``, every k -> 0).  Below a
  resolution floor (:data:`RESOLUTION`, relative E; a parameter) inits are *equal* in E: the task is
  recovered exactly, and the advisor recommends the **least extreme** init that reaches the floor.
* **The infimum on the frozen corner, above the floor.**  E keeps falling toward the corner but does
  not reach the floor: the advisor says so, reports the lowest E found approaching it (an upper bound
  on the limit) and recommends the best init at a stated margin from it,
  ``corner_distance = 1 + lambda/c + gamma^2/(2c) >=`` :data:`CORNER_MARGIN` (:func:`corner_distance`).

**The order of "least extreme".**  The largest smallest FT scale, ``k_min = min(k_pt, k_new)``
(:func:`smallest_scale`).  Reason: in the mirror variable s a coordinate of scale k moves as
``d beta / dt = -2 sqrt(k^2 + beta^2) dL/dbeta`` (:mod:`ptft_theory.symbolic.dynamics`), so at
``beta = 0`` its rate is ``2k``; ``k = 0`` is the frozen saddle.  ``k_min`` is how far the FT network
sits from being frozen, in the network's own units, whatever lever makes it small (a small c, lambda
near -c, a small gamma): one scalar, not a lexicographic order of levers that would trade a tiny
``1 + lambda/c`` for a slightly larger c.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.optimize

from ..errors import PTFTError
from ..scales import ft_scales

#: Relative E below which a task counts as recovered exactly (inits equal in E): the replica's own
#: quadrature error is ~1e-9 relative (QUAD_RTOL_MAX), a simulation at D ~ 1000 resolves E ~ 1e-4.
RESOLUTION = 1e-6
#: Distance from the frozen corner kept when the infimum lies there above the floor:
#: ``corner_distance >= CORNER_MARGIN`` (a new feature's merged k is then >= 1e-3 of its value 2c at
#: balanced layers without readout).
CORNER_MARGIN = 1e-3
#: Evaluation budget of the constrained polish that maximises k_min at the floor.
FLOOR_POLISH_MAXFEV = 80
#: Starts of that polish (the least extreme evaluated inits at the floor).
LEAST_EXTREME_STARTS = 3


def smallest_scale(init, task, scheme) -> float:
    """``k_min``: the smallest FT scale over the task's coordinate classes (a PT feature, beta_pt =
    amp_pt; a new one, beta_pt = 0, present when rho_pt < 1)."""
    beta = [task.a_pt, 0.0] if task.rho_pt < 1 else [task.a_pt]
    k, _ = ft_scales(np.array(beta), init.c_pt, init.lambda_pt, init.gamma_ft, scheme)
    return float(np.min(k))


def on_frozen_corner(init, scheme) -> bool:
    """Whether ``init`` approaches the merged network's frozen corner (lambda = -c, gamma = 0):
    :func:`corner_distance` below 1e-4."""
    return scheme == "merged" and corner_distance(init) < 1e-4


def corner_distance(init) -> float:
    """Distance of a merged init from the frozen corner: ``1 + lambda/c + gamma^2 / (2c)``, the merged
    k of a new feature over its value at balanced layers without readout (``k_new / 2c``); 0 on it."""
    return 1 + init.lambda_pt / init.c_pt + init.gamma_ft ** 2 / (2 * init.c_pt)


def _polish(obj, space, x0, step, f):
    """Nelder-Mead on ``f`` (+inf outside the feasible set) over the free coordinates from ``x0``;
    returns the better of x0 and the polished point."""
    free = space.free
    if not free.any():
        return x0
    lo, hi = space.lo[free], space.hi[free]
    z0 = x0[free]
    sim = [z0]
    for j in range(z0.size):
        z = z0.copy()
        d = step[free][j] / 2
        z[j] = z[j] + d if z[j] + d <= hi[j] else z[j] - d
        sim.append(z)
    res = scipy.optimize.minimize(lambda z: f(space.full(np.clip(z, lo, hi))), z0, method="Nelder-Mead",
                                  bounds=list(zip(lo, hi)),
                                  options={"maxfev": FLOOR_POLISH_MAXFEV, "xatol": 1e-4, "fatol": 1e-4,
                                           "initial_simplex": np.array(sim)})
    x1 = space.full(np.clip(res.x, lo, hi))
    return x1 if f(x1) < f(x0) else x0


def _accepted(space, accept, x) -> bool:
    try:
        return accept is None or bool(accept(space.init(x)))
    except PTFTError:
        return False


def least_extreme(obj, space, resolution, step, accept=None):
    """Among the inits with E <= ``resolution``: the one with the largest ``k_min``.

    Starts from the cached evaluation with the largest k_min at the floor and polishes (Nelder-Mead
    on ``-log10 k_min``, +inf where E > resolution or ``accept(init)`` is False).  Returns
    ``(x, E, k_min)`` or None when no evaluated init reached the floor."""

    def score(x):
        if not _accepted(space, accept, x):
            return math.inf
        try:
            k = smallest_scale(space.init(x), obj.task, obj.scheme)
        except PTFTError:
            return math.inf
        return -math.log10(k) if k > 0 else math.inf

    cands = [(score(np.array(key)), np.array(key)) for key, E in list(obj.cache.items()) if E <= resolution]
    cands = [(s, x) for s, x in cands if math.isfinite(s)]
    if not cands:
        return None
    cands.sort(key=lambda t: t[0])

    def f(x):
        s = score(x)
        return s if math.isfinite(s) and obj.at(x) <= resolution else math.inf

    # the region at the floor is thin (a band near lambda = -c): polish from the LEAST_EXTREME_STARTS
    # least extreme points of it, the best wins
    x = min((_polish(obj, space, x0, step, f) for _, x0 in cands[:LEAST_EXTREME_STARTS]), key=f)
    return x, obj.at(x), smallest_scale(space.init(x), obj.task, obj.scheme)


def away_from_corner(obj, space, margin, step, accept=None):
    """The lowest E with :func:`corner_distance` >= ``margin`` (and ``accept``): the best cached
    point, polished under that constraint; (x, E) or None."""

    def ok(x):
        return corner_distance(space.init(x)) >= margin and _accepted(space, accept, x)

    best = None
    for key, E in list(obj.cache.items()):
        x = np.array(key)
        if math.isfinite(E) and (best is None or E < best[1]) and ok(x):
            best = (x, E)
    if best is None:
        return None

    def f(x):
        E = obj.at(x) if ok(x) else math.inf
        return math.log10(max(E, 1e-300)) if math.isfinite(E) else math.inf

    x = _polish(obj, space, best[0], step, f)
    return x, obj.at(x)


def init_flags(init, scheme) -> str:
    """Flags ``ptft regime`` and ``ptft curve`` accept for ``init`` (repr: the shortest digits that
    round-trip the float64, so a pasted init is the init)."""
    s = f"--c-pt {init.c_pt!r} --lambda-pt {init.lambda_pt!r} --gamma-ft {init.gamma_ft!r}"
    return s if scheme == "merged" else s + f" --scheme {scheme}"
