"""Generated numpy kernels of ptft-theory. Do NOT edit by hand.

Source: the sympy expressions of ptft_theory.symbolic, printed by ptft_theory.codegen.
Regenerate with: make generate  (python -m ptft_theory.codegen --update).
"""

# fmt: off
# flake8: noqa
import numpy as np

__all__ = ['beta_of_s', 'beta_of_s_derivative', 'beta_of_s_stable', 'beta_of_s_stable_derivative', 'bregman_divergence', 'dual_potential', 'dual_potential_stable', 'elasticity_merged', 'elasticity_readout', 'eta_prime', 'eta_prime_zeta_derivative', 'eta_second_derivative', 'eta_zeta_derivative', 'ft_scale_merged', 'ft_scale_readout', 'ft_start_merged', 'ft_start_readout', 'h', 'l_order', 'least_squares_mse', 'minor_coefficient', 'mirror_map', 'normalised_cost', 'potential', 'potential_derivative', 'prox_point_x_derivative', 'prox_point_zeta_derivative', 'prox_residual', 'prox_residual_derivative', 'pt_beta_of_s', 'pt_dependence', 'pt_first_layer_minus', 'pt_first_layer_plus', 'pt_integrated_gradient', 'pt_mirror_density', 'pt_readout_minus', 'pt_readout_plus', 'readout_kink_s1']


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
