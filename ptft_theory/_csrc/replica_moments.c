/* Replica moments E[eta'], E[(eta - beta*)^2] and their (tau, zeta) derivatives, compiled.

   The same algorithm as ptft_theory.replica._prox / _Moments (numpy), element by element: the prox
   point s solves zeta s + b(s) - x = 0 by Newton safeguarded by a bracket (bisection when Newton
   leaves it or stops shrinking its steps), from a warm start.  Every formula comes from the
   generated kernels_c.h; this file holds only the algorithm.  Loaded by ptft_theory._cmoments.
*/
#include <float.h>
#include <math.h>
#include "kernels_c.h"

#define S_MAX 350.0

/* Prox point of one element; returns 0 on success.  Cold (s0 NaN): a verified bracket first.
   Warm: Newton from s0 inside [-S_MAX, S_MAX], the bracket built from the residual's signs on the
   way (2-3 steps from a nearby warm start); if that fails, the element is redone cold. */
static int prox_point(double x, double zeta, double m, double b0, double s0, double *s_out) {
    const double ax = fabs(x);
    double lo = fmax(-(ax / zeta + 1.0), -S_MAX), hi = fmin(ax / zeta + 1.0, S_MAX);
    int k;
    if (!isnan(s0)) {
        lo = -S_MAX;
        hi = S_MAX;
        goto newton;
    }
    for (k = 0; k < 200; k++) { /* expand the bracket until it holds the root */
        const double glo = ptft_prox_residual(lo, x, zeta, m, b0), ghi = ptft_prox_residual(hi, x, zeta, m, b0);
        const int bad_lo = !(glo < 0) && lo > -S_MAX, bad_hi = !(ghi > 0) && hi < S_MAX;
        if (!bad_lo && !bad_hi) break;
        if (bad_lo) lo = fmax(2 * lo - 1, -S_MAX);
        if (bad_hi) hi = fmin(2 * hi + 1, S_MAX);
    }
    if (k == 200) return 1;
newton:;
    double s = isnan(s0) ? 0.0 : fmin(fmax(s0, lo), hi);
    double prev_step = INFINITY;
    for (k = 0; k < (isnan(s0) ? 200 : 30); k++) {
        const double g = ptft_prox_residual(s, x, zeta, m, b0);
        const double scale = fabs(x) + zeta * fabs(s) + fabs(x - zeta * s);
        if (fabs(g) <= 16 * DBL_EPSILON * scale || hi - lo <= 8 * DBL_EPSILON * (1 + fabs(s))) {
            *s_out = s;
            return 0;
        }
        if (g < 0) lo = s;
        if (g > 0) hi = s;
        double s_new = s - g / ptft_prox_residual_derivative(s, zeta, m, b0);
        const double width = hi - lo, step = fabs(s_new - s);
        const int crawl = step > 0.5 * prev_step && step < 0.125 * width && width > 1e-3 * (1 + fabs(s));
        if (!(s_new > lo && s_new < hi) || !isfinite(s_new) || crawl) {
            s_new = 0.5 * (lo + hi);
            prev_step = INFINITY;
        } else {
            prev_step = step;
        }
        s = s_new;
    }
    return isnan(s0) ? 2 : prox_point(x, zeta, m, b0, NAN, s_out);
}

static double finite_or_zero(double v) { return isfinite(v) ? v : 0.0; }

/* Moments over classes c and nodes j (x = bstar[c] + tau z[j], weight wcls[c] q[j]).
   s: (n_cls * n_nodes) warm start in, prox points out (NaN = cold).
   out: d1, mse and, when jac, d d1/d tau, d d1/d zeta, d mse/d tau, d mse/d zeta.
   Returns 0, or 1 + the index of the first element whose prox did not converge. */
int ptft_replica_moments(int n_cls, int n_nodes, const double *bstar, const double *m, const double *b0,
                         const double *wcls, const double *z, const double *q, double tau, double zeta, int jac,
                         double *s, double *out) {
    double d1 = 0, mse = 0, dd1_dt = 0, dd1_dz = 0, dmse_dt = 0, dmse_dz = 0;
    for (int c = 0; c < n_cls; c++) {
        for (int j = 0; j < n_nodes; j++) {
            const int i = c * n_nodes + j;
            const double x = bstar[c] + tau * z[j], wq = wcls[c] * q[j];
            if (prox_point(x, zeta, m[c], b0[c], s[i], &s[i]) != 0) return 1 + i;
            const double eta = ptft_beta_of_s_stable(s[i], m[c], b0[c]);
            const double e1 = ptft_eta_prime(s[i], zeta, m[c], b0[c]);
            const double r = eta - bstar[c];
            d1 += wq * e1;
            mse += wq * r * r;
            if (jac) {
                /* where b'(s) overflows eta' = 1 exactly and these derivatives vanish */
                dd1_dt += wq * finite_or_zero(ptft_eta_second_derivative(s[i], zeta, m[c], b0[c])) * z[j];
                dd1_dz += wq * finite_or_zero(ptft_eta_prime_zeta_derivative(s[i], zeta, m[c], b0[c]));
                dmse_dt += wq * 2 * r * e1 * z[j];
                dmse_dz += wq * 2 * r * finite_or_zero(ptft_eta_zeta_derivative(s[i], zeta, m[c], b0[c]));
            }
        }
    }
    out[0] = d1; out[1] = mse; out[2] = dd1_dt; out[3] = dd1_dz; out[4] = dmse_dt; out[5] = dmse_dz;
    return 0;
}
