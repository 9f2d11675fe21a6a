"""Shared sympy symbols, named after docs/design.md section 1.

All modules of the symbolic layer take their symbols from here, so that an expression built in one
module can be substituted into another.  Assumptions are the weakest that make the algebra go
through; the ranges (|lambda_pt| <= c_pt, gamma_ft >= 0, k >= 0) are enforced numerically at the
package boundary, not by sympy.
"""

import sympy as sp

# Integrated gradient s = -int_0^t g dt of one coordinate (g = dL/dbeta_d).
s = sp.Symbol("s", real=True)
# Branch initial weights: first layer u0, readout v0 (nonnegative at PT, signed first layer at FT).
u0 = sp.Symbol("u0", nonnegative=True)
v0 = sp.Symbol("v0", nonnegative=True)
# Initialisation levers.
c_pt = sp.Symbol("c_pt", positive=True)
lambda_pt = sp.Symbol("lambda_pt", real=True)
gamma_ft = sp.Symbol("gamma_ft", nonnegative=True)
# What pretraining learned on a coordinate.
beta_pt = sp.Symbol("beta_pt", real=True)
# FT first-layer weights of the + and - branch (signed).
a_plus = sp.Symbol("a_plus", real=True)
a_minus = sp.Symbol("a_minus", real=True)
# Effective scale and reference point of the FT potential.
k = sp.Symbol("k", nonnegative=True)
b0 = sp.Symbol("b0", real=True)
# A coordinate value, its dual variable, and the scaled argument z = b / k.
b = sp.Symbol("b", real=True)
w = sp.Symbol("w", real=True)
z = sp.Symbol("z", nonnegative=True)
# Amplitudes of teacher entries.
amp_ft = sp.Symbol("amp_ft", positive=True)
k_pt_feature = sp.Symbol("k_pt", nonnegative=True)
k_new_feature = sp.Symbol("k_new", nonnegative=True)
# Dummy integration variable.
t = sp.Symbol("t", real=True)
