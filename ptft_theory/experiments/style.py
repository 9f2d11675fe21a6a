"""One plotting palette for every figure and view of the package.

The regime colours are the paper's (Fig. 5's caption of arXiv 2602.20062): regime I yellow, II purple,
III grey, IV green.  Figures, the advisor's plots and the explorer take them from here.
"""

REGIME_COLORS = {"I": "#e6b800", "II": "#7b3294", "III": "#8c8c8c", "IV": "#1a9641"}


def transition_arrows(ax, log_c) -> None:
    """The paper's Fig. 2b idea on a (log10 c_PT, lambda_PT / c_PT) map of the merged network at
    gamma_FT = 0: arrows for the crucial transitions with the levers -- lowering lambda (a smaller
    first layer) walks II -> IV -> I, raising c_PT walks to the lazy, PT-independent III."""
    x0 = float(log_c[0]) + 0.25 * (float(log_c[-1]) - float(log_c[0]))
    kw = dict(arrowprops=dict(arrowstyle="->", color="k", lw=1.6), fontsize=8, ha="center",
              bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.8))
    ax.annotate("", xy=(x0, -0.85), xytext=(x0, 0.85), **kw)
    ax.text(x0 + 0.15, 0.0, "smaller first layer\n" r"II $\to$ IV ($\to$ I at $\lambda = -c$)", fontsize=7,
            ha="left", va="center", bbox=kw["bbox"])
    ax.annotate("", xy=(float(log_c[-1]) - 0.3, 0.5), xytext=(x0 + 0.1, 0.5), **kw)
    ax.text(0.5 * (x0 + float(log_c[-1])), 0.62, r"larger $c$: lazy, $\to$ III", fontsize=7, ha="center", bbox=kw["bbox"])


# ------------------------------------------------------------------------------ figure conventions
#: PNG resolution of every saved figure (slides and print both read well at 150 dpi).
DPI = 150
#: Reference and threshold lines: dark enough to read on every regime colour, each labelled.
REFERENCE_COLOR = "#222222"
#: What a ``--quick`` output says about itself, drawn on the figure.
QUICK_TEXT = "QUICK: reduced sizes, not the paper's figure"

_GREEK = {"lambda": r"\lambda", "gamma": r"\gamma", "rho": r"\rho", "alpha": r"\alpha", "delta": r"\delta",
          "beta": r"\beta", "tau": r"\tau", "kappa": r"\kappa", "eta": r"\eta"}
_SUBSCRIPTS = ("PT", "FT", "shared", "new", "pt", "ft", "S", "c")


def tex(text: str) -> str:
    """Plain parameter names in ``text`` as mathtext: ``c_PT`` -> ``$c_{PT}$``, ``lambda_PT`` ->
    ``$\\lambda_{PT}$``, ``rho_shared`` -> ``$\\rho_{shared}$``, a bare ``lambda``/``gamma`` -> ``$\\lambda$``;
    text already holding ``$`` is returned as it is (configs and data keep the plain names)."""
    import re
    if "$" in text:
        return text
    names = "|".join(_GREEK)
    subs = "|".join(_SUBSCRIPTS)

    def sym(m):
        base, sub = m.group(1), m.group(2)
        base = _GREEK.get(base, base)
        return f"${base}_{{\\mathrm{{{sub}}}}}$" if sub else f"${base}$"
    text = re.sub(rf"\b({names}|c|k|E|D|N|p)_({subs})\b", sym, text)
    text = re.sub(rf"(?<![\\$\w])({names})()\b(?!_)", sym, text)
    text = re.sub(r"\bc=", "$c$=", text)
    return text.replace("+-", r"$\pm$")


def new_figure(fig=None, figsize=(10.0, 5.6)):
    """``fig`` (cleared) when given, else a new Figure outside pyplot (nothing global is left open, so a
    builder never leaks figures; a notebook shows the returned Figure)."""
    if fig is not None:
        fig.clear()
        return fig
    from matplotlib.figure import Figure
    return Figure(figsize=figsize)


def mark_quick(fig) -> None:
    """The visible mark of a ``--quick`` output: a red banner above the figure's top-left corner (saved
    with ``bbox_inches="tight"`` the canvas grows to hold it, so it never covers a title or a panel)."""
    fig.text(0.003, 1.0, QUICK_TEXT, ha="left", va="bottom", fontsize=11, weight="bold", color="white",
             bbox=dict(boxstyle="square,pad=0.3", fc="firebrick", ec="none"), zorder=10)


def save_figure(fig, folder, stem: str, dpi: int = DPI, formats=("png", "pdf")) -> list:
    """``folder/stem.png`` and ``.pdf``, each written atomically; returns the paths."""
    from pathlib import Path
    from ..fileio import savefig_atomic
    paths = []
    for ext in formats:
        p = Path(folder) / f"{stem}.{ext}"
        savefig_atomic(fig, p, dpi=dpi, bbox_inches="tight", metadata={"CreationDate": None} if ext == "pdf" else None)
        paths.append(p)
    return paths
