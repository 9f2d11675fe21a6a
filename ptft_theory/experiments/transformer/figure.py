"""The transformer's Fig. 4 analogue from a results CSV alone.

Columns: one per lever (c_PT, kappa, gamma_FT), the lever varied with the other two at the base
point (:func:`~ptft_theory.experiments.resnet.figure.base_point`).  Rows: for each FT operation, FT test
accuracy (dotted: chance, 1/p; grey dashed: the no-PT baseline at the base levers), richness
(relative change of the kappa-scaled parameters during FT)
and PT dependence (linear CKA of the PT and FT readout inputs).  Mean over seeds, error bars +-2 SE.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ParameterError
from ..resnet.figure import check_numeric, panel_data, save_figure, start_plot
from ..style import DPI, REFERENCE_COLOR, new_figure, tex

LEVERS = (("c_pt", "c_PT (all weights)"), ("kappa", "kappa (embeddings + first block(s))"),
          ("gamma_ft", "gamma_FT (readout)"))
METRICS = (("test_accuracy", "FT test accuracy"), ("richness", "richness: rel. change, kappa params"),
           ("pt_dependence", "PT dependence: CKA(PT, FT)"))


def plot_transformer(csv_path, out_stem, title=None) -> list[Path]:
    """Draw the figure from ``csv_path`` (:func:`draw_transformer`); writes ``<out_stem>.png`` (150 dpi)
    and ``.pdf``."""
    fig = draw_transformer(csv_path, title=title)
    return save_figure(fig, out_stem, dpi=DPI, top=1 - 0.55 / fig.get_figheight())  # room for the title


def draw_transformer(csv_path, fig=None, title=None):
    """The 3 levers x (3 metrics x FT ops) figure, landscape (one row per lever), on ``fig`` (new if
    None); returns it, saving nothing."""
    plt, rows, base = start_plot(csv_path, [m for m, _ in METRICS])
    missing = [c for c in ("ft_op", "p", "pt_op", "device", *(m for m, _ in METRICS)) if c not in rows[0]]
    if missing:
        raise ParameterError(f"csv={str(csv_path)!r} has no column {missing[0]!r}; valid: a results CSV of "
                             "`ptft transformer run`")
    check_numeric(csv_path, rows, ("p",))
    from matplotlib import colormaps  # noqa: PLC0415
    from matplotlib.ticker import NullLocator, ScalarFormatter  # noqa: PLC0415
    scratch = [r for r in rows if r.get("pretrained") == "False"]
    rows = [r for r in rows if r.get("pretrained") != "False"]
    ops = sorted({r["ft_op"] for r in rows})
    r0 = rows[0]
    ncol = 3 * len(ops)
    fig = new_figure(fig, (max(13.0, 3.6 * ncol), 3.2 * len(LEVERS) + 1.0))
    axes = fig.subplots(len(LEVERS), ncol, sharex=True, squeeze=False)
    cmap = colormaps["viridis"]
    for o, op in enumerate(ops):
        sub = [r for r in rows if r["ft_op"] == op]
        for j, (lever, label) in enumerate(LEVERS):
            for i, (metric, mlabel) in enumerate(METRICS):
                ax = axes[j][3 * o + i]
                data = panel_data(sub, lever, metric)
                for t, (v, (ns, mean, se)) in enumerate(data.items()):
                    ax.errorbar(ns, mean, yerr=2 * se, marker="o", ms=4, capsize=2,
                                color=cmap(t / max(1, len(data) - 1)), label=tex(f"{lever} = {v:g}"))
                ax.set_xscale("log")
                ax.set_xticks(sorted({int(r["n_ft"]) for r in sub}))
                ax.xaxis.set_major_formatter(ScalarFormatter())
                ax.xaxis.set_minor_locator(NullLocator())
                if metric == "test_accuracy":
                    ax.axhline(1 / int(r0["p"]), color=REFERENCE_COLOR, ls=":", lw=1.2, label=f"chance 1/{r0['p']}")
                    base_rows = [r for r in scratch if r["ft_op"] == op]
                    for ns, mean, se in panel_data(base_rows, lever, metric).values() if base_rows else ():
                        ax.errorbar(ns, mean, yerr=2 * se, color="grey", ls="--", lw=1.2, capsize=2, label="no PT")
                if j == 0:
                    ax.set_title(f"FT {r0['pt_op']} -> {op}:\n{mlabel}", fontsize=10)
                if i == 0:
                    ax.legend(fontsize=7)
                if 3 * o + i == 0:
                    others = ", ".join(f"{q} = {base[q]:g}" for q, _ in LEVERS if q != lever)
                    ax.set_ylabel(tex(f"({'abc'[j]}) vary {label}\n{others}"), fontsize=9)
                if j == len(LEVERS) - 1:
                    ax.set_xlabel(r"$n_{\mathrm{FT}}$ (FT training pairs)")
    fig.suptitle(title or f"Transformer on (a op b) mod {r0['p']}: PT {r0['pt_op']}, FT {', '.join(ops)} "
                          f"({r0['device']}); mean $\\pm$2 SE over seeds", fontsize=12)
    return fig
