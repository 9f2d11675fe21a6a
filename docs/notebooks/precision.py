# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # High precision and certified answers
#
# The replica error and the phase boundaries are evaluated from the same generated kernels in three
# ways: float64 (fast), mpmath at `dps` digits with an error estimate, and ball arithmetic (FLINT's arb)
# that *proves* an interval. The replica-symmetric equations themselves are the model; what is proved
# is their solution.

# %%
import mpmath
from ptft_theory import Init, Task, generalization_error, level_crossing_alpha

task = Task(rho_pt=0.1, rho_shared=0.05, rho_new=0.05)
init = Init(0.01)

fast = generalization_error(task, init, 0.3)
precise = generalization_error(task, init, 0.3, dps=30)
print("float64:", float(fast.E[0]))
print("30 digits:", mpmath.nstr(precise.E[0], 30), " estimated error", mpmath.nstr(precise.error[0], 2))
# float64 agrees with the 30-digit value to about its own precision
print("float64 relative error:", abs(float(fast.E[0]) - float(precise.E[0])) / float(precise.E[0]))

# %% [markdown]
# ## A closed-form check: the lazy limit
#
# As `c_pt -> infinity` fine-tuning is lazy: the minimum-l2 interpolator, whose error is `1 - alpha`
# (for unit-norm teachers). At `c_pt = 1e14` the 30-digit replica value sits on it to ~1e-28.

# %%
lazy = generalization_error(task, Init(1e14), 0.5, dps=30)
print(mpmath.nstr(lazy.E[0], 30), "vs 1 - alpha = 0.5")

# %% [markdown]
# ## A phase boundary, to 30 digits and certified
#
# `level_crossing_alpha` finds the `alpha` where `E` crosses a level. With `certify=True` the answer is
# an interval proved to hold exactly one crossing (certified signs at both ends, a certified non-zero
# slope inside).

# %%
b = level_crossing_alpha(task, init, 0.25, bracket=(0.2, 0.5), dps=30)
print("30 digits:", b.alpha_str, "+-", mpmath.nstr(b.error, 2))
proved = level_crossing_alpha(task, init, 0.25, bracket=(0.2, 0.5), certify=True)
print("certified:", proved)
d = proved.as_dict()
print("relative width", d["relative_width"])

# %% [markdown]
# The 30-digit estimate (printed rounded to 30 digits) agrees with the proved interval to about 30 digits:

# %%
import mpmath

mpmath.mp.dps = 50
lo, hi = mpmath.mpf(d["lo"]), mpmath.mpf(d["hi"])
agreement = -mpmath.log10(abs(mpmath.mpf(b.alpha_str) - (lo + hi) / 2) / lo)
print(f"the mpmath estimate agrees with the certified interval to {float(agreement):.1f} digits")
assert agreement > 29
