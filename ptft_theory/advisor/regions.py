"""The regions of the advisor's per-regime search: which regime an init belongs to.

Labels are :func:`ptft_theory.regime`'s calibrated default (delta_S, the PT dependence in samples) as
far as a budget allows: each new calibrated label costs two replica level crossings (~0.05-0.3 s), and
a search may ask for hundreds.  :class:`Labeller` caches every label, spends at most
:data:`LABEL_BUDGET` new calibrated ones per advice, and past it labels by the potential ratio
(microseconds), recording which definition located each regime's best init.  The l-order axis is the
same in both definitions, so the cheap potential label always decides rich | lazy; only the
PT-dependence side costs replica solves.
"""

from __future__ import annotations

from ..errors import PTFTError
from ..regime import regime

#: New calibrated (delta_S) labels one advice may compute (~0.05-0.3 s each, up to ~1 s near the frozen
#: corner); beyond it the potential ratio.  12 (3 per regime's walk) keeps an advice within ~1.5x its
#: cost with potential-ratio regions (docs/performance.md); the advantage map runs one advice per cell.
LABEL_BUDGET = 12
#: A candidate whose potential ratio delta lies below SCREEN[0] is not looked at for a PT-dependent
#: regime, above SCREEN[1] not for a PT-independent one (no replica solve spent on it).  Measured
#: delta_S / delta is 0.5-0.85 where both are away from 0 (Fig. 5's inits, a c_PT scan at rho_FT = 0.1),
#: so delta_S = 1/3 (the calibrated threshold) falls at delta ~0.4-0.67: the screen keeps a wide margin.
SCREEN = (0.2, 0.9)


class Labeller:
    """Cached region labels of inits for one (task, scheme, thresholds)."""

    def __init__(self, task, scheme, thresholds, budget: int = LABEL_BUDGET):
        self.task, self.scheme, self.th, self.budget = task, scheme, thresholds, int(budget)
        self._pot: dict = {}
        self._cal: dict = {}
        self.calibrated_used = 0
        self.fallbacks = 0

    def potential(self, init):
        """``regime(..., definition="potential")`` (None where no regime is defined)."""
        if init not in self._pot:
            try:
                self._pot[init] = regime(self.task, init, self.scheme, self.th, definition="potential")
            except PTFTError:
                self._pot[init] = None
        return self._pot[init]

    def rich(self, init):
        r = self.potential(init)
        return None if r is None else r.l_order < self.th.l_order

    def label(self, init, spend: bool = True) -> tuple[str | None, str]:
        """``(label, definition)``: the calibrated label when cached or (``spend``) within the budget,
        else the potential-ratio one."""
        if init in self._cal:
            return self._cal[init], "samples"
        r = self.potential(init)
        if r is None:
            return None, "potential"
        if spend and self.calibrated_used < self.budget:
            self.calibrated_used += 1
            try:
                res = regime(self.task, init, self.scheme, self.th)
            except PTFTError:
                res = None
            if res is not None and res.definition == "samples":
                self._cal[init] = res.regime.value
                return self._cal[init], "samples"
        self.fallbacks += 1
        return r.regime.value, "potential"


def best_of_each_regime(labeller, space, candidates, order=("I", "II", "III", "IV")):
    """``{label: (E, x, definition)}``: per regime, the lowest-E candidate ``(E, x)`` it labels so.

    Candidates are walked in E order; a candidate on the wrong side of the l-order threshold (free to
    know), or far on the wrong side of the PT-dependence one by the potential ratio (:data:`SCREEN`),
    is skipped before any calibrated label is spent on it; labels are cached across regimes, so the
    walk for one regime labels the points the next one needs.  Each regime's walk may spend an equal
    share of the budget left (a regime absent from the box cannot spend the others' labels)."""
    cands = sorted(candidates, key=lambda t: t[0])
    out = {}
    total = labeller.budget
    for i, R in enumerate(order):  # each regime's walk may spend an equal share of what is left
        labeller.budget = labeller.calibrated_used + (total - labeller.calibrated_used) // (len(order) - i)
        side = R in ("I", "IV")
        for E, x in cands:
            init = space.init(x)
            if labeller.rich(init) is not side:
                continue
            delta = labeller.potential(init).pt_dependence
            if (R in ("II", "IV") and delta < SCREEN[0]) or (R in ("I", "III") and delta > SCREEN[1]):
                continue
            lab, d = labeller.label(init)
            if lab == R:
                out[R] = (E, x, d)
                break
    labeller.budget = total
    return out


__all__ = ["LABEL_BUDGET", "SCREEN", "Labeller", "best_of_each_regime"]
