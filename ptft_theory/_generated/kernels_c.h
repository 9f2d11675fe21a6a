/* Generated C kernels of ptft-theory. Do NOT edit by hand.

   Source: the sympy expressions of ptft_theory.symbolic, printed by ptft_theory.codegen.
   Regenerate with: make generate  (python -m ptft_theory.codegen --update).
*/
#ifndef PTFT_KERNELS_C_H
#define PTFT_KERNELS_C_H
#include <math.h>

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

#endif
