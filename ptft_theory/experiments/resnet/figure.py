"""Fig. 4 analogue from a results CSV alone: test error, richness and PT dependence vs n_FT.

Columns: one per lever (c_PT, kappa, gamma_FT), the lever varied with the other two at the base
point (the value of each lever that occurs in most rows, i.e. the sweep's ``[base]``).  Rows: FT test
error (dashed: chance), richness (relative change of the stem and stages 1-3 during FT), PT
dependence (linear CKA of PT and FT penultimate features).  Mean over seeds, error bars +-1 SE.
"""

from __future__ import annotations

import collections
import math
from pathlib import Path

import numpy as np

from ...fileio import read_csv_rows
from ...errors import ParameterError

LEVERS = (("c_pt", "c_PT (all weights)"), ("kappa", "kappa (stem + stages 1-3)"), ("gamma_ft", "gamma_FT (readout)"))
METRICS = (("test_error", "FT test error"), ("richness", "richness: rel. change, early blocks"),
           ("pt_dependence", "PT dependence: CKA(PT, FT features)"))


def as_float(x):
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v


def base_point(rows) -> dict:
    """The most frequent value of each lever (the sweep's base point)."""
    return {lev: collections.Counter(as_float(r[lev]) for r in rows).most_common(1)[0][0] for lev, _ in LEVERS}


def panel_data(rows, lever: str, metric: str) -> dict:
    """{lever value: (n_ft array, mean array, SE array)} for the rows with the other levers at the base."""
    base = base_point(rows)
    groups: dict = collections.defaultdict(lambda: collections.defaultdict(list))
    for r in rows:
        n_ft = as_float(r["n_ft"])
        if math.isfinite(n_ft) and all(as_float(r[o]) == base[o] for o, _ in LEVERS if o != lever):
            groups[as_float(r[lever])][int(n_ft)].append(as_float(r[metric]))
    out = {}
    for v, by_n in sorted(groups.items()):
        ns = np.array(sorted(by_n))
        vals = [np.array([x for x in by_n[n] if math.isfinite(x)]) for n in ns]
        mean = np.array([a.mean() if len(a) else np.nan for a in vals])
        se = np.array([a.std(ddof=1) / math.sqrt(len(a)) if len(a) > 1 else 0.0 for a in vals])
        out[v] = (ns, mean, se)
    return out


def check_numeric(csv_path, rows, columns) -> None:
    """Every non-empty cell of ``columns`` parses as a number, and each column has a finite value: a
    CSV of text draws an empty figure otherwise, silently."""
    for col in columns:
        finite = False
        for i, r in enumerate(rows, start=2):  # line 1 is the header
            cell = r.get(col)
            if cell in (None, ""):
                continue
            v = as_float(cell)
            if math.isnan(v) and cell.strip().lower() != "nan":
                raise ParameterError(f"csv={str(csv_path)!r}: line {i}, column {col!r} = {cell!r} is not a number; "
                                     "valid: a results CSV of `ptft resnet run` or `ptft transformer run`")
            finite = finite or math.isfinite(v)
        if not finite:
            raise ParameterError(f"csv={str(csv_path)!r}: column {col!r} has no finite value; nothing to draw")


def start_plot(csv_path, metrics=()):
    """(pyplot on the Agg backend, the rows of ``csv_path``, their :func:`base_point`); raises for no rows,
    a missing column, or a lever, ``n_ft`` or ``metrics`` column that is not numbers (:func:`check_numeric`)."""
    import matplotlib  # noqa: PLC0415
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
    rows = read_csv_rows(csv_path)
    if not rows:
        raise ParameterError(f"csv={str(csv_path)!r} has no rows")
    missing = [c for c in ("n_ft", *(lev for lev, _ in LEVERS)) if c not in rows[0]]
    if missing:
        raise ParameterError(f"csv={str(csv_path)!r} has no column {missing[0]!r}; valid: a results CSV of "
                             "`ptft resnet run` or `ptft transformer run`")
    check_numeric(csv_path, rows, ("n_ft", *(lev for lev, _ in LEVERS), *(m for m in metrics if m in rows[0])))
    return plt, rows, base_point(rows)


def plot_fig4(csv_path, out_stem, title=None) -> list[Path]:
    """Draw the 3 x 3 figure from ``csv_path`` (:func:`draw_fig4`); writes ``<out_stem>.png`` and ``.pdf``;
    returns the paths."""
    return save_figure(draw_fig4(csv_path, title=title), out_stem, dpi=110)


def draw_fig4(csv_path, fig=None, title=None):
    """Draw the 3 x 3 figure (metric x lever) from ``csv_path`` into ``fig`` (default: a new 12 x 10 inch
    figure) and return it; nothing is saved (:func:`plot_fig4` writes the files)."""
    plt, rows, base = start_plot(csv_path, [m for m, _ in METRICS])
    missing = [m for m, _ in METRICS if m not in rows[0]]
    if missing:
        raise ParameterError(f"csv={str(csv_path)!r} has no column {missing[0]!r}; valid: a results CSV of "
                             "`ptft resnet run`")
    k = as_float(rows[0].get("n_ft_classes") or 2)
    if not (k >= 2 and k == int(k)):
        raise ParameterError(f"csv={str(csv_path)!r}: n_ft_classes={rows[0].get('n_ft_classes')!r} is invalid; "
                             "valid: an integer >= 2")
    k = int(k)
    if fig is None:
        fig = plt.figure(figsize=(12, 10))
    axes = fig.subplots(3, 3, sharex=True, squeeze=False)
    for j, (lever, label) in enumerate(LEVERS):
        for i, (metric, mlabel) in enumerate(METRICS):
            ax = axes[i][j]
            data = panel_data(rows, lever, metric)
            cmap = plt.get_cmap("viridis")
            for t, (v, (ns, mean, se)) in enumerate(data.items()):
                ax.errorbar(ns, mean, yerr=se, marker="o", ms=4, capsize=2,
                            color=cmap(t / max(1, len(data) - 1)), label=f"{lever} = {v:g}")
            ax.set_xscale("log")
            if metric == "test_error":
                ax.axhline(1 - 1 / k, color="grey", ls="--", lw=0.8)
            if i == 0:
                others = ", ".join(f"{o} = {base[o]:g}" for o, _ in LEVERS if o != lever)
                ax.set_title(f"({'abc'[j]}) vary {label}\n{others}", fontsize=9)
                ax.legend(fontsize=7)
            if j == 0:
                ax.set_ylabel(mlabel, fontsize=9)
            if i == 2:
                ax.set_xlabel("n_FT (FT training images)")
    r0 = rows[0]
    fig.suptitle(title or f"Fig. 4 analogue: resnet18 on {r0['dataset']} ({r0['device']})", fontsize=11)
    return fig


def save_figure(fig, out_stem, dpi: int, top: float = 1.0) -> list[Path]:
    """``fig`` (tight layout below ``top``, a fraction of its height) as ``<out_stem>.png`` and ``.pdf``,
    written atomically, then closed; returns the paths."""
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from ...fileio import savefig_atomic  # noqa: PLC0415
    fig.tight_layout(rect=(0, 0, 1, top))
    out_stem = Path(out_stem)
    paths = []
    for ext in ("png", "pdf"):
        paths.append(savefig_atomic(fig, out_stem.with_name(out_stem.name + "." + ext), dpi=dpi))
    plt.close(fig)
    return paths
