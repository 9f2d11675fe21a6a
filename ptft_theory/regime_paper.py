"""The authors' regime descriptors, evaluated (``regime(..., definition="paper")``).

Their definitions are in repository github.com/Nico31415/MTL_FT, file ``multi-task/lorder_fd_plots.py``
at commit ``eece38c94b2d11e969509caf317bf22d2e40b6a6`` (``compute_l_order``, ``compute_fd``); they are
derived in :mod:`ptft_theory.symbolic.paper_descriptors` (derivations/03_regimes.md) and evaluated
here through the generated kernels ``paper_l_order`` and ``paper_feature_dependence``:

* l-order ``p(A / (2 k_pt))`` (our p at half our argument);
* feature dependence ``(1 - l_order) e``, ``e = d log k / d log |beta_PT|`` at a PT feature
  (``beta_PT = amp_pt``): <= 0, more negative = more PT-dependent.

Their code is the merged network's; for ``scheme="readout"`` the same formulas take the readout k.
"""

from __future__ import annotations

import dataclasses

import mpmath

from . import kernels
from .config import Init, Task, as_scheme


@dataclasses.dataclass(frozen=True)
class PaperDescriptors:
    """The authors' l-order (in [1, 2]) and feature dependence (<= 0 where k grows with |beta_PT|)."""

    l_order: float
    feature_dependence: float
    elasticity: float | None

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def paper_descriptors(init: Init, task: Task, scheme) -> PaperDescriptors:
    """Their l-order and feature dependence at a PT feature of ``task`` (A = amp_ft, beta_PT = amp_pt).

    Evaluated in mpmath at 30 digits (unbounded exponent range: z = A/k may be 1e300), rounded."""
    scheme = as_scheme(scheme).value
    with mpmath.workdps(30):
        args = [mpmath.mpf(v) for v in (task.a_pt, init.c_pt, init.lambda_pt, init.gamma_ft)]
        k = getattr(kernels.mp, f"ft_scale_{scheme}")(*args)
        if k == 0:  # frozen PT feature: z -> oo, p -> 1, and (1 - p) e -> 0 (e finite)
            return PaperDescriptors(1.0, 0.0, None)
        e = getattr(kernels.mp, f"elasticity_{scheme}")(*args)
        zz = mpmath.mpf(task.a_ft) / k
        p = kernels.mp.paper_l_order(zz)
        fd = kernels.mp.paper_feature_dependence(zz, e)
    return PaperDescriptors(float(p), float(fd), float(e))


__all__ = ["PaperDescriptors", "paper_descriptors"]
