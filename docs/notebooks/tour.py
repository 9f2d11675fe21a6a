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
# # A tour: theory and training, the four regimes, the advisor
#
# A two-layer diagonal linear network is pretrained (PT) from the scales `c_pt` (absolute) and
# `lambda_pt` (relative), its readouts are re-initialised to `gamma_ft`, and it is fine-tuned (FT)
# on a second task. The theory says where gradient flow ends: the minimiser of a Bregman divergence
# whose per-coordinate scale `k` and start `b0` are set by what PT learned.
#
# ## Theory and a training run, in ten lines
#
# Train the network itself (gradient flow integrated as an ODE, float64, torch), then solve the convex
# problem the theory predicts from the same PT end point: the two FT end points agree to the ODE's
# tolerance (`rtol=1e-6` here, for speed; the default 1e-11 gives ~1e-11, see the README's example).

# %%
import numpy as np
from ptft_theory import Task, make_teachers, sample_data, ft_scales, implicit_bias_solution, simulate_gradient_flow

T = make_teachers(Task(rho_pt=0.3, rho_shared=0.15, rho_new=0.15), 12, seed=0)
Xp, yp = sample_data(8, T.beta_pt, seed=1); Xf, yf = sample_data(6, T.beta_ft, seed=2)
c, lam, gamma = 1.0, 0.0, 0.5
gf = simulate_gradient_flow(Xp, yp, Xf, yf, c, lam, gamma, rtol=1e-6)  # trains the network (ODE to rtol 1e-6)
k, b0 = ft_scales(gf.beta_pt, c, lam, gamma)                          # derived FT scale and start
theory = implicit_bias_solution(Xf, yf, k, b0)                        # convex dual Newton
deviation = np.linalg.norm(gf.beta_ft - theory) / np.linalg.norm(theory)
print(f"relative deviation of the trained network from the theory: {deviation:.1e}")
assert deviation < 1e-6  # the validation ladder's rung-2 bound

# %% [markdown]
# ## The four regimes
#
# Two descriptors classify an initialisation for a task: the **l-order** (near 1: rich, l1-like;
# near 2: lazy, l2-like) and the **PT dependence** (how much more easily FT moves the coordinates PT
# used than new ones). On the default (merged) network, lowering `lambda_pt` at small `c_pt` walks FT
# from II (lazy, PT-dependent) through IV to I (rich, less PT-dependent); a large `c_pt` is lazy and
# PT-independent (III).

# %%
from ptft_theory import Init, regime

task = Task(rho_pt=0.1, rho_shared=0.05, rho_new=0.05)
for init in [Init(1e-3, 1e-3), Init(1e-3, -9e-4), Init(1e-3, -1e-3, 0.1), Init(10.0)]:
    r = regime(task, init)
    print(f"c_pt={init.c_pt:<6g} lambda_pt={init.lambda_pt:<7g} gamma_ft={init.gamma_ft:<4g} -> regime "
          f"{r.regime.value:<3} l-order {r.l_order:.3f}, PT dependence {r.pt_dependence:.3f}")

# %% [markdown]
# ## What each regime costs: the replica error vs the number of FT samples
#
# `generalization_error` solves the replica equations for the relative FT error `E` at
# `alpha = N_FT / D` (the limit of large `D`).

# %%
import matplotlib.pyplot as plt
from ptft_theory import generalization_error

alpha = np.linspace(0.1, 0.9, 17)
fig, ax = plt.subplots(figsize=(6, 3.6))
for init in [Init(1e-3, 1e-3), Init(1e-3, -9e-4), Init(1e-3, -1e-3, 0.1), Init(10.0)]:
    res = generalization_error(task, init, alpha)
    label = f"{regime(task, init).regime.value}: c={init.c_pt:g}, lambda={init.lambda_pt:g}, gamma={init.gamma_ft:g}"
    ax.semilogy(alpha, res.E, label=label)
ax.set_xlabel(r"$\alpha_{FT} = N_{FT}/D$")
ax.set_ylabel("relative FT error $E$")
ax.legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# ## Which initialisation? The advisor
#
# `best_init` minimises the replica error over the three levers (a grid, then a bounded polish) and
# reports the optimum, its regime, the best init of each regime and what the reference init
# `c = 1, lambda = 0, gamma = 1` loses.

# %%
from ptft_theory import best_init

adv = best_init(Task(rho_pt=0.1, rho_shared=0.02, rho_new=0.02), alpha=0.2, fix={"gamma_ft": 0.1})
print(f"best: c_pt={adv.init.c_pt:.3g}, lambda_pt={adv.init.lambda_pt:.3g}: E = {adv.E:.3f}, regime "
      f"{adv.regime.regime.value}; the reference init loses {adv.gain_dB:.1f} dB")
for label, best in adv.best_by_regime.items():
    print(f"  best in regime {label:>3}: E = {best.E:.3f}")
assert adv.converged
