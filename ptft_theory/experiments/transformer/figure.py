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

LEVERS = (("c_pt", "c_PT (all weights)"), ("kappa", "kappa (embeddings + first block(s))"),
          ("gamma_ft", "gamma_FT (readout)"))
METRICS = (("test_accuracy", "FT test accuracy"), ("richness", "richness: rel. change, kappa params"),
           ("pt_dependence", "PT dependence: CKA(PT, FT)"))


def plot_transformer(csv_path, out_stem, title=None) -> list[Path]:
    """Draw the (3 x FT ops) x 3 figure from ``csv_path``; writes ``<out_stem>.png`` and ``.pdf``."""
    plt, rows, base = start_plot(csv_path, [m for m, _ in METRICS])
    missing = [c for c in ("ft_op", "p", "pt_op", "device", *(m for m, _ in METRICS)) if c not in rows[0]]
    if missing:
        raise ParameterError(f"csv={str(csv_path)!r} has no column {missing[0]!r}; valid: a results CSV of "
                             "`ptft transformer run`")
    check_numeric(csv_path, rows, ("p",))
    from matplotlib.ticker import NullLocator, ScalarFormatter  # noqa: PLC0415
    scratch = [r for r in rows if r.get("pretrained") == "False"]
    rows = [r for r in rows if r.get("pretrained") != "False"]
    ops = sorted({r["ft_op"] for r in rows})
    r0 = rows[0]
    fig, axes = plt.subplots(3 * len(ops), 3, figsize=(12, 3.1 * 3 * len(ops)), sharex=True, squeeze=False)
    cmap = plt.get_cmap("viridis")
    for o, op in enumerate(ops):
        sub = [r for r in rows if r["ft_op"] == op]
        for j, (lever, label) in enumerate(LEVERS):
            for i, (metric, mlabel) in enumerate(METRICS):
                ax = axes[3 * o + i][j]
                data = panel_data(sub, lever, metric)
                for t, (v, (ns, mean, se)) in enumerate(data.items()):
                    ax.errorbar(ns, mean, yerr=2 * se, marker="o", ms=4, capsize=2,
                                color=cmap(t / max(1, len(data) - 1)), label=f"{lever} = {v:g}")
                ax.set_xscale("log")
                ax.set_xticks(sorted({int(r["n_ft"]) for r in sub}))
                ax.xaxis.set_major_formatter(ScalarFormatter())
                ax.xaxis.set_minor_locator(NullLocator())
                if metric == "test_accuracy":
                    ax.axhline(1 / int(r0["p"]), color="grey", ls=":", lw=0.8)
                    base_rows = [r for r in scratch if r["ft_op"] == op]
                    for ns, mean, se in panel_data(base_rows, lever, metric).values() if base_rows else ():
                        ax.errorbar(ns, mean, yerr=2 * se, color="grey", ls="--", lw=1, capsize=2, label="no PT")
                if o == 0 and i == 0:
                    others = ", ".join(f"{q} = {base[q]:g}" for q, _ in LEVERS if q != lever)
                    ax.set_title(f"({'abc'[j]}) vary {label}\n{others}", fontsize=9)
                if i == 0:
                    ax.legend(fontsize=7)
                if j == 0:
                    ax.set_ylabel(f"FT {r0['pt_op']} -> {op}\n{mlabel}", fontsize=9)
                if o == len(ops) - 1 and i == 2:
                    ax.set_xlabel("n_FT (FT training pairs)")
    fig.suptitle(title or f"Transformer on (a op b) mod {r0['p']}: PT {r0['pt_op']}, FT {', '.join(ops)} "
                          f"({r0['device']}); mean +-2 SE over seeds", fontsize=11)
    return save_figure(fig, out_stem, dpi=90, top=1 - 0.5 / fig.get_figheight())  # room for the title
