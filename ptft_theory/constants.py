"""Numerical constants shared by the Python and the compiled (C) replica paths: the one source.

:mod:`ptft_theory.codegen` writes them as ``#define`` lines into ``_generated/kernels_c.h`` (the
staleness test of the generated files then covers them); the C file defines none of its own.
"""

#: The prox's mirror variable is kept in ``|s| <= S_MAX``: exp(2s) stays finite.  Only a frozen
#: coordinate (b(s) == 0) can have its root beyond; its eta is b(s) = 0 wherever s ends up.
S_MAX = 350.0
#: A Newton step du (at most 1e-6, log units) is taken without evaluating F after it when the
#: residual it leaves, K |du|^2 with K = |F| / |du_prev|^2 observed on the last full step, is below
#: this (:func:`ptft_theory.replica.fixed_point.newton_point_py` and its C twin).
NEWTON_ACCEPT_RESIDUAL = 1e-15

#: name -> value of every constant written into the C header.
C_CONSTANTS = {"S_MAX": S_MAX, "NEWTON_ACCEPT_RESIDUAL": NEWTON_ACCEPT_RESIDUAL}
