"""Generated kernels: staleness, cross-backend agreement, and an independent 50-digit oracle."""

import functools

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import example, given, settings, strategies as st, target

from ptft_theory import codegen, kernels


def test_generated_files_are_fresh():
    stale = codegen.stale_files()
    msg = "\n".join(stale.values()) + f"\nstale: {[str(p) for p in stale]}; run {codegen.REGENERATE}"
    assert not stale, msg


def test_generated_files_live_in_the_kernels_package():
    """codegen writes where the runtime imports from: ``ptft_theory/kernels/_generated/``."""
    from pathlib import Path
    assert codegen.GENERATED_DIR == Path(kernels.__file__).resolve().parent / "_generated"
    assert kernels.backend("numpy").__name__ == "ptft_theory.kernels._generated.kernels_numpy"


def test_generated_headers_name_source():
    for backend in kernels.BACKENDS:
        text = (codegen.GENERATED_DIR / f"kernels_{backend}.py").read_text()
        assert "Do NOT edit by hand" in text and "Regenerate with" in text
        assert text.count("Source: ptft_theory.symbolic.") == len(codegen.kernels_of(backend))


# Domain strategies: the levers of docs/design.md section 1.
c_pts = st.floats(1e-3, 10.0)
unit = st.floats(-1.0, 1.0)
gammas = st.floats(0.0, 1.0)
betas = st.floats(-10.0, 10.0)
ks = st.floats(1e-3, 1e3)


def _args(spec, c, lam_frac, g, bp, k, b, b0, w, z):
    values = {"beta_pt": bp, "c_pt": c, "lambda_pt": lam_frac * c, "gamma_ft": g, "k": k, "b": b, "b0": b0,
              "w": w, "s": w, "z": z, "z_pt": z, "z_new": 2 * z + 0.1, "m": k / 3, "x": b, "zeta": k,
              "sigma": z, "alpha": 1 + k,
              "t": z, "rho": 1 / (2 + abs(b))}
    return [values[str(a)] for a, _ in spec.args]


@functools.lru_cache(maxsize=None)
def _oracle(spec):
    """sympy's own lambdify of the *source expression* (no CSE, no printer of ours), for mpmath."""
    return sp.lambdify([a for a, _ in spec.args], codegen.expression(spec), "mpmath")


@settings(max_examples=60)
@given(c=c_pts, lam_frac=unit, g=gammas, bp=betas, k=ks, b=betas, b0=betas, w=st.floats(-3, 3), z=st.floats(1e-3, 1e3))
@example(c=1.0, lam_frac=-1.0, g=0.0, bp=0.0, k=1.0, b=0.0, b0=0.0, w=0.0, z=1.0)  # frozen: k = 0, 0/0 elasticity
def test_backends_agree_with_sympy_oracle(c, lam_frac, g, bp, k, b, b0, w, z):
    """numpy and torch (float64) and mpmath kernels vs sympy evalf at 50 digits of the source expression.

    Tolerance: 1e-10 relative (plus 1e-13 absolute) for float64 kernels.  The kernels are evaluated
    in a numerically stable form, but asinh/sinh of arguments up to 1e4 and the products in the k maps
    lose a few hundred ulps; 1e-10 leaves a margin of ~1e3 over what we observe.  mpmath at 30
    digits must agree to 1e-25.  The oracle gets the exact binary value of each float input
    (``mpmath.mpf(x)``), so input rounding is not mistaken for kernel error.
    """
    worst = 0.0
    for spec in codegen.KERNELS:
        if "mpmath" not in spec.backends:  # arb-only (certified path): tests/replica/test_certify.py checks them
            continue
        args = _args(spec, c, lam_frac, g, bp, k, b, b0, w, z)
        with mpmath.workdps(50):
            try:
                exact_mp = _oracle(spec)(*[mpmath.mpf(a) for a in args])  # exact binary inputs
            except ZeroDivisionError:  # 0/0 in the source expression: undefined there (e.g. the
                continue  # elasticity d log k / d log beta_PT of a frozen coordinate, k = 0)
            if not mpmath.isfinite(exact_mp):
                continue
        exact = float(exact_mp)
        floats = []
        if "numpy" in spec.backends:
            floats.append(float(getattr(kernels.np, spec.name)(*[np.float64(a) for a in args])))
        if "torch" in spec.backends:
            floats.append(float(getattr(kernels.backend("torch"), spec.name)(*[torch.tensor(a, dtype=torch.float64)
                                                                                for a in args])))
        with mpmath.workdps(30):
            mv = getattr(kernels.mp, spec.name)(*[mpmath.mpf(a) for a in args])
        scale = abs(exact) + 1e-3  # 1e-13 absolute floor at the 1e-10 relative tolerance
        for v in floats:
            err = abs(v - exact) / scale
            worst = max(worst, err)
            assert err < 1e-10, (spec.name, args, v, exact)
        assert abs(mv - exact_mp) < 1e-25 * (abs(exact_mp) + 1), (spec.name, args, mv, exact_mp)
    target(worst)


def test_cse_makes_no_difference():
    # The printed (CSE) kernels vs lambdify of the raw expression without CSE.
    rng = np.random.default_rng(0)
    for spec in codegen.kernels_of("numpy"):
        syms = [a for a, _ in spec.args]
        f = sp.lambdify(syms, codegen.expression(spec), "numpy", cse=False)
        vals = [np.abs(rng.normal(size=5)) + 0.1 if str(s) in ("k", "c_pt", "z", "z_pt", "z_new", "m", "zeta") else rng.normal(size=5)
                for s in syms]
        if "lambda_pt" in [str(s) for s in syms]:
            i, j = [str(s) for s in syms].index("lambda_pt"), [str(s) for s in syms].index("c_pt")
            vals[i] = np.clip(vals[i], -vals[j], vals[j])
        if "gamma_ft" in [str(s) for s in syms]:
            i = [str(s) for s in syms].index("gamma_ft")
            vals[i] = np.abs(vals[i])
        np.testing.assert_allclose(getattr(kernels.np, spec.name)(*vals), f(*vals), rtol=1e-12, atol=1e-14)


def test_unknown_backend_is_named():
    with pytest.raises(ValueError, match="backend='jax'.*numpy, torch, mpmath"):
        kernels.backend("jax")
