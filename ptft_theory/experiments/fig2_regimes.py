"""Fig. 2 of arXiv 2602.20062, drawn from the regime boundaries (``ptft figures --only fig2``).

For each scheme and gamma_FT of ``configs/fig2.toml``, both boundaries of the label (the l-order
threshold, rich | lazy, and the PT-dependence threshold) are traced with
:func:`ptft_theory.regime_boundaries.regime_boundary` on two families of lines of the (log10 c_PT,
lambda_PT / c_PT) plane: at fixed log10 c_PT (solving for lambda_PT / c_PT) and at fixed
lambda_PT / c_PT (solving for log10 c_PT), so that a boundary running either way is resolved.  Each
line is one cached sweep point.  The figure draws:

* the boundary points, joined into curves (nearest-neighbour chains);
* the regions, coloured in the paper's palette: a cell takes the sign of each axis at the nearest
  evaluated scan point, flipped once per boundary curve crossed on the way (so the fill is the curves'
  partition of the plane, not a separate grid classification);
* panel (a): the (l-order, PT dependence) quadrants; on the merged gamma_FT = 0 map the levers'
  transition arrows (the paper's panel (b) idea).

Definition: ``definition`` of the config (default "samples": the calibrated delta_S of
``regime()``, two replica level crossings per evaluation); the ``--quick`` run uses "potential" (the
potential ratio, microseconds per evaluation) so that the figure builds in seconds, and says so in
its title.  Data: ``results/fig2_regime_map.csv`` (one row per boundary point).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..config import Task
from ..fileio import write_csv_atomic
from .points import REGIME_NAMES, load_config
from .style import REFERENCE_COLOR, REGIME_COLORS, mark_quick, new_figure, save_figure, tex, transition_arrows
from .sweep import code_fingerprint, run_sweep

AXES = ("l_order", "pt_dependence")
FIELDS = ["scheme", "gamma_ft", "definition", "axis", "along", "line_value", "log10_c", "lambda_over_c", "error",
          "below", "above"]
LABELS = ("I", "II", "III", "IV")
#: Plot coordinates are scaled to comparable units before nearest-neighbour steps: x / (c range), y / 2.


def boundary_line(cfg: dict) -> dict:
    """One line of one boundary (a sweep point; JSON in, JSON out)."""
    from ..regime_boundaries import regime_boundary
    cur = regime_boundary(Task(**cfg["task"]), cfg["axis"], [cfg["value"]], gamma_ft=cfg["gamma_ft"],
                          scheme=cfg["scheme"], definition=cfg["definition"], along=cfg["along"],
                          log10_c_range=tuple(cfg["log10_c_range"]), ratio_range=tuple(cfg["ratio_range"]),
                          n_scan=cfg["n_scan"])
    (line,) = cur.lines
    return {"points": [[float(p.log10_c), float(p.lambda_over_c), float(p.error), p.below, p.above]
                       for p in line.points],
            "scan": [[float(x), f] for x, f in line.scan]}


def code_hash() -> str:
    from ..replica.compiled import library_fingerprint
    return code_fingerprint(Path(__file__).resolve().parents[1], (library_fingerprint(),))


def line_configs(cfg: dict) -> list[dict]:
    g = cfg["grid"]
    (c_lo, c_hi), (r_lo, r_hi) = g["log10_c_range"], g["ratio_range"]
    n_c, n_r = int(g["n_c_lines"]), int(g["n_ratio_lines"])
    c_vals = np.linspace(c_lo, c_hi, n_c)
    r_vals = r_lo + (r_hi - r_lo) * (np.arange(n_r) + 0.5) / n_r  # cell centres: never lambda = -c exactly
    code = code_hash()
    out = []
    for scheme in cfg["schemes"]:
        for gam in g["gamma_ft"]:
            for axis in AXES:
                for along, vals in (("lambda_over_c", c_vals), ("log10_c", r_vals)):
                    out += [{"kind": "regime_boundary_line", "code": code, "scheme": scheme, "gamma_ft": float(gam),
                             "definition": cfg["definition"], "axis": axis, "along": along, "value": float(v),
                             "task": cfg["task"], "log10_c_range": [float(c_lo), float(c_hi)],
                             "ratio_range": [float(r_lo), float(r_hi)], "n_scan": int(g["n_scan"])} for v in vals]
    return out


# ------------------------------------------------------------------------------- geometry
def chains(points: np.ndarray, scale, max_step: float) -> list[np.ndarray]:
    """Join boundary points into polylines: start at the point farthest from the centroid, step to the
    nearest unused point while it lies within ``max_step`` (scaled units); a longer step starts a new chain.
    A chain whose ends lie within ``max_step`` of each other is closed."""
    if len(points) == 0:
        return []
    P = points / scale
    left = list(range(len(P)))
    out = []
    while left:
        cen = P[left].mean(axis=0)
        cur = max(left, key=lambda i: float(np.sum((P[i] - cen) ** 2)))
        chain = [cur]
        left.remove(cur)
        while left:
            d = np.sqrt(np.sum((P[left] - P[cur]) ** 2, axis=1))
            j = int(np.argmin(d))
            if d[j] > max_step:
                break
            cur = left.pop(j)
            chain.append(cur)
        if len(chain) > 2 and np.sqrt(np.sum((P[chain[0]] - P[chain[-1]]) ** 2)) <= max_step:
            chain.append(chain[0])  # a closed curve: close it
        out.append(points[chain])
    return out


def extend_to_border(pl: np.ndarray, lo, hi, scale, max_step: float) -> np.ndarray:
    """Extend a polyline's ends straight to the plot border when they lie within ``max_step`` (scaled) of it
    (the last line before a border leaves the piece to the border unresolved)."""
    if len(pl) < 2:
        return pl
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    ends = []
    for end, prev in ((pl[0], pl[1]), (pl[-1], pl[-2])):
        d = (end - prev) / scale
        gap = np.min(np.minimum(end - lo, hi - end) / scale)
        if gap > max_step or not np.any(d):
            ends.append(None)
            continue
        with np.errstate(divide="ignore", invalid="ignore"):  # steps to each border along d (scaled units)
            t = np.where(d > 0, (hi - end) / scale / d, np.where(d < 0, (lo - end) / scale / d, np.inf))
        tt = float(np.min(t))
        ends.append(end + tt * d * scale if np.isfinite(tt) and tt * np.linalg.norm(d) <= 1.5 * max_step else None)
    out = [pl]
    if ends[0] is not None:
        out.insert(0, ends[0][None, :])
    if ends[1] is not None:
        out.append(ends[1][None, :])
    return np.concatenate(out)


def _crossings(ax_, ay_, bx_, by_, segs):
    """Number of polyline segments crossed by each segment a -> b (arrays over cells)."""
    if len(segs) == 0:
        return np.zeros(ax_.shape, int)
    p, q = segs[:, 0, :], segs[:, 1, :]

    def orient(x1, y1, x2, y2, x3, y3):
        return np.sign((x2 - x1) * (y3 - y1) - (y2 - y1) * (x3 - x1))
    A = (ax_[:, None], ay_[:, None])
    B = (bx_[:, None], by_[:, None])
    o1 = orient(*A, *B, p[None, :, 0], p[None, :, 1])
    o2 = orient(*A, *B, q[None, :, 0], q[None, :, 1])
    o3 = orient(p[None, :, 0], p[None, :, 1], q[None, :, 0], q[None, :, 1], *A)
    o4 = orient(p[None, :, 0], p[None, :, 1], q[None, :, 0], q[None, :, 1], *B)
    return np.sum((o1 * o2 < 0) & (o3 * o4 < 0), axis=1)


def side_map(X, Y, scan, polylines, scale):
    """Sign (+1/-1) of one axis on the cells (X, Y): the sign at the nearest scan point with a value,
    flipped once per boundary segment crossed between them; NaN where no scan point has a value."""
    pts = np.array([[x, y] for x, y, f in scan if f is not None and f != 0], float).reshape(-1, 2)
    sg = np.array([np.sign(f) for x, y, f in scan if f is not None and f != 0], float)
    if len(pts) == 0:
        return np.full(X.shape, np.nan)
    cells = np.column_stack([X.ravel(), Y.ravel()])
    d = (((cells[:, None, :] - pts[None, :, :]) / scale) ** 2).sum(axis=2)
    near = np.argmin(d, axis=1)
    segs = np.array([[pl[i], pl[i + 1]] for pl in polylines for i in range(len(pl) - 1)], float).reshape(-1, 2, 2)
    n = _crossings(cells[:, 0], cells[:, 1], pts[near, 0], pts[near, 1], segs)
    return (sg[near] * (-1.0) ** n).reshape(X.shape)


def label_map(rich, dep):
    """Indices into LABELS: I rich & independent, II lazy & dependent, III lazy & independent, IV rich & dependent."""
    lab = np.where(rich > 0, np.where(dep > 0, 3, 0), np.where(dep > 0, 1, 2)).astype(float)
    lab[np.isnan(rich) | np.isnan(dep)] = np.nan
    return lab


# ------------------------------------------------------------------------------- figure
def _panel_data(cfg, configs, results, scheme, gam):
    """Per axis: (boundary points, scan [(x, y, f)]) of one (scheme, gamma) panel."""
    out = {a: ([], []) for a in AXES}
    for c, r in zip(configs, results):
        if c["scheme"] != scheme or c["gamma_ft"] != float(gam):
            continue
        pts, scan = out[c["axis"]]
        pts += [p[:2] for p in r["points"]]
        for t, f in r["scan"]:
            scan.append((c["value"], t, f) if c["along"] == "lambda_over_c" else (t, c["value"], f))
    return out


def geometry(cfg):
    """(log10 c range, ratio range, scale of the two coordinates, chain step) of a config."""
    g = cfg["grid"]
    (c_lo, c_hi), (r_lo, r_hi) = g["log10_c_range"], g["ratio_range"]
    scale = np.array([c_hi - c_lo, r_hi - r_lo], float)
    step = 2.5 * max(1.0 / (int(g["n_c_lines"]) - 1), 1.0 / int(g["n_ratio_lines"]))  # two line spacings and a half
    return (c_lo, c_hi), (r_lo, r_hi), scale, step


def panel_labels(cfg, configs, results, scheme, gam, X, Y):
    """Label indices on the cells (X, Y) of one panel, with the boundary polylines and points per axis."""
    (c_lo, c_hi), (r_lo, r_hi), scale, step = geometry(cfg)
    data = _panel_data(cfg, configs, results, scheme, gam)
    sides, polys, pts_out = {}, {}, {}
    for axis in AXES:
        pts, scan = data[axis]
        polys[axis] = [extend_to_border(pl, (c_lo, r_lo), (c_hi, r_hi), scale, step)
                       for pl in chains(np.array(pts, float).reshape(-1, 2), scale, step)]
        sides[axis] = side_map(X, Y, scan, polys[axis], scale)
        pts_out[axis] = pts
    return label_map(sides["l_order"], sides["pt_dependence"]), polys, pts_out


def compute(cfg, opts):
    """The sweep of all lines of ``cfg`` (cached under the options' cache folder): (configs, results)."""
    configs = line_configs(cfg)
    cache = Path(opts.cache_dir) if opts.cache_dir is not None else Path(opts.out) / "cache"
    results = run_sweep(boundary_line, configs, cache, workers=opts.workers, backend=opts.backend,
                        progress=opts.progress, desc=f"fig2 regime boundaries ({cfg['definition']})")
    return configs, results


def figure(opts, config_dir=None) -> list[Path]:
    """Build Fig. 2 (the figures module's builder signature: RunOptions, config folder)."""
    cfg = load_config("fig2", opts.quick, config_dir)
    configs, results = compute(cfg, opts)
    rows = [[c["scheme"], c["gamma_ft"], c["definition"], c["axis"], c["along"], c["value"], *p]
            for c, r in zip(configs, results) for p in r["points"]]
    csv_path = write_csv_atomic(Path(opts.out) / "results" / "fig2_regime_map.csv", FIELDS, rows)
    fig = draw(cfg, configs, results, quick=opts.quick)
    return save_figure(fig, Path(opts.out) / "figures", "fig2_regime_map") + [csv_path]


def _schematic(ax, th, definition):
    """Panel (a): the four quadrants of the (l-order, PT dependence) plane, in the paper's layout."""
    for name, (x0, y0) in {"I": (0, 0), "II": (1, 1), "III": (1, 0), "IV": (0, 1)}.items():
        ax.add_patch(__import__("matplotlib").patches.Rectangle((x0, y0), 1, 1, color=REGIME_COLORS[name], alpha=0.85))
        ax.text(x0 + 0.5, y0 + 0.5, REGIME_NAMES[name].replace(" ", "\n").replace("less\n", "less "), ha="center",
                va="center", fontsize=8, color="k" if name == "I" else "white", weight="bold")
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.set_xticks([0.5, 1.0, 1.5], ["rich", f"p = {th.l_order:g}", "lazy"])
    dep = {"samples": f"delta_S = {th.pt_dependence_samples:.3g}", "potential": f"delta = {th.pt_dependence:g}",
           "paper": f"FD = {th.feature_dependence:g}"}[definition]
    ax.set_yticks([0.5, 1.0, 1.5], ["PT-\nindep.", dep.replace(" = ", "\n= "), "PT-\ndep."], fontsize=8)
    ax.set_title("(a) the four regimes: thresholds of the label", fontsize=10)


def draw(cfg, configs, results, *, quick=False, fig=None):
    """Fig. 2 from the computed boundary lines (:func:`compute`) on ``fig`` (new if None); returns the
    Figure, saving nothing."""
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D

    from ..regime import DEFAULT_THRESHOLDS as TH
    g = cfg["grid"]
    (c_lo, c_hi), (r_lo, r_hi), _, _ = geometry(cfg)
    n_fx, n_fy = int(g.get("fill_x", 120)), int(g.get("fill_y", 80))
    xs = np.linspace(c_lo, c_hi, n_fx)
    ys = np.linspace(r_lo, r_hi, n_fy + 2)[1:-1]
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    cmap = ListedColormap([REGIME_COLORS[k] for k in LABELS]).with_extremes(bad="#dddddd")
    schemes, gammas = cfg["schemes"], g["gamma_ft"]
    fig = new_figure(fig, (3.2 + 4.3 * len(gammas), 3.9 * len(schemes)))
    axes = fig.subplots(len(schemes), 1 + len(gammas), squeeze=False,
                        gridspec_kw={"width_ratios": [0.75] + [1.0] * len(gammas)})
    for i, scheme in enumerate(schemes):
        for j, gam in enumerate(gammas):
            ax = axes[i, 1 + j]
            lab, polys, pts = panel_labels(cfg, configs, results, scheme, gam, X, Y)
            for axis, style in zip(AXES, ("--", ":")):
                for pl in polys[axis]:
                    ax.plot(pl[:, 0], pl[:, 1], color=REFERENCE_COLOR, ls=style, lw=1.4)
                if pts[axis]:
                    ax.plot(*np.array(pts[axis]).T, ls="", marker=".", ms=3, color=REFERENCE_COLOR)
            dx, dy = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2  # an image, not a mesh: the PDF stays small and fast
            ax.imshow(np.ma.masked_invalid(lab).T, origin="lower", extent=(xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy),
                      aspect="auto", interpolation="nearest", cmap=cmap, vmin=-0.5, vmax=3.5, alpha=0.9, zorder=0)
            for k, name in enumerate(LABELS):
                m = lab == k
                if m.sum() > 0.03 * m.size:
                    ci, ri = np.argwhere(m)[len(np.argwhere(m)) // 2]
                    ax.text(xs[ci], ys[ri], name, ha="center", va="center", fontsize=12, weight="bold",
                            color="k" if name == "I" else "white")
            if scheme == "merged" and float(gam) == 0.0:
                transition_arrows(ax, xs)
            ax.set_xlim(c_lo, c_hi)
            ax.set_ylim(r_lo, r_hi)
            ax.set_xlabel(r"$\log_{10} c_{PT}$")
            ax.set_ylabel(r"$\lambda_{PT} / c_{PT}$")
            ax.set_title(f"({'bcdefg'[i * len(gammas) + j]}) {scheme}, $\\gamma_{{FT}}$ = {gam:g}", fontsize=10)
        if i == 0:
            _schematic(axes[i, 0], TH, cfg["definition"])
        else:
            axes[i, 0].axis("off")
            axes[i, 0].text(-0.25, 0.5, _caption(cfg, TH), fontsize=7.5, va="center", ha="left",
                            transform=axes[i, 0].transAxes)
    handles = [Line2D([], [], ls="", marker="s", ms=9, color=REGIME_COLORS[k], label=REGIME_NAMES[k]) for k in LABELS]
    handles += [Line2D([], [], ls="--", color=REFERENCE_COLOR, label=f"l-order boundary ($p$ = {TH.l_order:g})"),
                Line2D([], [], ls=":", color=REFERENCE_COLOR, label="PT-dependence boundary")]
    fig.legend(handles=handles, loc="lower center", ncol=6, fontsize=9, frameon=False, bbox_to_anchor=(0.5, -0.03))
    t = cfg["task"]
    fig.suptitle(tex(f"{cfg['title']} (rho_shared = {t['rho_shared']:g}, rho_new = {t['rho_new']:g}); labels: "
                     f"{_DEF_NAMES[cfg['definition']]}"))
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    if quick:
        mark_quick(fig)
    return fig


_DEF_NAMES = {"samples": "calibrated delta_S (PT dependence in samples)",
              "potential": "potential ratio delta (quick run: no replica solve)",
              "paper": "the authors' l-order and feature dependence"}


def _caption(cfg, th) -> str:
    g = cfg["grid"]
    return (f"Boundaries: regime_boundary() on\n{g['n_c_lines']} lines at fixed log10 c_PT and\n"
            f"{g['n_ratio_lines']} at fixed lambda_PT/c_PT,\n{g['n_scan']} scan points each, roots by\n"
            f"Brent (float64); dots: the roots.\nLabels: {_DEF_NAMES[cfg['definition']].replace(' (', chr(10) + '(')};\n"
            f"rich when p < {th.l_order:g};\nPT-dependent when "
            + {"samples": f"delta_S > {th.pt_dependence_samples:.3g}\n(a new-feature task needs > 2x the data)",
               "potential": f"delta > {th.pt_dependence:g}", "paper": f"FD < {th.feature_dependence:g}"}[cfg["definition"]]
            + ".\nDashed: l-order boundary;\ndotted: PT-dependence boundary.\nLight grey: no label (all frozen).")


__all__ = ["boundary_line", "chains", "compute", "draw", "extend_to_border", "figure", "geometry", "label_map", "line_configs",
           "panel_labels", "side_map"]
