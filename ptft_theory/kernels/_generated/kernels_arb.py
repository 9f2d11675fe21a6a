"""Generated arb kernels of ptft-theory. Do NOT edit by hand.

Source: the sympy expressions of ptft_theory.symbolic, printed by ptft_theory.codegen.
Regenerate with: make generate  (python -m ptft_theory.codegen --update).
"""

# fmt: off
# flake8: noqa
from .. import _arb_ops as arbops

__all__ = ['beta_of_s', 'beta_of_s_derivative', 'beta_of_s_stable', 'beta_of_s_stable_derivative', 'bregman_divergence', 'donoho_tanner_curvature', 'donoho_tanner_objective', 'donoho_tanner_stationarity', 'dual_potential', 'dual_potential_stable', 'elasticity_merged', 'elasticity_readout', 'eta_prime', 'eta_prime_zeta_derivative', 'eta_second_derivative', 'eta_zeta_derivative', 'ft_scale_merged', 'ft_scale_readout', 'ft_start_merged', 'ft_start_readout', 'h', 'l_order', 'lazy_frozen_error', 'lazy_weighted_l2_error', 'least_squares_mse', 'minor_coefficient', 'mirror_map', 'moment_integrand_d1', 'moment_integrand_d1_dtau', 'moment_integrand_d1_dzeta', 'moment_integrand_mse', 'moment_integrand_mse_dtau', 'moment_integrand_mse_dzeta', 'normalised_cost', 'paper_feature_dependence', 'paper_l_order', 'potential', 'potential_derivative', 'prox_point_x_derivative', 'prox_point_zeta_derivative', 'prox_residual', 'prox_residual_derivative', 'pt_beta_of_s', 'pt_dependence', 'pt_first_layer_minus', 'pt_first_layer_plus', 'pt_integrated_gradient', 'pt_readout_minus', 'pt_readout_plus', 'rich_weight_ratio', 'weighted_l1_dimension', 'weighted_l1_stationarity']


def potential(b, k):
    """Q_k(b) = (k/2) h(b/k), the hyperbolic-entropy potential.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        b: coefficient value b
        k: FT scale k >= 0

    Source: ptft_theory.symbolic.potential.potential_stable
    """
    x0 = b**2
    return (arbops.mpf(1)/arbops.mpf(2))*b*arbops.asinh(b/k) - arbops.mpf(1)/arbops.mpf(2)*x0/(k + arbops.sqrt(k**2 + x0))


def potential_derivative(b, k):
    """Q_k'(b) = asinh(b/k)/2.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        b: coefficient value b
        k: FT scale k >= 0

    Source: ptft_theory.symbolic.potential.potential_derivative
    """
    return (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(b/k)


def bregman_divergence(b, b0, k):
    """D_k(b, b0) = Q_k(b) - Q_k(b0) - Q_k'(b0)(b - b0).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        b: coefficient value b
        b0: FT start b0 = beta_FT(0)
        k: FT scale k >= 0

    Source: ptft_theory.symbolic.potential.bregman_divergence
    """
    x0 = 1/k
    x1 = (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(b0*x0)
    x2 = b**2
    x3 = k**2
    x4 = b0**2
    return (arbops.mpf(1)/arbops.mpf(2))*b*arbops.asinh(b*x0) - b0*x1 - x1*(b - b0) - arbops.mpf(1)/arbops.mpf(2)*x2/(k + arbops.sqrt(x2 + x3)) + (arbops.mpf(1)/arbops.mpf(2))*x4/(k + arbops.sqrt(x3 + x4))


def mirror_map(b, b0, k):
    """integrated gradient s at which a coordinate (k, b0) reaches b.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        b: coefficient value b
        b0: FT start b0 = beta_FT(0)
        k: FT scale k >= 0

    Source: ptft_theory.symbolic.potential.mirror_map
    """
    x0 = 1/k
    return (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(b*x0) - arbops.mpf(1)/arbops.mpf(2)*arbops.asinh(b0*x0)


def beta_of_s(w, k, b0):
    """coefficient b(w) = sqrt(k^2+b0^2) sinh 2w + b0 cosh 2w (finite at k = 0).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        k: FT scale k >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.dual_primal_map
    """
    x0 = 2*w
    return b0*arbops.cosh(x0) + arbops.sqrt(b0**2 + k**2)*arbops.sinh(x0)


def beta_of_s_derivative(w, k, b0):
    """db/dw = 2 sqrt(k^2 + b(w)^2).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        k: FT scale k >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.dual_primal_map_derivative
    """
    x0 = 2*w
    return 2*b0*arbops.sinh(x0) + 2*arbops.sqrt(b0**2 + k**2)*arbops.cosh(x0)


def dual_potential(w, k, b0):
    """G(w) = int_0^w b(w') dw' (convex; the solver's dual).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        k: FT scale k >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.dual_potential
    """
    return (arbops.mpf(1)/arbops.mpf(2))*b0*arbops.sinh(2*w) + arbops.sqrt(b0**2 + k**2)*arbops.sinh(w)**2


def minor_coefficient(k, b0):
    """m = min(P, M) = k^2/(2(sqrt(k^2+b0^2) + |b0|)).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        k: FT scale k >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.minor_coefficient
    """
    x0 = k**2
    return x0/(2*arbops.sqrt(b0**2 + x0) + 2*abs(b0))


def beta_of_s_stable(w, m, b0):
    """b(w) = 2 m sinh 2w + b0 exp(2 sign(b0) w), cancellation-free.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        m: minor branch coefficient m = min(P, M) >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.beta_of_s_stable
    """
    x0 = 2*w
    return b0*arbops.exp(x0*arbops.sign(b0)) + 2*m*arbops.sinh(x0)


def beta_of_s_stable_derivative(w, m, b0):
    """db/dw = 4 m cosh 2w + 2|b0| exp(2 sign(b0) w).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        m: minor branch coefficient m = min(P, M) >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.beta_of_s_stable_derivative
    """
    x0 = 2*w
    return 4*m*arbops.cosh(x0) + 2*arbops.exp(x0*arbops.sign(b0))*abs(b0)


def dual_potential_stable(w, m, b0):
    """G(w) = int_0^w b, cancellation-free.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        m: minor branch coefficient m = min(P, M) >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.dual_potential_stable
    """
    x0 = w*arbops.sign(b0)
    return 2*m*arbops.sinh(w)**2 + arbops.exp(x0)*arbops.sinh(x0)*abs(b0)


def prox_residual(w, x, zeta, m, b0):
    """zeta s + b(s) - x, zero at the prox in the mirror variable s.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        x: denoiser input x = beta* + tau z
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.replica.prox_residual_in_mirror_variable
    """
    x0 = 2*w
    return b0*arbops.exp(x0*arbops.sign(b0)) + 2*m*arbops.sinh(x0) + w*zeta - x


def prox_residual_derivative(w, zeta, m, b0):
    """d/ds (zeta s + b(s) - x) = zeta + b'(s) > 0.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.replica.prox_residual_derivative
    """
    x0 = 2*w
    return 4*m*arbops.cosh(x0) + zeta + 2*arbops.exp(x0*arbops.sign(b0))*abs(b0)


def prox_point_x_derivative(w, zeta, m, b0):
    """ds/dx = 1 / (zeta + b'(s)) of the prox point s at fixed zeta.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.replica.prox_point_sensitivities()[0]
    """
    x0 = 2*w
    return 1/(4*m*arbops.cosh(x0) + zeta + 2*arbops.exp(x0*arbops.sign(b0))*abs(b0))


def prox_point_zeta_derivative(w, zeta, m, b0):
    """ds/dzeta = -s / (zeta + b'(s)) of the prox point s at fixed x.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.replica.prox_point_sensitivities()[1]
    """
    x0 = 2*w
    return -w/(4*m*arbops.cosh(x0) + zeta + 2*arbops.exp(x0*arbops.sign(b0))*abs(b0))


def eta_prime(w, zeta, m, b0):
    """eta'(x) = b'(s) / (zeta + b'(s)) at the prox point s.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.replica.eta_prime
    """
    x0 = 2*w
    x1 = 4*m*arbops.cosh(x0) + 2*arbops.exp(x0*arbops.sign(b0))*abs(b0)
    return x1/(x1 + zeta)


def eta_second_derivative(w, zeta, m, b0):
    """eta''(x) = d eta'/dx at the prox point s (for the Newton Jacobian of the fixed point).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.replica.eta_second_derivative
    """
    x0 = 2*w
    x1 = arbops.sign(b0)
    x2 = arbops.exp(x0*x1)*abs(b0)
    x3 = 4*m*arbops.cosh(x0) + 2*x2
    x4 = x3 + zeta
    x5 = 1/x4
    x6 = 8*m*arbops.sinh(x0) + 4*x1*x2
    return x5*(-x3*x6/x4**2 + x5*x6)


def eta_prime_zeta_derivative(w, zeta, m, b0):
    """d eta'/d zeta at fixed x, at the prox point s.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.replica.eta_prime_zeta_derivative
    """
    x0 = 2*w
    x1 = arbops.sign(b0)
    x2 = arbops.exp(x0*x1)*abs(b0)
    x3 = 4*m*arbops.cosh(x0) + 2*x2
    x4 = x3 + zeta
    x5 = x3/x4**2
    x6 = 1/x4
    x7 = 8*m*arbops.sinh(x0) + 4*x1*x2
    return -w*x6*(-x5*x7 + x6*x7) - x5


def eta_zeta_derivative(w, zeta, m, b0):
    """d eta/d zeta at fixed x, at the prox point s.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.replica.eta_zeta_derivative
    """
    x0 = 2*w
    x1 = 4*m*arbops.cosh(x0)
    x2 = arbops.sign(b0)
    x3 = 2*arbops.exp(x0*x2)
    return -w*(b0*x2*x3 + x1)/(x1 + x3*abs(b0) + zeta)


def least_squares_mse(sigma, alpha):
    """MSE per coordinate of least squares, sigma^2 alpha / (alpha - 1) (noisy, alpha > 1).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        sigma: state-evolution noise sigma >= 0
        alpha: sample ratio alpha > 1

    Source: ptft_theory.symbolic.replica.least_squares_limit
    """
    return alpha*sigma**2/(alpha - 1)


def donoho_tanner_objective(t, rho):
    """psi(t) = rho(1+t^2) + 2(1-rho)[(1+t^2) Phi(-t) - t phi(t)]; min over t is alpha_c(rho).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        t: threshold t > 0
        rho: sparsity 0 < rho < 1

    Source: ptft_theory.symbolic.replica.donoho_tanner_objective
    """
    x0 = t**2
    x1 = x0 + 1
    x2 = (arbops.mpf(1)/arbops.mpf(2))*arbops.sqrt(2)*t
    return rho*x1 + (2 - 2*rho)*((arbops.mpf(1)/arbops.mpf(2))*x1*arbops.erfc(x2) - x2*arbops.exp(-arbops.mpf(1)/arbops.mpf(2)*x0)/arbops.sqrt(arbops.pi()))


def donoho_tanner_stationarity(t, rho):
    """d psi/dt, zero at the minimising threshold.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        t: threshold t > 0
        rho: sparsity 0 < rho < 1

    Source: ptft_theory.symbolic.replica.donoho_tanner_stationarity
    """
    x0 = 2*t
    x1 = rho*x0
    x2 = arbops.sqrt(2)
    x3 = arbops.erfc((arbops.mpf(1)/arbops.mpf(2))*t*x2)
    x4 = 2*x2*arbops.exp(-arbops.mpf(1)/arbops.mpf(2)*t**2)/arbops.sqrt(arbops.pi())
    return rho*x4 + x0*x3 - x1*x3 + x1 - x4


def donoho_tanner_curvature(t, rho):
    """d^2 psi/dt^2 = 2 rho + 4 (1 - rho) Phi(-t) > 0 (the interval Newton of the certified threshold).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        t: threshold t > 0
        rho: sparsity 0 < rho < 1

    Source: ptft_theory.symbolic.replica.donoho_tanner_stationarity (d/dt)
    """
    x0 = 2*rho
    x1 = arbops.erfc((arbops.mpf(1)/arbops.mpf(2))*arbops.sqrt(2)*t)
    return -x0*x1 + x0 + 2*x1


def moment_integrand_d1(w, x, tau, zeta, m, b0):
    """phi(z(s)) eta'(s) z'(s): the s-integrand of E[eta'] (certified path).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: mirror variable s
        x: teacher value beta*
        tau: replica parameter tau > 0
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.certified.moment_integrands()[0]
    """
    x0 = 2*w
    x1 = arbops.exp(x0*arbops.sign(b0))
    return (arbops.mpf(1)/arbops.mpf(2))*arbops.sqrt(2)*(4*m*arbops.cosh(x0) + 2*x1*abs(b0))*arbops.exp(-arbops.mpf(1)/arbops.mpf(2)*(b0*x1 + 2*m*arbops.sinh(x0) + w*zeta - x)**2/tau**2)/(arbops.sqrt(arbops.pi())*tau)


def moment_integrand_mse(w, x, tau, zeta, m, b0):
    """phi(z(s)) (b(s) - beta*)^2 z'(s): the s-integrand of E[(eta - beta*)^2] (certified path).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: mirror variable s
        x: teacher value beta*
        tau: replica parameter tau > 0
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.certified.moment_integrands()[1]
    """
    x0 = 2*w
    x1 = arbops.exp(x0*arbops.sign(b0))
    x2 = b0*x1 + 2*m*arbops.sinh(x0) - x
    return (arbops.mpf(1)/arbops.mpf(2))*arbops.sqrt(2)*x2**2*(4*m*arbops.cosh(x0) + 2*x1*abs(b0) + zeta)*arbops.exp(-arbops.mpf(1)/arbops.mpf(2)*(w*zeta + x2)**2/tau**2)/(arbops.sqrt(arbops.pi())*tau)


def moment_integrand_d1_dtau(w, x, tau, zeta, m, b0):
    """d/dtau of the s-integrand of the d1 moment at fixed s (certified Jacobian).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: mirror variable s
        x: teacher value beta*
        tau: replica parameter tau > 0
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.certified.moment_integrand_derivatives()[0]
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))/tau**2
    x1 = arbops.sqrt(2)
    x2 = 1/arbops.sqrt(arbops.pi())
    x3 = 2*w
    x4 = arbops.exp(x3*arbops.sign(b0))
    x5 = 4*m*arbops.cosh(x3) + 2*x4*abs(b0)
    x6 = (b0*x4 + 2*m*arbops.sinh(x3) + w*zeta - x)**2
    x7 = arbops.exp(-x0*x6)
    return -x0*x1*x2*x5*x7 + (arbops.mpf(1)/arbops.mpf(2))*x1*x2*x5*x6*x7/tau**4


def moment_integrand_d1_dzeta(w, x, tau, zeta, m, b0):
    """d/dzeta of the s-integrand of the d1 moment at fixed s (certified Jacobian).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: mirror variable s
        x: teacher value beta*
        tau: replica parameter tau > 0
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.certified.moment_integrand_derivatives()[1]
    """
    x0 = 2*w
    x1 = arbops.exp(x0*arbops.sign(b0))
    x2 = b0*x1 + 2*m*arbops.sinh(x0) + w*zeta - x
    return -arbops.mpf(1)/arbops.mpf(2)*arbops.sqrt(2)*w*x2*(4*m*arbops.cosh(x0) + 2*x1*abs(b0))*arbops.exp(-arbops.mpf(1)/arbops.mpf(2)*x2**2/tau**2)/(arbops.sqrt(arbops.pi())*tau**3)


def moment_integrand_mse_dtau(w, x, tau, zeta, m, b0):
    """d/dtau of the s-integrand of the mse moment at fixed s (certified Jacobian).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: mirror variable s
        x: teacher value beta*
        tau: replica parameter tau > 0
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.certified.moment_integrand_derivatives()[2]
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))/tau**2
    x1 = arbops.sqrt(2)
    x2 = 1/arbops.sqrt(arbops.pi())
    x3 = 2*w
    x4 = arbops.exp(x3*arbops.sign(b0))
    x5 = b0*x4 + 2*m*arbops.sinh(x3) - x
    x6 = x5**2
    x7 = 4*m*arbops.cosh(x3) + 2*x4*abs(b0) + zeta
    x8 = (w*zeta + x5)**2
    x9 = arbops.exp(-x0*x8)
    return -x0*x1*x2*x6*x7*x9 + (arbops.mpf(1)/arbops.mpf(2))*x1*x2*x6*x7*x8*x9/tau**4


def moment_integrand_mse_dzeta(w, x, tau, zeta, m, b0):
    """d/dzeta of the s-integrand of the mse moment at fixed s (certified Jacobian).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: mirror variable s
        x: teacher value beta*
        tau: replica parameter tau > 0
        zeta: replica parameter zeta > 0
        m: minor branch coefficient m
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.certified.moment_integrand_derivatives()[3]
    """
    x0 = 2*w
    x1 = arbops.exp(x0*arbops.sign(b0))
    x2 = b0*x1 + 2*m*arbops.sinh(x0) - x
    x3 = w*zeta + x2
    x4 = (arbops.mpf(1)/arbops.mpf(2))*arbops.sqrt(2)*x2**2*arbops.exp(-arbops.mpf(1)/arbops.mpf(2)*x3**2/tau**2)/arbops.sqrt(arbops.pi())
    return x4/tau - w*x3*x4*(4*m*arbops.cosh(x0) + 2*x1*abs(b0) + zeta)/tau**3


def h(z):
    """h(z) = z asinh z - sqrt(1+z^2) + 1 (stable form).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z: scaled amplitude z = A / k >= 0

    Source: ptft_theory.symbolic.potential.h_function_stable
    """
    x0 = z**2
    return -x0/(arbops.sqrt(x0 + 1) + 1) + z*arbops.asinh(z)


def pt_beta_of_s(s, c_pt):
    """PT coefficient beta(s) = c_PT sinh 2s (no lambda_PT).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        s: integrated gradient s
        c_pt: absolute PT scale c_PT > 0

    Source: ptft_theory.symbolic.dynamics.pt_beta_of_s
    """
    return c_pt*arbops.sinh(2*s)


def pt_integrated_gradient(beta_pt, c_pt):
    """s_PT = asinh(beta_PT/c_PT)/2.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0

    Source: ptft_theory.symbolic.dynamics.pt_integrated_gradient
    """
    return (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(beta_pt/c_pt)


def pt_first_layer_plus(beta_pt, c_pt, lambda_pt):
    """first-layer weight u+ at the end of PT.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT

    Source: ptft_theory.symbolic.dynamics.pt_first_layers()[0]
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))*c_pt
    x1 = (arbops.mpf(1)/arbops.mpf(2))*lambda_pt
    x2 = (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(beta_pt/c_pt)
    return arbops.sqrt(x0 - x1)*arbops.sinh(x2) + arbops.sqrt(x0 + x1)*arbops.cosh(x2)


def pt_first_layer_minus(beta_pt, c_pt, lambda_pt):
    """first-layer weight u- at the end of PT (signed).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT

    Source: ptft_theory.symbolic.dynamics.pt_first_layers()[1]
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))*c_pt
    x1 = (arbops.mpf(1)/arbops.mpf(2))*lambda_pt
    x2 = (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(beta_pt/c_pt)
    return -arbops.sqrt(x0 - x1)*arbops.sinh(x2) + arbops.sqrt(x0 + x1)*arbops.cosh(x2)


def pt_readout_plus(beta_pt, c_pt, lambda_pt):
    """readout weight v+ at the end of PT.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT

    Source: ptft_theory.symbolic.dynamics.pt_readouts()[0]
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))*c_pt
    x1 = (arbops.mpf(1)/arbops.mpf(2))*lambda_pt
    x2 = (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(beta_pt/c_pt)
    return arbops.sqrt(x0 - x1)*arbops.cosh(x2) + arbops.sqrt(x0 + x1)*arbops.sinh(x2)


def pt_readout_minus(beta_pt, c_pt, lambda_pt):
    """readout weight v- at the end of PT (signed).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT

    Source: ptft_theory.symbolic.dynamics.pt_readouts()[1]
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))*c_pt
    x1 = (arbops.mpf(1)/arbops.mpf(2))*lambda_pt
    x2 = (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(beta_pt/c_pt)
    return arbops.sqrt(x0 - x1)*arbops.cosh(x2) - arbops.sqrt(x0 + x1)*arbops.sinh(x2)


def ft_scale_merged(beta_pt, c_pt, lambda_pt, gamma_ft):
    """FT scale k, merged scheme.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT
        gamma_ft: FT readout scale gamma_FT >= 0

    Source: ptft_theory.symbolic.ft_maps.ft_scale_and_start("merged")[0]
    """
    return gamma_ft**2 + 2*(c_pt + lambda_pt)*arbops.cosh((arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(beta_pt/c_pt))**2


def ft_start_merged(beta_pt, c_pt, lambda_pt, gamma_ft):
    """FT start b0, merged scheme.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT
        gamma_ft: FT readout scale gamma_FT >= 0

    Source: ptft_theory.symbolic.ft_maps.ft_scale_and_start("merged")[1]
    """
    return 0 + 0 * beta_pt


def ft_scale_readout(beta_pt, c_pt, lambda_pt, gamma_ft):
    """FT scale k, readout scheme.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT
        gamma_ft: FT readout scale gamma_FT >= 0

    Source: ptft_theory.symbolic.ft_maps.ft_scale_and_start("readout")[0]
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))*c_pt
    x1 = (arbops.mpf(1)/arbops.mpf(2))*lambda_pt
    x2 = arbops.sqrt(x0 + x1)
    x3 = (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(beta_pt/c_pt)
    x4 = arbops.cosh(x3)
    x5 = x2*x4
    x6 = arbops.sqrt(x0 - x1)*arbops.sinh(x3)
    x7 = gamma_ft + x6
    return 2*arbops.sqrt((arbops.mpf(1)/arbops.mpf(4))*(x5 + x7)**2 + (arbops.mpf(1)/arbops.mpf(4))*(x2*x4 - x7)**2)*arbops.sqrt((arbops.mpf(1)/arbops.mpf(4))*(-gamma_ft + x5 + x6)**2 + (arbops.mpf(1)/arbops.mpf(4))*(gamma_ft + x5 - x6)**2)


def ft_start_readout(beta_pt, c_pt, lambda_pt, gamma_ft):
    """FT start b0, readout scheme.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT
        gamma_ft: FT readout scale gamma_FT >= 0

    Source: ptft_theory.symbolic.ft_maps.ft_scale_and_start("readout")[1]
    """
    return gamma_ft*arbops.sqrt(2*c_pt - 2*lambda_pt)*arbops.sinh((arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(beta_pt/c_pt))


def l_order(z):
    """l-order p(z) = z h'(z)/h(z), in (1, 2].

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z: scaled amplitude z = A / k >= 0

    Source: ptft_theory.symbolic.regimes.l_order
    """
    x0 = arbops.asinh(z)
    x1 = z**2
    return x0*z/(x0*z - x1/(arbops.sqrt(x1 + 1) + 1))


def normalised_cost(z):
    """q(z) = h(z)/z = 2 Q_k(A)/A at z = A/k.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z: scaled amplitude z = A / k >= 0

    Source: ptft_theory.symbolic.regimes.normalised_cost
    """
    x0 = z**2
    return (-x0/(arbops.sqrt(x0 + 1) + 1) + z*arbops.asinh(z))/z


def pt_dependence(z_pt, z_new):
    """PT dependence delta = (q(z_new) - q(z_pt)) / (q(z_new) + q(z_pt)), in (-1, 1).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z_pt: A / k of a PT feature
        z_new: A / k of a new feature

    Source: ptft_theory.symbolic.regimes.pt_dependence
    """
    x0 = z_pt**2
    x1 = (-x0/(arbops.sqrt(x0 + 1) + 1) + z_pt*arbops.asinh(z_pt))/z_pt
    x2 = 1/z_new
    x3 = z_new**2
    x4 = -x3/(arbops.sqrt(x3 + 1) + 1) + z_new*arbops.asinh(z_new)
    return (-x1 + x2*x4)/(x1 + x2*x4)


def elasticity_merged(beta_pt, c_pt, lambda_pt, gamma_ft):
    """d log k / d log beta_PT, merged scheme.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT
        gamma_ft: FT readout scale gamma_FT >= 0

    Source: ptft_theory.symbolic.regimes.elasticity("merged")
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(beta_pt/c_pt)
    x1 = arbops.cosh(x0)
    x2 = 2*c_pt + 2*lambda_pt
    return beta_pt*x1*x2*arbops.sinh(x0)/(arbops.sqrt(beta_pt**2 + c_pt**2)*(gamma_ft**2 + x1**2*x2))


def elasticity_readout(beta_pt, c_pt, lambda_pt, gamma_ft):
    """d log k / d log beta_PT, readout scheme.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT
        gamma_ft: FT readout scale gamma_FT >= 0

    Source: ptft_theory.symbolic.regimes.elasticity("readout")
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))*c_pt
    x1 = (arbops.mpf(1)/arbops.mpf(2))*lambda_pt
    x2 = arbops.sqrt(x0 + x1)
    x3 = 1/c_pt
    x4 = (arbops.mpf(1)/arbops.mpf(2))*arbops.asinh(beta_pt*x3)
    x5 = arbops.cosh(x4)
    x6 = x2*x5
    x7 = arbops.sqrt(x0 - x1)
    x8 = arbops.sinh(x4)
    x9 = x7*x8
    x10 = gamma_ft + x9
    x11 = x10 + x6
    x12 = -x10 + x2*x5
    x13 = arbops.sqrt((arbops.mpf(1)/arbops.mpf(4))*x11**2 + (arbops.mpf(1)/arbops.mpf(4))*x12**2)
    x14 = 1/x13
    x15 = gamma_ft + x6 - x9
    x16 = -gamma_ft + x6 + x9
    x17 = arbops.sqrt((arbops.mpf(1)/arbops.mpf(4))*x15**2 + (arbops.mpf(1)/arbops.mpf(4))*x16**2)
    x18 = 1/x17
    x19 = 1/arbops.sqrt(beta_pt**2/c_pt**2 + 1)
    x20 = x19*x3
    x21 = x20*x5*x7
    x22 = (arbops.mpf(1)/arbops.mpf(8))*x2*x20*x8 + (arbops.mpf(1)/arbops.mpf(8))*x21
    x23 = (arbops.mpf(1)/arbops.mpf(8))*x19*x2*x3*x8 - arbops.mpf(1)/arbops.mpf(8)*x21
    return (arbops.mpf(1)/arbops.mpf(2))*beta_pt*x14*x18*(2*x13*x18*(x15*x23 + x16*x22) + 2*x14*x17*(x11*x22 + x12*x23))


def rich_weight_ratio(A, k_pt, k_new):
    """weighted-l1 weight ratio r = asinh(A/k_new)/asinh(A/k_pt) (first-order form).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        A: FT amplitude A > 0
        k_pt: k of a PT feature > 0
        k_new: k of a new feature > 0

    Source: ptft_theory.symbolic.rich_limits.weight_ratio_first_order
    """
    return arbops.asinh(A/k_new)/arbops.asinh(A/k_pt)


def weighted_l1_dimension(t, r, rho_pt, rho_shared, rho_new):
    """statistical dimension of the weighted-l1 descent cone at threshold t (min over t: alpha_c).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        t: threshold t >= 0
        r: weight ratio r > 0
        rho_pt: rho_pt
        rho_shared: rho_shared
        rho_new: rho_new

    Source: ptft_theory.symbolic.rich_limits.weighted_l1_dimension
    """
    x0 = t**2
    x1 = r**2*x0
    x2 = arbops.sqrt(2)*t
    x3 = (arbops.mpf(1)/arbops.mpf(2))*x2
    x4 = arbops.erfc(x3)
    x5 = x2/arbops.sqrt(arbops.pi())
    x6 = arbops.erfc(r*x3)
    return rho_new*(x1 + 1) + rho_shared*(x0 + 1) + (rho_pt - rho_shared)*(x0*x4 + x4 - x5*arbops.exp(-arbops.mpf(1)/arbops.mpf(2)*x0)) + (-rho_new - rho_pt + 1)*(-r*x5*arbops.exp(-arbops.mpf(1)/arbops.mpf(2)*x1) + x1*x6 + x6)


def weighted_l1_stationarity(t, r, rho_pt, rho_shared, rho_new):
    """d/dt of the weighted-l1 statistical dimension (convex: its root is the minimiser).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        t: threshold t >= 0
        r: weight ratio r > 0
        rho_pt: rho_pt
        rho_shared: rho_shared
        rho_new: rho_new

    Source: ptft_theory.symbolic.rich_limits.weighted_l1_stationarity
    """
    x0 = 2*t
    x1 = r**2
    x2 = x0*x1
    x3 = arbops.sqrt(2)
    x4 = (arbops.mpf(1)/arbops.mpf(2))*t*x3
    x5 = (arbops.mpf(1)/arbops.mpf(2))*t**2
    x6 = 2*x3/arbops.sqrt(arbops.pi())
    return rho_new*x2 + rho_shared*x0 + (rho_pt - rho_shared)*(x0*arbops.erfc(x4) - x6*arbops.exp(-x5)) + (-r*x6*arbops.exp(-x1*x5) + x2*arbops.erfc(r*x4))*(-rho_new - rho_pt + 1)


def lazy_weighted_l2_error(alpha, r, rho_pt, rho_shared, rho_new):
    """lazy limit: relative error of the weighted minimum-norm l2 interpolator (weights 1/k, ratio r).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        alpha: FT sample ratio alpha in (0, 1)
        r: weight ratio r = k_pt / k_new > 0
        rho_pt: rho_pt
        rho_shared: rho_shared
        rho_new: rho_new

    Source: ptft_theory.symbolic.lazy_limits.weighted_l2_error
    """
    x0 = r*rho_pt
    x1 = alpha*(1 - r)
    x2 = rho_pt - 1
    x3 = -rho_pt + x0 - x1 + arbops.sqrt(4*x0*x1 + (r*rho_pt - x1 - x2)**2) + 1
    x4 = 2*alpha*r/x3
    x5 = x4 - 1
    x6 = r*x5 - x4
    x7 = 4*alpha**2*r**2/x3**2
    return alpha*(rho_new*(x4/x6 + 1)**2 + rho_shared*x5**2)/((rho_new + rho_shared)*(alpha - rho_pt*x7 + x2*x7/x6**2))


def lazy_frozen_error(alpha, rho_pt, rho_shared, rho_new):
    """lazy PT features, frozen new features (k_new = 0): relative error of the l2 interpolator on the PT features.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        alpha: FT sample ratio alpha in (0, rho_pt)
        rho_pt: rho_pt
        rho_shared: rho_shared
        rho_new: rho_new

    Source: ptft_theory.symbolic.lazy_limits.frozen_error
    """
    x0 = alpha - rho_pt
    return -(rho_new*rho_pt**2 + rho_shared*x0**2)/(rho_pt*x0*(rho_new + rho_shared))


def paper_l_order(z):
    """the authors' l-order (MTL_FT lorder_fd_plots.py) at z = A/k: p(z/2).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z: scaled amplitude z = A / k >= 0

    Source: ptft_theory.symbolic.paper_descriptors.paper_l_order
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))*z
    x1 = arbops.asinh(x0)
    x2 = (arbops.mpf(1)/arbops.mpf(4))*z**2
    return x0*x1/((arbops.mpf(1)/arbops.mpf(2))*x1*z - x2/(arbops.sqrt(x2 + 1) + 1))


def paper_feature_dependence(z, e_k):
    """the authors' feature dependence (1 - p_paper(z)) e = d log Q / d log beta_PT of their potential.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z: scaled amplitude z = A / k >= 0
        e_k: elasticity e = d log k / d log beta_PT

    Source: ptft_theory.symbolic.paper_descriptors.paper_feature_dependence
    """
    x0 = (arbops.mpf(1)/arbops.mpf(2))*z
    x1 = arbops.asinh(x0)
    x2 = (arbops.mpf(1)/arbops.mpf(4))*z**2
    return e_k*(-x0*x1/((arbops.mpf(1)/arbops.mpf(2))*x1*z - x2/(arbops.sqrt(x2 + 1) + 1)) + 1)
