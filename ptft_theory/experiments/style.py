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
    ax.text(x0 + 0.15, 0.0, "smaller first layer\nII -> IV (-> I at lambda = -c)", fontsize=7, ha="left", va="center",
            bbox=kw["bbox"])
    ax.annotate("", xy=(float(log_c[-1]) - 0.3, 0.5), xytext=(x0 + 0.1, 0.5), **kw)
    ax.text(0.5 * (x0 + float(log_c[-1])), 0.62, "larger c: lazy, -> III", fontsize=7, ha="center", bbox=kw["bbox"])
