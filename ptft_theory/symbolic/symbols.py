"""Shared sympy symbols, named after docs/design.md.

All modules of the symbolic layer take their symbols from here, so that an expression built in one
module can be substituted into another.  Assumptions are the weakest that make the algebra go
through; the ranges (|lambda_pt| <= c_pt, gamma_ft >= 0, k >= 0) are enforced numerically at the
package boundary, not by sympy.

A sympy symbol is its name plus its assumptions: two definitions with both equal are one symbol.  The
generated kernels take their argument names from these names, so renaming one changes generated code
(``python -m ptft_theory.codegen --update``).  Function-local bound variables (an integration
variable used once, a placeholder of one proof) stay in their functions.
"""

import sympy as sp

# ----------------------------------------------------------- one coordinate (docs/design.md section 1)
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
# Dummy integration variable.
t = sp.Symbol("t", real=True)
# The flow map beta(s) = P e^{2s} - M e^{-2s} (P, M >= 0) and m = sqrt(P M) (docs/design.md section 2).
P = sp.Symbol("P", nonnegative=True)
M = sp.Symbol("M", nonnegative=True)
m = sp.Symbol("m", nonnegative=True)
# Positive stand-ins where a sign is known (|b|, k > 0, |beta*|, P, M > 0, |beta_T|): sympy simplifies
# sqrt, abs and sign of these, then the result is substituted back.
b_pos = sp.Symbol("bp", positive=True)
k_pos = sp.Symbol("kp", positive=True)
beta_star_pos = sp.Symbol("bsp", positive=True)
beta_target_pos = sp.Symbol("bTp", positive=True)
P_pos = sp.Symbol("Pp", positive=True)
M_pos = sp.Symbol("Mp", positive=True)

# -------------------------------------------------------------------- the task (docs/design.md section 1)
# The FT target of a coordinate; the amplitude A of a teacher entry; the task's fractions.
beta_star = sp.Symbol("beta_star", real=True)
amp = sp.Symbol("A", positive=True)
rho_pt = sp.Symbol("rho_pt", positive=True)
rho_shared = sp.Symbol("rho_shared", nonnegative=True)
rho_new = sp.Symbol("rho_new", nonnegative=True)
# FT scales of a PT feature and of a new feature; their ratios z = A / k.
k_pt = sp.Symbol("k_pt", positive=True)
k_new = sp.Symbol("k_new", positive=True)
z_pt = sp.Symbol("z_pt", positive=True)
z_new = sp.Symbol("z_new", positive=True)
# The ratio r = asinh(A / k_new) / asinh(A / k_pt) of the weighted-l1 rich limit.
r_w = sp.Symbol("r", positive=True)
# The paper's elasticity e = d log k / d log |beta_PT| (an argument of a generated kernel).
e_k = sp.Symbol("e_k", real=True)

# -------------------------------------------------------------------- the replica (docs/design.md section 3)
# Scalar channel x = beta* + tau z, prox step zeta, noise tau, sample ratio alpha, label noise sigma.
x = sp.Symbol("x", real=True)
zeta = sp.Symbol("zeta", positive=True)
tau = sp.Symbol("tau", nonnegative=True)
alpha = sp.Symbol("alpha", positive=True)
sigma = sp.Symbol("sigma", nonnegative=True)
# The moments MSE = E[(eta - beta*)^2] and D1 = E[eta'] as placeholders of the fixed-point equations.
MSE = sp.Symbol("MSE", nonnegative=True)
D1 = sp.Symbol("D1", nonnegative=True)
# Donoho-Tanner: the soft threshold t > 0 and the sparsity rho.
t_dt = sp.Symbol("t", positive=True)
rho = sp.Symbol("rho", positive=True)
# Two-stage replica: the PT channel s1 = beta*_pt + tau_pt z1 and its order parameters.
s1 = sp.Symbol("s1", real=True)
beta_star_pt = sp.Symbol("beta_star_pt", real=True)
tau_pt = sp.Symbol("tau_pt", positive=True)
zeta_pt = sp.Symbol("zeta_pt", positive=True)
alpha_pt = sp.Symbol("alpha_pt", positive=True)
sigma_pt = sp.Symbol("sigma_pt")

# ---------------------------------------------------------- the time course (docs/design.md section 6)
# Time, the relaxation rate A = sqrt(beta*^2 + k^2), tau = (1 - E)/(2A) and E = e^{-2At} (the printed
# solution takes tau and E as arguments, evaluated with expm1), the solution's numerator and
# denominator coefficients, ell = log x = 2 s, log P, log M, x = e^{2s} > 0, and the increment w = x - 1.
# traj_tau and traj_increment are the same sympy symbols as tau and w (equal names and assumptions);
# they never meet those in one expression.
time = sp.Symbol("t", nonnegative=True)
rate = sp.Symbol("A", nonnegative=True)
traj_tau = sp.Symbol("tau", nonnegative=True)
decay = sp.Symbol("E", nonnegative=True)
a_num = sp.Symbol("a", nonnegative=True)
b_den = sp.Symbol("b_den", nonnegative=True)
log_x = sp.Symbol("ell", real=True)
log_P = sp.Symbol("log_P", real=True)
log_M = sp.Symbol("log_M", real=True)
x_pos = sp.Symbol("x", positive=True)
traj_increment = sp.Symbol("w", real=True)
