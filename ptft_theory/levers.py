"""The initialisation levers as an :class:`~ptft_theory.config.Init` or as three values.

Functions that take the levers (:func:`~ptft_theory.ft_scales`, :func:`~ptft_theory.simulate_gradient_flow`)
accept either ``f(..., c_pt, lambda_pt, gamma_ft, scheme)`` or ``f(..., init, scheme)``:
:func:`split_levers` turns both into the three values.
"""

from __future__ import annotations

from .config import Scheme
from .errors import ParameterError


def split_levers(c_pt, lambda_pt, gamma_ft, scheme, where: str):
    """``(c_pt, lambda_pt, gamma_ft, scheme)`` from an ``Init`` passed in place of ``c_pt`` (then a scheme
    given positionally arrives in ``lambda_pt``) or from the three lever values."""
    from .config import Init
    if isinstance(c_pt, Init):
        if isinstance(lambda_pt, (str, Scheme)) and gamma_ft is None:
            lambda_pt, scheme = None, lambda_pt  # f(x, init, "readout")
        if lambda_pt is not None or gamma_ft is not None:
            raise ParameterError(f"{where}: lambda_pt={lambda_pt!r}, gamma_ft={gamma_ft!r} given with an Init, which "
                                 "carries them; valid: an Init alone, or c_pt, lambda_pt, gamma_ft")
        return c_pt.c_pt, c_pt.lambda_pt, c_pt.gamma_ft, scheme
    missing = [name for name, v in (("lambda_pt", lambda_pt), ("gamma_ft", gamma_ft)) if v is None]
    if missing:
        raise ParameterError(f"{where}: {' and '.join(missing)} missing; valid: an Init in place of c_pt, or "
                             "c_pt, lambda_pt, gamma_ft")
    return c_pt, lambda_pt, gamma_ft, scheme
