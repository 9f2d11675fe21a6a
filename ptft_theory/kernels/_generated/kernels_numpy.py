"""Generated numpy kernels of ptft-theory. Do NOT edit by hand.

Source: the sympy expressions of ptft_theory.symbolic, printed by ptft_theory.codegen.
Regenerate with: make generate  (python -m ptft_theory.codegen --update).
"""

# fmt: off
# flake8: noqa
import numpy as np

__all__ = ['beta_of_increment', 'beta_of_log_x', 'beta_of_s', 'beta_of_s_derivative', 'beta_of_s_stable', 'beta_of_s_stable_derivative', 'branch_coefficient_M', 'branch_coefficient_P', 'bregman_divergence', 'dual_potential', 'dual_potential_stable', 'elasticity_merged', 'elasticity_readout', 'escape_time', 'eta_prime', 'eta_prime_zeta_derivative', 'eta_second_derivative', 'eta_zeta_derivative', 'ft_scale_merged', 'ft_scale_readout', 'ft_start_merged', 'ft_start_readout', 'h', 'l_order', 'lazy_frozen_error', 'lazy_weighted_l2_error', 'least_squares_mse', 'minor_coefficient', 'mirror_map', 'normalised_cost', 'paper_feature_dependence', 'paper_l_order', 'potential', 'potential_derivative', 'prox_point_x_derivative', 'prox_point_zeta_derivative', 'prox_residual', 'prox_residual_derivative', 'pt_beta_of_s', 'pt_dependence', 'pt_first_layer_minus', 'pt_first_layer_plus', 'pt_integrated_gradient', 'pt_mirror_density', 'pt_readout_minus', 'pt_readout_plus', 'readout_kink_s1', 'rich_weight_ratio', 'time_to_reach', 'trajectory_coefficient_a', 'trajectory_coefficient_b', 'trajectory_increment', 'trajectory_rate']


def potential(b, k):
    """Q_k(b) = (k/2) h(b/k), the hyperbolic-entropy potential.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        b: coefficient value b
        k: FT scale k >= 0

    Source: ptft_theory.symbolic.potential.potential_stable
    """
    x0 = b**2
    return (1/2)*b*np.arcsinh(b/k) - 1/2*x0/(k + np.sqrt(k**2 + x0))


def potential_derivative(b, k):
    """Q_k'(b) = asinh(b/k)/2.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        b: coefficient value b
        k: FT scale k >= 0

    Source: ptft_theory.symbolic.potential.potential_derivative
    """
    return (1/2)*np.arcsinh(b/k)


def bregman_divergence(b, b0, k):
    """D_k(b, b0) = Q_k(b) - Q_k(b0) - Q_k'(b0)(b - b0).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        b: coefficient value b
        b0: FT start b0 = beta_FT(0)
        k: FT scale k >= 0

    Source: ptft_theory.symbolic.potential.bregman_divergence
    """
    x0 = k**(-1.0)
    x1 = (1/2)*np.arcsinh(b0*x0)
    x2 = b**2
    x3 = k**2
    x4 = b0**2
    return (1/2)*b*np.arcsinh(b*x0) - b0*x1 - x1*(b - b0) - 1/2*x2/(k + np.sqrt(x2 + x3)) + (1/2)*x4/(k + np.sqrt(x3 + x4))


def mirror_map(b, b0, k):
    """integrated gradient s at which a coordinate (k, b0) reaches b.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        b: coefficient value b
        b0: FT start b0 = beta_FT(0)
        k: FT scale k >= 0

    Source: ptft_theory.symbolic.potential.mirror_map
    """
    x0 = k**(-1.0)
    return (1/2)*np.arcsinh(b*x0) - 1/2*np.arcsinh(b0*x0)


def beta_of_s(w, k, b0):
    """coefficient b(w) = sqrt(k^2+b0^2) sinh 2w + b0 cosh 2w (finite at k = 0).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        k: FT scale k >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.dual_primal_map
    """
    x0 = 2*w
    return b0*np.cosh(x0) + np.sqrt(b0**2 + k**2)*np.sinh(x0)


def beta_of_s_derivative(w, k, b0):
    """db/dw = 2 sqrt(k^2 + b(w)^2).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        k: FT scale k >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.dual_primal_map_derivative
    """
    x0 = 2*w
    return 2*b0*np.sinh(x0) + 2*np.sqrt(b0**2 + k**2)*np.cosh(x0)


def dual_potential(w, k, b0):
    """G(w) = int_0^w b(w') dw' (convex; the solver's dual).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        k: FT scale k >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.dual_potential
    """
    return (1/2)*b0*np.sinh(2*w) + np.sqrt(b0**2 + k**2)*np.sinh(w)**2


def minor_coefficient(k, b0):
    """m = min(P, M) = k^2/(2(sqrt(k^2+b0^2) + |b0|)).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        k: FT scale k >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.minor_coefficient
    """
    x0 = k**2
    return x0/(2*np.sqrt(b0**2 + x0) + 2*abs(b0))


def beta_of_s_stable(w, m, b0):
    """b(w) = 2 m sinh 2w + b0 exp(2 sign(b0) w), cancellation-free.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        m: minor branch coefficient m = min(P, M) >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.beta_of_s_stable
    """
    x0 = 2*w
    return b0*np.exp(x0*np.sign(b0)) + 2*m*np.sinh(x0)


def beta_of_s_stable_derivative(w, m, b0):
    """db/dw = 4 m cosh 2w + 2|b0| exp(2 sign(b0) w).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        m: minor branch coefficient m = min(P, M) >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.beta_of_s_stable_derivative
    """
    x0 = 2*w
    return 4*m*np.cosh(x0) + 2*np.exp(x0*np.sign(b0))*abs(b0)


def dual_potential_stable(w, m, b0):
    """G(w) = int_0^w b, cancellation-free.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: dual value w = (X^T nu)_d, or integrated gradient s
        m: minor branch coefficient m = min(P, M) >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.potential.dual_potential_stable
    """
    x0 = w*np.sign(b0)
    return 2*m*np.sinh(w)**2 + np.exp(x0)*np.sinh(x0)*abs(b0)


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
    return b0*np.exp(x0*np.sign(b0)) + 2*m*np.sinh(x0) + w*zeta - x


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
    return 4*m*np.cosh(x0) + zeta + 2*np.exp(x0*np.sign(b0))*abs(b0)


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
    return (4*m*np.cosh(x0) + zeta + 2*np.exp(x0*np.sign(b0))*abs(b0))**(-1.0)


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
    return -w/(4*m*np.cosh(x0) + zeta + 2*np.exp(x0*np.sign(b0))*abs(b0))


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
    x1 = 4*m*np.cosh(x0) + 2*np.exp(x0*np.sign(b0))*abs(b0)
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
    x1 = np.sign(b0)
    x2 = np.exp(x0*x1)*abs(b0)
    x3 = 4*m*np.cosh(x0) + 2*x2
    x4 = x3 + zeta
    x5 = x4**(-1.0)
    x6 = 8*m*np.sinh(x0) + 4*x1*x2
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
    x1 = np.sign(b0)
    x2 = np.exp(x0*x1)*abs(b0)
    x3 = 4*m*np.cosh(x0) + 2*x2
    x4 = x3 + zeta
    x5 = x3/x4**2
    x6 = x4**(-1.0)
    x7 = 8*m*np.sinh(x0) + 4*x1*x2
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
    x1 = 4*m*np.cosh(x0)
    x2 = np.sign(b0)
    x3 = 2*np.exp(x0*x2)
    return -w*(b0*x2*x3 + x1)/(x1 + x3*abs(b0) + zeta)


def least_squares_mse(sigma, alpha):
    """MSE per coordinate of least squares, sigma^2 alpha / (alpha - 1) (noisy, alpha > 1).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        sigma: state-evolution noise sigma >= 0
        alpha: sample ratio alpha > 1

    Source: ptft_theory.symbolic.replica.least_squares_limit
    """
    return alpha*sigma**2/(alpha - 1)


def pt_mirror_density(s1, beta_star_pt, tau_pt, zeta_pt, c_pt):
    """phi(z1(s1)) dz1/ds1: the z1 average of the two-stage replica in the PT mirror variable.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        s1: PT mirror variable s1 (integrated gradient of PT)
        beta_star_pt: PT teacher value beta*_PT
        tau_pt: PT tau > 0
        zeta_pt: PT zeta > 0
        c_pt: absolute PT scale c_PT > 0

    Source: ptft_theory.symbolic.two_stage.pt_mirror_density
    """
    x0 = 2*s1
    return (1/2)*np.sqrt(2)*(2*c_pt*np.cosh(x0) + zeta_pt)*np.exp(-1/2*(-beta_star_pt + c_pt*np.sinh(x0) + s1*zeta_pt)**2/tau_pt**2)/(np.sqrt(np.pi)*tau_pt)


def readout_kink_s1(c_pt, gamma_ft):
    """s1 > 0 where the readout FT scale at lambda = -c vanishes (a panel edge of the z1 rule).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        c_pt: absolute PT scale c_PT > 0
        gamma_ft: FT readout scale gamma_FT >= 0

    Source: ptft_theory.symbolic.two_stage.readout_kink_s1
    """
    return np.arcsinh(gamma_ft/np.sqrt(c_pt))


def h(z):
    """h(z) = z asinh z - sqrt(1+z^2) + 1 (stable form).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z: scaled amplitude z = A / k >= 0

    Source: ptft_theory.symbolic.potential.h_function_stable
    """
    x0 = z**2
    return -x0/(np.sqrt(x0 + 1) + 1) + z*np.arcsinh(z)


def pt_beta_of_s(s, c_pt):
    """PT coefficient beta(s) = c_PT sinh 2s (no lambda_PT).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        s: integrated gradient s
        c_pt: absolute PT scale c_PT > 0

    Source: ptft_theory.symbolic.dynamics.pt_beta_of_s
    """
    return c_pt*np.sinh(2*s)


def pt_integrated_gradient(beta_pt, c_pt):
    """s_PT = asinh(beta_PT/c_PT)/2.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0

    Source: ptft_theory.symbolic.dynamics.pt_integrated_gradient
    """
    return (1/2)*np.arcsinh(beta_pt/c_pt)


def pt_first_layer_plus(beta_pt, c_pt, lambda_pt):
    """first-layer weight u+ at the end of PT.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT

    Source: ptft_theory.symbolic.dynamics.pt_first_layers()[0]
    """
    x0 = (1/2)*c_pt
    x1 = (1/2)*lambda_pt
    x2 = (1/2)*np.arcsinh(beta_pt/c_pt)
    return np.sqrt(x0 - x1)*np.sinh(x2) + np.sqrt(x0 + x1)*np.cosh(x2)


def pt_first_layer_minus(beta_pt, c_pt, lambda_pt):
    """first-layer weight u- at the end of PT (signed).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT

    Source: ptft_theory.symbolic.dynamics.pt_first_layers()[1]
    """
    x0 = (1/2)*c_pt
    x1 = (1/2)*lambda_pt
    x2 = (1/2)*np.arcsinh(beta_pt/c_pt)
    return -np.sqrt(x0 - x1)*np.sinh(x2) + np.sqrt(x0 + x1)*np.cosh(x2)


def pt_readout_plus(beta_pt, c_pt, lambda_pt):
    """readout weight v+ at the end of PT.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT

    Source: ptft_theory.symbolic.dynamics.pt_readouts()[0]
    """
    x0 = (1/2)*c_pt
    x1 = (1/2)*lambda_pt
    x2 = (1/2)*np.arcsinh(beta_pt/c_pt)
    return np.sqrt(x0 - x1)*np.cosh(x2) + np.sqrt(x0 + x1)*np.sinh(x2)


def pt_readout_minus(beta_pt, c_pt, lambda_pt):
    """readout weight v- at the end of PT (signed).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT

    Source: ptft_theory.symbolic.dynamics.pt_readouts()[1]
    """
    x0 = (1/2)*c_pt
    x1 = (1/2)*lambda_pt
    x2 = (1/2)*np.arcsinh(beta_pt/c_pt)
    return np.sqrt(x0 - x1)*np.cosh(x2) - np.sqrt(x0 + x1)*np.sinh(x2)


def ft_scale_merged(beta_pt, c_pt, lambda_pt, gamma_ft):
    """FT scale k, merged scheme.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT
        gamma_ft: FT readout scale gamma_FT >= 0

    Source: ptft_theory.symbolic.ft_maps.ft_scale_and_start("merged")[0]
    """
    return gamma_ft**2 + 2*(c_pt + lambda_pt)*np.cosh((1/2)*np.arcsinh(beta_pt/c_pt))**2


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
    x0 = (1/2)*c_pt
    x1 = (1/2)*lambda_pt
    x2 = np.sqrt(x0 + x1)
    x3 = (1/2)*np.arcsinh(beta_pt/c_pt)
    x4 = np.cosh(x3)
    x5 = x2*x4
    x6 = np.sqrt(x0 - x1)*np.sinh(x3)
    x7 = gamma_ft + x6
    return 2*np.sqrt((1/4)*(x5 + x7)**2 + (1/4)*(x2*x4 - x7)**2)*np.sqrt((1/4)*(-gamma_ft + x5 + x6)**2 + (1/4)*(gamma_ft + x5 - x6)**2)


def ft_start_readout(beta_pt, c_pt, lambda_pt, gamma_ft):
    """FT start b0, readout scheme.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT
        gamma_ft: FT readout scale gamma_FT >= 0

    Source: ptft_theory.symbolic.ft_maps.ft_scale_and_start("readout")[1]
    """
    return gamma_ft*np.sqrt(2*c_pt - 2*lambda_pt)*np.sinh((1/2)*np.arcsinh(beta_pt/c_pt))


def l_order(z):
    """l-order p(z) = z h'(z)/h(z), in (1, 2].

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z: scaled amplitude z = A / k >= 0

    Source: ptft_theory.symbolic.regimes.l_order
    """
    x0 = np.arcsinh(z)
    x1 = z**2
    return x0*z/(x0*z - x1/(np.sqrt(x1 + 1) + 1))


def normalised_cost(z):
    """q(z) = h(z)/z = 2 Q_k(A)/A at z = A/k.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z: scaled amplitude z = A / k >= 0

    Source: ptft_theory.symbolic.regimes.normalised_cost
    """
    x0 = z**2
    return (-x0/(np.sqrt(x0 + 1) + 1) + z*np.arcsinh(z))/z


def pt_dependence(z_pt, z_new):
    """PT dependence delta = (q(z_new) - q(z_pt)) / (q(z_new) + q(z_pt)), in (-1, 1).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z_pt: A / k of a PT feature
        z_new: A / k of a new feature

    Source: ptft_theory.symbolic.regimes.pt_dependence
    """
    x0 = z_pt**2
    x1 = (-x0/(np.sqrt(x0 + 1) + 1) + z_pt*np.arcsinh(z_pt))/z_pt
    x2 = z_new**(-1.0)
    x3 = z_new**2
    x4 = -x3/(np.sqrt(x3 + 1) + 1) + z_new*np.arcsinh(z_new)
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
    x0 = (1/2)*np.arcsinh(beta_pt/c_pt)
    x1 = np.cosh(x0)
    x2 = 2*c_pt + 2*lambda_pt
    return beta_pt*x1*x2*np.sinh(x0)/(np.sqrt(beta_pt**2 + c_pt**2)*(gamma_ft**2 + x1**2*x2))


def elasticity_readout(beta_pt, c_pt, lambda_pt, gamma_ft):
    """d log k / d log beta_PT, readout scheme.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_pt: PT end point beta_PT of the coordinate
        c_pt: absolute PT scale c_PT > 0
        lambda_pt: relative PT scale lambda_PT, |lambda_PT| <= c_PT
        gamma_ft: FT readout scale gamma_FT >= 0

    Source: ptft_theory.symbolic.regimes.elasticity("readout")
    """
    x0 = (1/2)*c_pt
    x1 = (1/2)*lambda_pt
    x2 = np.sqrt(x0 + x1)
    x3 = c_pt**(-1.0)
    x4 = (1/2)*np.arcsinh(beta_pt*x3)
    x5 = np.cosh(x4)
    x6 = x2*x5
    x7 = np.sqrt(x0 - x1)
    x8 = np.sinh(x4)
    x9 = x7*x8
    x10 = gamma_ft + x9
    x11 = x10 + x6
    x12 = -x10 + x2*x5
    x13 = np.sqrt((1/4)*x11**2 + (1/4)*x12**2)
    x14 = x13**(-1.0)
    x15 = gamma_ft + x6 - x9
    x16 = -gamma_ft + x6 + x9
    x17 = np.sqrt((1/4)*x15**2 + (1/4)*x16**2)
    x18 = x17**(-1.0)
    x19 = 1/np.sqrt(beta_pt**2/c_pt**2 + 1)
    x20 = x19*x3
    x21 = x20*x5*x7
    x22 = (1/8)*x2*x20*x8 + (1/8)*x21
    x23 = (1/8)*x19*x2*x3*x8 - 1/8*x21
    return (1/2)*beta_pt*x14*x18*(2*x13*x18*(x15*x23 + x16*x22) + 2*x14*x17*(x11*x22 + x12*x23))


def rich_weight_ratio(A, k_pt, k_new):
    """weighted-l1 weight ratio r = asinh(A/k_new)/asinh(A/k_pt) (first-order form).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        A: FT amplitude A > 0
        k_pt: k of a PT feature > 0
        k_new: k of a new feature > 0

    Source: ptft_theory.symbolic.rich_limits.weight_ratio_first_order
    """
    return np.arcsinh(A/k_new)/np.arcsinh(A/k_pt)


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
    x3 = -rho_pt + x0 - x1 + np.sqrt(4*x0*x1 + (r*rho_pt - x1 - x2)**2) + 1
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
    x0 = (1/2)*z
    x1 = np.arcsinh(x0)
    x2 = (1/4)*z**2
    return x0*x1/((1/2)*x1*z - x2/(np.sqrt(x2 + 1) + 1))


def paper_feature_dependence(z, e_k):
    """the authors' feature dependence (1 - p_paper(z)) e = d log Q / d log beta_PT of their potential.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        z: scaled amplitude z = A / k >= 0
        e_k: elasticity e = d log k / d log beta_PT

    Source: ptft_theory.symbolic.paper_descriptors.paper_feature_dependence
    """
    x0 = (1/2)*z
    x1 = np.arcsinh(x0)
    x2 = (1/4)*z**2
    return e_k*(-x0*x1/((1/2)*x1*z - x2/(np.sqrt(x2 + 1) + 1)) + 1)


def trajectory_rate(beta_star, k):
    """relaxation rate A = sqrt(beta*^2 + k^2): beta(t) - beta* ~ exp(-2At).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_star: target beta* of the coordinate (>= 0 after the sign symmetry)
        k: FT scale k >= 0

    Source: ptft_theory.symbolic.trajectory.rate
    """
    return np.sqrt(beta_star**2 + k**2)


def branch_coefficient_P(m, b0):
    """P = m + (|b0| + b0)/2, the coefficient of e^{2s}.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        m: minor branch coefficient m = min(P, M) >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.trajectory.stable_branch_coefficients()[0]
    """
    return b0*(np.select([np.less_equal(b0, 0),True], [0,1], default=np.nan)) + m


def branch_coefficient_M(m, b0):
    """M = m + (|b0| - b0)/2, the coefficient of -e^{-2s}.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        m: minor branch coefficient m = min(P, M) >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.trajectory.stable_branch_coefficients()[1]
    """
    return -b0*(np.select([np.greater_equal(b0, 0),True], [0,1], default=np.nan)) + m


def trajectory_coefficient_a(beta_star, A, m, b0):
    """numerator coefficient a = beta* + A + 2M of x(t) (beta* >= 0).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_star: target beta* of the coordinate (>= 0 after the sign symmetry)
        A: relaxation rate A = sqrt(beta*^2 + k^2)
        m: minor branch coefficient m = min(P, M) >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.trajectory.stable_coefficients()[0]
    """
    return A - 2*b0*(np.select([np.greater_equal(b0, 0),True], [0,1], default=np.nan)) + beta_star + 2*m


def trajectory_coefficient_b(beta_star, A, k, m, b0):
    """denominator coefficient b = 2P + k^2/(A + beta*) of x(t) (beta* >= 0).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_star: target beta* of the coordinate (>= 0 after the sign symmetry)
        A: relaxation rate A = sqrt(beta*^2 + k^2)
        k: FT scale k >= 0
        m: minor branch coefficient m = min(P, M) >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.trajectory.stable_coefficients()[1]
    """
    return 2*b0*(np.select([np.less_equal(b0, 0),True], [0,1], default=np.nan)) + k**2/(A + beta_star) + 2*m


def trajectory_increment(tau, E, beta_star, b0, b_den):
    """x(t) - 1 = exp(2 s(t)) - 1 = 2 (beta* - b0) tau / (b tau + E).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        tau: tau = -expm1(-2At)/(2A) (= t at A = 0)
        E: E = exp(-2At)
        beta_star: target beta* of the coordinate (>= 0 after the sign symmetry)
        b0: FT start b0 = beta_FT(0)
        b_den: denominator coefficient b

    Source: ptft_theory.symbolic.trajectory.increment
    """
    return tau*(-2*b0 + 2*beta_star)/(E + b_den*tau)


def beta_of_increment(w, P, b0):
    """beta at e^{2s} = 1 + w: b0/(1+w) + P w (1 + 1/(1+w)) (rational, exact at small w).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        w: increment w = x - 1 = e^{2s} - 1 > -1
        P: branch coefficient P >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.trajectory.beta_of_increment
    """
    x0 = (w + 1)**(-1.0)
    return P*w*(x0 + 1) + b0*x0


def beta_of_log_x(ell, log_P, log_M):
    """beta = P e^{ell} - M e^{-ell} evaluated in logs (large |s|).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        ell: ell = log x = 2 s
        log_P: log P (-inf for P = 0)
        log_M: log M (-inf for M = 0)

    Source: ptft_theory.symbolic.trajectory.beta_of_log_x
    """
    return -np.exp(-ell + log_M) + np.exp(ell + log_P)


def time_to_reach(b, beta_star, k, b0):
    """exact time t(beta_T) for the whitened flow from b0 to reach beta_T.

    Arguments (broadcasting arrays, tensors or mpf scalars):
        b: value beta_T between b0 and beta*
        beta_star: target beta* of the coordinate (>= 0 after the sign symmetry)
        k: FT scale k >= 0
        b0: FT start b0 = beta_FT(0)

    Source: ptft_theory.symbolic.trajectory.time_to_reach_stable
    """
    x0 = k**2
    x1 = np.sqrt(beta_star**2 + x0)
    x2 = np.sqrt(b0**2 + x0)
    x3 = np.select([np.greater_equal(b0, 0),True], [b0 + x2,x0/(-b0 + x2)], default=np.nan)
    x4 = beta_star + x1
    x5 = np.sqrt(b**2 + x0)
    x6 = np.select([np.greater_equal(b, 0),True], [b + x5,x0/(-b + x5)], default=np.nan)
    x7 = x0/x4
    return (1/2)*np.log((-x3 + x4)*(x6 + x7)/((x3 + x7)*(x4 - x6)))/x1


def escape_time(beta_star, k):
    """time t_1/2 for a coordinate from b0 = 0 to reach beta*/2 (~ log(2 beta*/k)/(2 beta*) rich, log 2/(2k) lazy).

    Arguments (broadcasting arrays, tensors or mpf scalars):
        beta_star: target beta* of the coordinate (>= 0 after the sign symmetry)
        k: FT scale k >= 0

    Source: ptft_theory.symbolic.trajectory.escape_time_stable
    """
    x0 = beta_star**2
    x1 = k**2
    x2 = np.sqrt(x0 + x1)
    x3 = beta_star + x2
    x4 = x1/x3
    x5 = (1/2)*beta_star
    x6 = np.sqrt((1/4)*x0 + x1)
    return (1/2)*np.log((-k + x3)*(x4 + x5 + x6)/((k + x4)*(x2 + x5 - x6)))/x2
