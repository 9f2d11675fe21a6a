"""One plotting palette for every figure and view of the package.

The regime colours are the paper's (Fig. 5's caption of arXiv 2602.20062): regime I yellow, II purple,
III grey, IV green.  Figures, the advisor's plots and the explorer take them from here.
"""

REGIME_COLORS = {"I": "#e6b800", "II": "#7b3294", "III": "#8c8c8c", "IV": "#1a9641"}
