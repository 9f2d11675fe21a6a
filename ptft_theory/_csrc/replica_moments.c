/* Replica moments E[eta'], E[(eta - beta*)^2], their (tau, zeta) derivatives, and the damped Newton
   on the fixed point, compiled.

   The same algorithms as ptft_theory.replica.prox / hermite.HermiteMoments / fixed_point.newton_point
   (numpy and Python),
   element by element: the prox point s solves zeta s + b(s) - x = 0 by Newton safeguarded by a
   bracket (bisection when Newton leaves it or stops shrinking its steps), from a warm start; the
   fixed point F(log tau, log zeta) = 0 by damped Newton with backtracking.  Every formula comes from
   the generated kernels_c.h; this file holds only the algorithms.  Loaded by ptft_theory.replica.compiled.
*/
#include <float.h>
#include <math.h>
#include "kernels_c.h"

/* S_MAX and NEWTON_ACCEPT_RESIDUAL come from kernels_c.h, generated from ptft_theory.constants
   (one source with the Python path). */

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
        double g, dg;
        ptft_prox_newton_terms(s, x, zeta, m, b0, &g, &dg);
        const double scale = fabs(x) + zeta * fabs(s) + fabs(x - zeta * s);
        if (fabs(g) <= 16 * DBL_EPSILON * scale || hi - lo <= 8 * DBL_EPSILON * (1 + fabs(s))) {
            *s_out = s;
            return 0;
        }
        if (g < 0) lo = s;
        if (g > 0) hi = s;
        double s_new = s - g / dg;
        const double width = hi - lo, step = fabs(s_new - s);
        const int crawl = step > 0.5 * prev_step && step < 0.125 * width && width > 1e-3 * (1 + fabs(s));
        if (!(s_new > lo && s_new < hi) || !isfinite(s_new) || crawl) {
            s_new = 0.5 * (lo + hi);
            prev_step = INFINITY;
        } else if (step <= 1e-8) {
            /* |root - s_new| <= max|g''| / (2 min g') step^2 <= step^2 <= 1e-16, since |b''| <= 2 b' and
               g' = zeta + b' (b is a sum of exponentials in 2s): converged without another evaluation */
            *s_out = s_new;
            return 0;
        } else {
            prev_step = step;
        }
        s = s_new;
    }
    return isnan(s0) ? 2 : prox_point(x, zeta, m, b0, NAN, s_out);
}

static double finite_or_zero(double v) { return isfinite(v) ? v : 0.0; }

/* Moments over classes c and nodes j (x = bstar[c] + tau z[j], weight wcls[c] q[j]).
   state = [s | s_x | s_zeta | prev], in and out: s (n_cls * n_nodes) the prox points (warm start in;
   NaN = cold), s_x = ds/dx and s_zeta = ds/dzeta per element, and prev = (tau, zeta) of the call that
   left them: a warm start is moved to first order, s + s_x z dtau + s_zeta dzeta (x = beta* + tau z),
   unless prev holds a NaN.
   out: d1, mse and, when jac, d d1/d tau, d d1/d zeta, d mse/d tau, d mse/d zeta.
   Returns 0, or 1 + the index of the first element whose prox did not converge. */
int ptft_replica_moments(int n_cls, int n_nodes, const double *bstar, const double *m, const double *b0,
                         const double *wcls, const double *z, const double *q, double tau, double zeta, int jac,
                         double *state, double *out) {
    const int n_el = n_cls * n_nodes;
    double *s = state, *s_x = state + n_el, *s_zeta = state + 2 * n_el, *prev = state + 3 * n_el;
    double d1 = 0, mse = 0, dd1_dt = 0, dd1_dz = 0, dmse_dt = 0, dmse_dz = 0;
    const int predict = !isnan(prev[0]) && !isnan(prev[1]);
    const double dtau = tau - prev[0], dzeta = zeta - prev[1];
    /* Prox points first, from the middle node outwards (z ascending): a cold element starts from its
       inner neighbour's point (s is monotone in x = beta* + tau z), which is near; only a class's
       middle node, if cold, is bracketed from scratch. */
    const int mid = n_nodes / 2;
    for (int c = 0; c < n_cls; c++) {
        for (int step = 0; step < n_nodes; step++) {
            const int j = step <= n_nodes - 1 - mid ? mid + step : n_nodes - 1 - step;
            const int i = c * n_nodes + j, inner = j > mid ? i - 1 : (j < mid ? i + 1 : -1);
            double s0 = s[i];
            if (isnan(s0) && inner >= 0) {
                s0 = s[inner];
            } else if (predict) {
                const double moved = s0 + s_x[i] * z[j] * dtau + s_zeta[i] * dzeta;
                s0 = isfinite(moved) ? moved : s0;
            }
            if (prox_point(bstar[c] + tau * z[j], zeta, m[c], b0[c], s0, &s[i]) != 0) return 1 + i;
        }
    }
    for (int c = 0; c < n_cls; c++) {
        for (int j = 0; j < n_nodes; j++) {
            const int i = c * n_nodes + j;
            const double wq = wcls[c] * q[j];
            double eta, e1, e2, e1z, ez;
            ptft_prox_point_terms(s[i], m[c], b0[c], zeta, &eta, &e1, &e2, &e1z, &ez, &s_x[i], &s_zeta[i]);
            const double r = eta - bstar[c];
            d1 += wq * e1;
            mse += wq * r * r;
            if (jac) {
                /* where b'(s) overflows eta' = 1 exactly and these derivatives vanish */
                dd1_dt += wq * finite_or_zero(e2) * z[j];
                dd1_dz += wq * finite_or_zero(e1z);
                dmse_dt += wq * 2 * r * e1 * z[j];
                dmse_dz += wq * 2 * r * finite_or_zero(ez);
            }
        }
    }
    prev[0] = tau;
    prev[1] = zeta;
    out[0] = d1; out[1] = mse; out[2] = dd1_dt; out[3] = dd1_dz; out[4] = dmse_dt; out[5] = dmse_dz;
    return 0;
}

/* F(log tau, log zeta) = (1 - (sigma^2 + MSE/alpha)/tau^2, E[eta']/alpha - 1) at u, its Jacobian
   J = (J11, J12, J21, J22), the MSE and its gradient g (replica._fixed_point_residual).  Returns the moments' code. */
static int residual(int n_cls, int n_nodes, const double *bstar, const double *m, const double *b0,
                    const double *wcls, const double *z, const double *q, double alpha, double sigma,
                    const double u[2], double *state, double F[2], double J[4], double g[2], double *mse) {
    const double tau = exp(u[0]), zeta = exp(u[1]);
    double mo[6];
    const int err = ptft_replica_moments(n_cls, n_nodes, bstar, m, b0, wcls, z, q, tau, zeta, 1, state, mo);
    if (err) return err;
    const double A = sigma * sigma + mo[1] / alpha;
    F[0] = 1 - A / (tau * tau);
    F[1] = mo[0] / alpha - 1;
    J[0] = 2 * A / (tau * tau) - mo[4] / (alpha * tau);
    J[1] = -mo[5] * zeta / (alpha * tau * tau);
    J[2] = mo[2] * tau / alpha;
    J[3] = mo[3] * zeta / alpha;
    g[0] = mo[4] * tau; /* d MSE / d log tau, d log zeta */
    g[1] = mo[5] * zeta;
    *mse = mo[1];
    return 0;
}

static double size2(const double v[2]) { return fmax(fabs(v[0]), fabs(v[1])); }

/* Damped Newton on F from (tau0, zeta0) (fixed_point.newton_point_py): full steps capped at e^2, halved
   until |F|^2 decreases.  out: tau, zeta, mse.  Returns 0 (converged, |F| < 1e-10), -1 (Newton
   failed: singular Jacobian, no decrease, not converged), or the moments' error code (> 0). */
int ptft_replica_newton(int n_cls, int n_nodes, const double *bstar, const double *m, const double *b0,
                        const double *wcls, const double *z, const double *q, double alpha, double sigma,
                        double tau0, double zeta0, int max_iter, double *state, double *out) {
    double u[2] = {log(tau0), log(zeta0)}, F[2], J[4], g[2], mse, F1[2], J1[4], g1[2], mse1, un[2];
    int err = residual(n_cls, n_nodes, bstar, m, b0, wcls, z, q, alpha, sigma, u, state, F, J, g, &mse);
    if (err) return err;
    double quad_const = -1; /* K in |F after a full step| = K |step|^2; < 0: none yet */
    for (int it = 0; it < max_iter; it++) {
        if (size2(F) < 1e-13) break;
        const double det = J[0] * J[3] - J[1] * J[2];
        if (det == 0) return -1;
        double du[2] = {(-F[0] * J[3] + F[1] * J[1]) / det, (-F[1] * J[0] + F[0] * J[2]) / det};
        if (!isfinite(du[0]) || !isfinite(du[1])) return -1;
        const double step = size2(du);
        if (quad_const >= 0 && step <= 1e-6 && quad_const * step * step <= NEWTON_ACCEPT_RESIDUAL) {
            /* quadratic convergence: the step leaves |F| ~ K |du|^2; take it unevaluated, the MSE to
               first order in du (second-order error ~ the same) */
            u[0] += du[0];
            u[1] += du[1];
            mse += g[0] * du[0] + g[1] * du[1];
            F[0] = F[1] = quad_const * step * step;
            break;
        }
        const double shrink = fmin(1.0, 2.0 / size2(du));
        du[0] *= shrink;
        du[1] *= shrink;
        const double f0 = F[0] * F[0] + F[1] * F[1];
        double t = 1.0;
        int k, floor_hit = 0;
        for (k = 0; k < 40; k++) {
            un[0] = u[0] + t * du[0];
            un[1] = u[1] + t * du[1];
            err = residual(n_cls, n_nodes, bstar, m, b0, wcls, z, q, alpha, sigma, un, state, F1, J1, g1, &mse1);
            if (err) return err;
            if (isfinite(F1[0]) && isfinite(F1[1]) && F1[0] * F1[0] + F1[1] * F1[1] <= (1 - 1e-4 * t) * f0) break;
            t *= 0.5;
            if (t < 1e-3 && size2(F) < 1e-10) { /* at the rounding floor of the moments: done */
                floor_hit = 1;
                break;
            }
        }
        if (k == 40) return -1;
        if (floor_hit) break;
        u[0] = un[0];
        u[1] = un[1];
        F[0] = F1[0];
        F[1] = F1[1];
        for (int i = 0; i < 4; i++) J[i] = J1[i];
        g[0] = g1[0];
        g[1] = g1[1];
        mse = mse1;
        quad_const = t == 1.0 && size2(du) > 0 ? size2(F) / (size2(du) * size2(du)) : -1;
        if (t * size2(du) < 1e-15) break;
    }
    if (!(size2(F) < 1e-10)) return -1; /* E then good to ~1e-10 relative */
    out[0] = exp(u[0]);
    out[1] = exp(u[1]);
    out[2] = mse;
    return 0;
}

/* Seed a cold state (n_cls x n_nodes at nodes z) from another rule's (n_cls x n_o at nodes zo, both
   ascending) at the other's (tau, zeta): s by cubic Hermite interpolation in z with the slopes
   ds/dz = tau ds/dx, extended linearly (with the end slope) beyond the other rule's nodes; ds/dx and
   ds/dzeta linearly, constant beyond.  Used by replica._Moments.seed_from. */
void ptft_seed_state(int n_cls, int n_o, const double *zo, const double *state_o, int n_nodes, const double *z,
                     double *state) {
    const int n_el_o = n_cls * n_o, n_el = n_cls * n_nodes;
    if (n_o < 2) return; /* nothing to interpolate between: the state stays cold */
    const double tau = state_o[3 * n_el_o];
    int i = 0;
    for (int j = 0; j < n_nodes; j++) {
        while (i < n_o - 2 && zo[i + 1] <= z[j]) i++;
        const double h = zo[i + 1] - zo[i], t_raw = (z[j] - zo[i]) / h;
        const double t = fmin(fmax(t_raw, 0.0), 1.0), t2 = t * t, t3 = t2 * t;
        const int end = z[j] < zo[0] ? 0 : (z[j] > zo[n_o - 1] ? n_o - 1 : -1);
        for (int c = 0; c < n_cls; c++) {
            const double *s_o = state_o + c * n_o, *sx_o = state_o + n_el_o + c * n_o,
                         *sz_o = state_o + 2 * n_el_o + c * n_o;
            double *dst = state + c * n_nodes + j;
            if (end >= 0) {
                dst[0] = s_o[end] + tau * sx_o[end] * (z[j] - zo[end]);
            } else {
                dst[0] = (2 * t3 - 3 * t2 + 1) * s_o[i] + (t3 - 2 * t2 + t) * h * tau * sx_o[i] +
                         (-2 * t3 + 3 * t2) * s_o[i + 1] + (t3 - t2) * h * tau * sx_o[i + 1];
            }
            dst[n_el] = (1 - t) * sx_o[i] + t * sx_o[i + 1];
            dst[2 * n_el] = (1 - t) * sz_o[i] + t * sz_o[i + 1];
        }
    }
    state[3 * n_el] = tau;
    state[3 * n_el + 1] = state_o[3 * n_el_o + 1];
}
