"""Figs. 3 and 5 of arXiv 2602.20062 (and Fig. 5's readout companion): FT error against alpha_FT,
replica lines and simulation points.

Each builder (:func:`figure3`, :func:`figure5`) evaluates its points through the sweep (cached), writes
the CSVs and saves the figure; the drawing itself is :func:`draw_fig3` / :func:`draw_fig5`, which take
the computed curves and an optional ``fig=`` and return the Figure (nothing saved).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ..config import Init, Task
from ..errors import ParameterError
from ..fileio import write_csv_atomic
from .points import REGIME_COLORS, alpha_grid, code_hash, load_config, replica_available
from .style import REFERENCE_COLOR, mark_quick, new_figure, save_figure, tex
from .sweep import derive_seed


def _write_csv(path: Path, header, rows):
    write_csv_atomic(path, header, rows)


def sim_configs(D, task: dict, init: dict, scheme: str, alphas, seeds: int, base_seed: int) -> list[dict]:
    """One ``sim_error`` config per (alpha, seed).  Teachers depend on (D, task, rep) only and data on
    (D, task, N, rep), so every init sees the same draws (common random numbers)."""
    out = []
    for a in alphas:
        N = max(1, int(round(a * D)))
        for rep in range(seeds):
            draw = {"base_seed": base_seed, "D": D, "task": task, "rep": rep}
            out.append({"kind": "sim_error", "code": code_hash("sim_error"), "D": D, "N": N, "alpha": a, "task": task, "init": init,
                        "scheme": scheme, "rep": rep, "seed_teacher": derive_seed(draw),
                        "seed_data": derive_seed({**draw, "N": N})})
    return out


def _mean_se(values):
    v = np.asarray(values, dtype=float)
    se = float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 else float("nan")
    return float(v.mean()), se



def _curve_grid(cfg, opts, curves, stem, desc):
    """Replica and simulation sweeps for ``curves`` = list of dicts (panel, label, init, task, scheme)."""
    sim, rep = cfg["sim"], cfg["replica"]
    alphas_r = alpha_grid(rep)
    have_replica = replica_available()
    sim_pts, owners = [], []
    for ci, c in enumerate(curves):
        pts = sim_configs(int(sim["D"]), c["task"], c["init"], c["scheme"], sim["alphas"], int(sim["seeds"]),
                           int(sim["base_seed"]))
        sim_pts += pts
        owners += [ci] * len(pts)
    panels = rep.get("panels")  # optional: replica lines only in these panels (quick runs)
    with_rep = [have_replica and (panels is None or c["panel"] in panels) for c in curves]
    rep_pts = [{"kind": "replica_curve", "code": code_hash("replica_curve"), "alphas": alphas_r, "task": c["task"],
                "init": c["init"], "scheme": c["scheme"]} for c, w in zip(curves, with_rep) if w]
    done = iter(opts.sweep(rep_pts, f"{desc} replica") if rep_pts else [])
    rep_res = [next(done) if w else None for w in with_rep]
    sim_res = opts.sweep(sim_pts, f"{desc} simulations (D={sim['D']})")

    ident = ["panel", "label", "scheme", "c_pt", "lambda_pt", "gamma_ft", "rho_pt", "rho_shared", "rho_new"]

    def idrow(c):
        return [c["panel"], c["label"], c["scheme"], c["init"]["c_pt"], c["init"]["lambda_pt"], c["init"]["gamma_ft"],
                c["task"]["rho_pt"], c["task"]["rho_shared"], c["task"]["rho_new"]]

    rep_rows = []
    for c, r in zip(curves, rep_res):
        c["replica_alpha"], c["replica_E"] = alphas_r, (r["E"] if r else None)
        if r and r["E"] is None:
            print(f"{desc}: replica failed for {c['label']!r} ({c['scheme']}, init {c['init']}, task {c['task']}): "
                  f"{r['error']}; line omitted", file=sys.stderr)
        elif r:
            rep_rows += [idrow(c) + [a, e] for a, e in zip(alphas_r, r["E"])]
    if have_replica:
        _write_csv(Path(opts.out) / "results" / f"{stem}_replica.csv", ident + ["alpha", "E_replica"], rep_rows)
    sim_rows = []
    for ci, c in enumerate(curves):
        by_alpha = {}
        for p, r, o in zip(sim_pts, sim_res, owners):
            if o == ci:
                by_alpha.setdefault(p["alpha"], []).append(r["E"])
        c["sim"] = []
        for a in sim["alphas"]:
            m, se = _mean_se(by_alpha[a])
            c["sim"].append((a, m, se))
            sim_rows.append(idrow(c) + [int(sim["D"]), a, len(by_alpha[a]), m, se])
    _write_csv(Path(opts.out) / "results" / f"{stem}_simulation.csv",
               ident + ["D", "alpha", "n_seeds", "E_mean", "E_se"], sim_rows)
    return curves, have_replica


def _plot_curves(ax, curves, colors=None):
    """Replica line and +-2 SE simulation points per curve; a curve's ``color`` (index) and ``style``
    (0 solid/circles, 1 dashed/open squares, 2 dotted/open triangles, then cycling) override the defaults."""
    for i, c in enumerate(curves):
        col = (colors or {}).get(c.get("regime")) or f"C{c.get('color', i)}"
        style = int(c.get("style", 0)) % 3
        if c.get("replica_E") is not None:
            ax.plot(c["replica_alpha"], c["replica_E"], color=col, lw=1.8, ls=["-", "--", ":"][style],
                    label=tex(c["label"]))
        a, m, se = (np.array(x) for x in zip(*c["sim"]))
        ax.errorbar(a, m, yerr=2 * se, fmt=["o", "s", "^"][style], ms=4.5, color=col, capsize=2,
                    mfc=[col, "none", "none"][style],
                    label=None if c.get("replica_E") is not None else tex(c["label"]))
    ax.set_xlabel(r"$\alpha_{\mathrm{FT}} = N_{\mathrm{FT}} / D$")
    ax.set_ylabel(r"relative error $\|\hat\beta-\beta^*\|^2 / \|\beta^*\|^2$")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)


def figure3(opts, config_dir=None) -> list[Path]:
    """Error vs alpha_FT, replica lines and simulation points, six panels (``opts``: :class:`.figures.RunOptions`)."""
    cfg = load_config("fig3", opts.quick, config_dir)
    curves = []
    for pi, panel in enumerate(cfg["panels"]):
        variants = panel.get("tasks") or [{"label": None, "task": {}}]  # one curve per (task variant, curve)
        for vi, var in enumerate(variants):
            for ci, cur in enumerate(panel["curves"]):
                init = {**cfg["baseline"]["init"], **cur.get("init", {})}
                task = {**cfg["baseline"]["task"], **var["task"], **cur.get("task", {})}
                Init(**init), Task(**task)  # validate the recorded config early
                label = cur["label"] if var["label"] is None else f"{cur['label']}, {var['label']}"
                curves.append({"panel": pi, "label": label, "init": init, "task": task, "color": ci,
                               "style": vi, "scheme": cur.get("scheme", cfg["scheme"])})
    curves, have_replica = _curve_grid(cfg, opts, curves, "fig3", "fig3")
    gd = _gd_points(cfg, opts, curves) if cfg.get("gd") else []
    fig = draw_fig3(cfg, curves, gd, have_replica, quick=opts.quick)
    paths = save_figure(fig, Path(opts.out) / "figures", "fig3_error_curves")
    res = Path(opts.out) / "results"
    return paths + [res / "fig3_simulation.csv"] + ([res / "fig3_replica.csv"] if have_replica else []) + \
        ([res / "fig3_gd_protocol.csv"] if gd else [])


def draw_fig3(cfg, curves, gd=(), have_replica=True, *, quick=False, fig=None):
    """Fig. 3 from computed ``curves`` (and GD points ``gd``) on ``fig`` (new if None); returns it."""
    n = len(cfg["panels"])
    ncol = 3
    nrow = -(-n // ncol)
    fig = new_figure(fig, (5.2 * ncol, 4.0 * nrow + 0.8))
    axes = fig.subplots(nrow, ncol, squeeze=False)
    for pi, panel in enumerate(cfg["panels"]):
        ax = axes.flat[pi]
        _plot_curves(ax, [c for c in curves if c["panel"] == pi])
        for gi, g_ in enumerate(x for x in gd if x["panel"] == pi):
            ax.errorbar([g_["alpha"]], [g_["E_mean"]], yerr=[2 * g_["E_se"]], fmt="x", ms=8, mew=2,
                        color=f"C{g_['color']}", capsize=3,
                        label=None if gi else f"x: paper's GD protocol, $D$ = {g_['D']} (same colours)")
        ax.set_title(tex(panel["title"]), fontsize=10.5)
        ax.legend(fontsize=7.5)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    b = cfg["baseline"]
    sub = (f"baseline: c_PT = {b['init']['c_pt']:g}, lambda_PT = {b['init']['lambda_pt']:g}, gamma_FT = "
           f"{b['init']['gamma_ft']:g}, rho_PT = {b['task']['rho_pt']:g}, rho_shared = {b['task']['rho_shared']:g}, "
           f"rho_new = {b['task']['rho_new']:g} unless a panel says otherwise; scheme {cfg['scheme']}.\nLines: replica"
           f"{'' if have_replica else ' (NOT AVAILABLE: ptft_theory.replica missing)'}{_line_panels(cfg, n)}; "
           f"points: simulations, D = {cfg['sim']['D']}, {cfg['sim']['seeds']} seeds, +-2 SE")
    fig.suptitle(tex(cfg["title"]) + "\n" + tex(sub), fontsize=10.5)
    fig.tight_layout()   # leaves room for the suptitle itself
    if quick:
        mark_quick(fig)
    return fig


def _line_panels(cfg, n: int) -> str:
    """Which panels have replica lines, when a (quick) config draws them in some panels only."""
    panels = cfg["replica"].get("panels")
    if panels is None or len(panels) >= n:
        return ""
    return f" in panel{'s' if len(panels) > 1 else ''} {', '.join(f'({chr(97 + p)})' for p in sorted(panels))} only"


def _gd_points(cfg, opts, curves) -> list[dict]:
    """A few points of the paper's GD protocol (``[gd]`` of fig3.toml), batched over seeds."""
    g = cfg["gd"]
    D, base = int(g["D"]), int(cfg["sim"]["base_seed"])
    pts, meta = [], []
    for c in curves:
        if c["label"] not in g["curves"] or c["panel"] != int(g.get("panel", 0)):
            continue
        color = c.get("color", [x for x in curves if x["panel"] == c["panel"]].index(c))
        for a in g["alphas"]:
            N = max(1, int(round(a * D)))
            draws = [{"base_seed": base, "D": D, "task": c["task"], "rep": rep, "protocol": "gd"}
                     for rep in range(int(g["seeds"]))]
            pts.append({"kind": "gd_error", "code": code_hash("gd_error"), "D": D, "N": N, "N_pt": int(g["n_pt_factor"] * D), "alpha": a,
                        "task": c["task"], "init": c["init"], "scheme": c["scheme"], "max_steps": int(g["max_steps"]),
                        "seeds_teacher": [derive_seed(d) for d in draws],
                        "seeds_pt": [derive_seed({**d, "phase": "pt"}) for d in draws],
                        "seeds_data": [derive_seed({**d, "N": N}) for d in draws]})
            meta.append((c, color, a))
    res = opts.sweep(pts, f"fig3 GD protocol (D={D})")
    out, rows = [], []
    for (c, color, a), r in zip(meta, res):
        m, se = _mean_se(r["E_gd"])
        mi, sei = _mean_se(r["E_implicit_bias"])
        conv = all(r["pt_converged"]) and all(r["ft_converged"])
        out.append({"panel": c["panel"], "color": color, "alpha": a, "E_mean": m, "E_se": se, "D": D,
                    "all_converged": conv})
        rows.append([c["panel"], c["label"], c["scheme"], c["init"]["c_pt"], c["init"]["lambda_pt"],
                     c["init"]["gamma_ft"], D, a, len(r["E_gd"]), m, se, mi, sei,
                     sum(r["pt_converged"]), sum(r["ft_converged"]), r["steps_pt"], r["steps_ft"]])
    _write_csv(Path(opts.out) / "results" / "fig3_gd_protocol.csv",
               ["panel", "label", "scheme", "c_pt", "lambda_pt", "gamma_ft", "D", "alpha", "n_seeds", "E_gd_mean",
                "E_gd_se", "E_implicit_bias_mean", "E_implicit_bias_se", "n_pt_converged", "n_ft_converged",
                "steps_pt", "steps_ft"], rows)
    return out


def fig5_curves(cfg: dict, name: str = "fig5") -> list[dict]:
    """One curve per (task, init) of a Fig. 5 config, all on the config's one ``scheme``.

    With ``check_regimes`` (the paper's figure) each init's label must be what :func:`regime` gives on
    every task (a mismatch is an error); without it (the readout companion) the label regime() gives
    is recorded as ``regime_found``.  ``regime`` is always the init's name (I-IV): colour and ranking key.
    """
    from ..regime import regime
    scheme, check = cfg["scheme"], bool(cfg.get("check_regimes", True))
    curves = []
    for ti, t in enumerate(cfg["tasks"]):
        task = Task(**t["task"])
        for it in cfg["inits"]:
            init = Init(**it["init"])
            got = regime(task, init, scheme).regime.value
            if check and got != it["regime"]:
                raise ParameterError(f"{name} init {it['label']!r} is regime {got} on task {t['name']!r} under "
                                 f"{scheme!r}, not {it['regime']}: fix ptft_theory/configs/{name}.toml")
            label = it["label"] if check else f"{it['label']}: regime {got}"
            curves.append({"panel": ti, "label": label, "regime": it["regime"], "regime_found": got,
                           "task_name": t["name"], "init": dict(it["init"]), "task": dict(t["task"]), "scheme": scheme})
    return curves


def fig5_ordering(curves: list[dict], key: str = "replica_E") -> dict[str, dict[str, float]]:
    """Mean error over the alpha grid per (task name, regime): the ranking metric of Fig. 5."""
    table: dict[str, dict[str, float]] = {}
    for c in curves:
        vals = c[key] if key == "replica_E" else [m for _, m, _ in c["sim"]]
        if vals is None:
            continue
        table.setdefault(c["task_name"], {})[c["regime"]] = float(np.mean(vals))
    return table


def figure5(opts, config_dir=None, name: str = "fig5") -> list[Path]:
    """The four regime initialisations on three FT tasks, one scheme (``opts``: :class:`.figures.RunOptions`);
    writes the ordering table as well.

    ``name="fig5_readout"`` is the companion: the same inits under the "readout" scheme."""
    cfg = load_config(name, opts.quick, config_dir)
    curves, have_replica = _curve_grid(cfg, opts, fig5_curves(cfg, name), name, name)
    found = {(c["task_name"], c["regime"]): c["regime_found"] for c in curves}
    rows = []
    for key in (["replica_E"] if have_replica else []) + ["sim"]:
        table = fig5_ordering(curves, key)
        for t in cfg["tasks"]:
            vals = table[t["name"]]
            best = min(vals, key=vals.get)
            for reg, v in sorted(vals.items(), key=lambda kv: kv[1]):
                rows.append([key.replace("_E", ""), cfg["scheme"], t["name"], reg, found[(t["name"], reg)], v, best,
                             t["expected_best"], best == t["expected_best"]])
    res = Path(opts.out) / "results"
    _write_csv(res / f"{name}_ordering.csv", ["source", "scheme", "task", "init", "regime_found", "mean_E_over_alpha",
                                              "best", "expected_best", "matches_paper"], rows)
    fig = draw_fig5(cfg, curves, have_replica, quick=opts.quick)
    paths = save_figure(fig, Path(opts.out) / "figures", "fig5_regimes" if name == "fig5" else f"{name}_regimes")
    return paths + [res / f"{name}_simulation.csv", res / f"{name}_ordering.csv"] + \
        ([res / f"{name}_replica.csv"] if have_replica else [])


def draw_fig5(cfg, curves, have_replica=True, *, quick=False, fig=None):
    """Fig. 5 from computed ``curves`` on ``fig`` (new if None); returns it.  A 16:9-ish landscape for a
    slide: three panels in a row, one legend for the four inits below them."""
    from matplotlib.lines import Line2D
    n = len(cfg["tasks"])
    fig = new_figure(fig, (4.1 * n + 0.5, 6.4))
    axes = fig.subplots(1, n, squeeze=False, sharey=True)
    for ti, t in enumerate(cfg["tasks"]):
        ax = axes[0, ti]
        _plot_curves(ax, [c for c in curves if c["panel"] == ti], REGIME_COLORS)
        ax.set_title(tex(t["title"]).replace(": ", ":\n", 1) + f"\npaper: regime {t['expected_best']} best", fontsize=11)
        ax.tick_params(labelsize=10)
        ax.xaxis.label.set_size(11)
        if ti:
            ax.set_ylabel("")
        else:
            ax.yaxis.label.set_size(11)
    seen, handles = set(), []
    for c in curves:   # one entry per init (its label on the first task)
        if c["regime"] not in seen:
            seen.add(c["regime"])
            handles.append(Line2D([], [], color=REGIME_COLORS.get(c["regime"]), lw=2, marker="o", ms=5,
                                  label=tex(c["label"])))
    handles += [Line2D([], [], color=REFERENCE_COLOR, lw=1.8, label="line: replica theory"
                       + ("" if have_replica else " (NOT AVAILABLE)")),
                Line2D([], [], color=REFERENCE_COLOR, ls="", marker="o", ms=5,
                       label=tex(f"points: simulations, D = {cfg['sim']['D']}, {cfg['sim']['seeds']} seeds, +-2 SE"))]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=10, frameon=False)
    fig.suptitle(tex(cfg["title"]), fontsize=12.5)
    fig.tight_layout(rect=(0, 0.15, 1, 1))
    if quick:
        mark_quick(fig)
    return fig
