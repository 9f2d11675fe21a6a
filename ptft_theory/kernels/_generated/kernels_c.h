/* Generated C kernels of ptft-theory. Do NOT edit by hand.

   Source: the sympy expressions of ptft_theory.symbolic, printed by ptft_theory.codegen.
   Regenerate with: make generate  (python -m ptft_theory.codegen --update).
*/
#ifndef PTFT_KERNELS_C_H
#define PTFT_KERNELS_C_H
#include <math.h>

/* Numerical constants shared with the Python path (ptft_theory.constants.C_CONSTANTS). */
#define S_MAX 350.0
#define NEWTON_ACCEPT_RESIDUAL 1e-15

/* b(w) = 2 m sinh 2w + b0 exp(2 sign(b0) w), cancellation-free.  Source: ptft_theory.symbolic.potential.beta_of_s_stable */
static inline double ptft_beta_of_s_stable(double w, double m, double b0) {
    const double x0 = 2*w;
    return b0*exp(x0*(((b0) > 0) - ((b0) < 0))) + 2*m*sinh(x0);
}

/* zeta s + b(s) - x, zero at the prox in the mirror variable s.  Source: ptft_theory.symbolic.replica.prox_residual_in_mirror_variable */
static inline double ptft_prox_residual(double w, double x, double zeta, double m, double b0) {
    const double x0 = 2*w;
    return b0*exp(x0*(((b0) > 0) - ((b0) < 0))) + 2*m*sinh(x0) + w*zeta - x;
}

/* d/ds (zeta s + b(s) - x) = zeta + b'(s) > 0.  Source: ptft_theory.symbolic.replica.prox_residual_derivative */
static inline double ptft_prox_residual_derivative(double w, double zeta, double m, double b0) {
    const double x0 = 2*w;
    return 4*m*cosh(x0) + zeta + 2*exp(x0*(((b0) > 0) - ((b0) < 0)))*fabs(b0);
}

/* eta'(x) = b'(s) / (zeta + b'(s)) at the prox point s.  Source: ptft_theory.symbolic.replica.eta_prime */
static inline double ptft_eta_prime(double w, double zeta, double m, double b0) {
    const double x0 = 2*w;
    const double x1 = 4*m*cosh(x0) + 2*exp(x0*(((b0) > 0) - ((b0) < 0)))*fabs(b0);
    return x1/(x1 + zeta);
}

/* eta''(x) = d eta'/dx at the prox point s (for the Newton Jacobian of the fixed point).  Source: ptft_theory.symbolic.replica.eta_second_derivative */
static inline double ptft_eta_second_derivative(double w, double zeta, double m, double b0) {
    const double x0 = 2*w;
    const double x1 = (((b0) > 0) - ((b0) < 0));
    const double x2 = exp(x0*x1)*fabs(b0);
    const double x3 = 4*m*cosh(x0) + 2*x2;
    const double x4 = x3 + zeta;
    const double x5 = 1.0/x4;
    const double x6 = 8*m*sinh(x0) + 4*x1*x2;
    return x5*(-x3*x6/pow(x4, 2) + x5*x6);
}

/* d eta'/d zeta at fixed x, at the prox point s.  Source: ptft_theory.symbolic.replica.eta_prime_zeta_derivative */
static inline double ptft_eta_prime_zeta_derivative(double w, double zeta, double m, double b0) {
    const double x0 = 2*w;
    const double x1 = (((b0) > 0) - ((b0) < 0));
    const double x2 = exp(x0*x1)*fabs(b0);
    const double x3 = 4*m*cosh(x0) + 2*x2;
    const double x4 = x3 + zeta;
    const double x5 = x3/pow(x4, 2);
    const double x6 = 1.0/x4;
    const double x7 = 8*m*sinh(x0) + 4*x1*x2;
    return -w*x6*(-x5*x7 + x6*x7) - x5;
}

/* d eta/d zeta at fixed x, at the prox point s.  Source: ptft_theory.symbolic.replica.eta_zeta_derivative */
static inline double ptft_eta_zeta_derivative(double w, double zeta, double m, double b0) {
    const double x0 = 2*w;
    const double x1 = 4*m*cosh(x0);
    const double x2 = (((b0) > 0) - ((b0) < 0));
    const double x3 = 2*exp(x0*x2);
    return -w*(b0*x2*x3 + x1)/(x1 + x3*fabs(b0) + zeta);
}

/* residual and derivative of the prox equation at s (one Newton step).  Source: ptft_theory.symbolic.replica.prox_residual_in_mirror_variable, ptft_theory.symbolic.replica.prox_residual_derivative */
static inline void ptft_prox_newton_terms(double w, double x, double zeta, double m, double b0, double *out_prox_residual, double *out_prox_residual_derivative) {
    const double em = expm1(2*fabs(w));
    const double sw = (w > 0) - (w < 0);
    const double e_sgn = w*b0 > 0 ? em + 1 : 1/(em + 1);
    const double x0 = (1.0/2.0)*em;
    *out_prox_residual = b0*e_sgn + 2*m*sw*(em/(2*em + 2) + x0) + w*zeta - x;
    *out_prox_residual_derivative = 2*e_sgn*fabs(b0) + 4*m*(x0 + 1.0/2.0 + (1.0/2.0)/(em + 1)) + zeta;
}

/* eta, eta', the Newton-Jacobian terms eta'', d eta'/d zeta, d eta/d zeta, and the sensitivities ds/dx, ds/dzeta (the next call's warm start) at the prox point s.  Source: ptft_theory.symbolic.potential.beta_of_s_stable, ptft_theory.symbolic.replica.eta_prime, ptft_theory.symbolic.replica.eta_second_derivative, ptft_theory.symbolic.replica.eta_prime_zeta_derivative, ptft_theory.symbolic.replica.eta_zeta_derivative, ptft_theory.symbolic.replica.prox_point_sensitivities()[0], ptft_theory.symbolic.replica.prox_point_sensitivities()[1] */
static inline void ptft_prox_point_terms(double w, double m, double b0, double zeta, double *out_beta_of_s_stable, double *out_eta_prime, double *out_eta_second_derivative, double *out_eta_prime_zeta_derivative, double *out_eta_zeta_derivative, double *out_prox_point_x_derivative, double *out_prox_point_zeta_derivative) {
    const double em = expm1(2*fabs(w));
    const double sw = (w > 0) - (w < 0);
    const double e_sgn = w*b0 > 0 ? em + 1 : 1/(em + 1);
    const double x0 = b0*e_sgn;
    const double x1 = (1.0/2.0)*em;
    const double x2 = m*sw*(em/(2*em + 2) + x1);
    const double x3 = e_sgn*fabs(b0);
    const double x4 = 4*m*(x1 + 1.0/2.0 + (1.0/2.0)/(em + 1));
    const double x5 = 2*x3 + x4;
    const double x6 = x5 + zeta;
    const double x7 = 1.0/x6;
    const double x8 = (((b0) > 0) - ((b0) < 0));
    const double x9 = 8*x2 + 4*x3*x8;
    const double x10 = x5/pow(x6, 2);
    const double x11 = x7*(-x10*x9 + x7*x9);
    const double x12 = w*x7;
    *out_beta_of_s_stable = x0 + 2*x2;
    *out_eta_prime = x5*x7;
    *out_eta_second_derivative = x11;
    *out_eta_prime_zeta_derivative = -w*x11 - x10;
    *out_eta_zeta_derivative = -x12*(2*x0*x8 + x4);
    *out_prox_point_x_derivative = x7;
    *out_prox_point_zeta_derivative = -x12;
}

#endif
