"""The initialisation advisor (docs/design.md section 3.2; docs/advisor.md): the levers
(c_PT, lambda_PT, gamma_FT) that minimise the replica FT error of a described task, and the best
init of each regime.

Modules: :mod:`.space` (the search coordinates, the box, the objective over the public replica),
:mod:`.search` (:func:`best_init`: grid, polish, per-regime polish), :mod:`.resolve` (exact
recovery and the frozen corner: the least extreme init at the floor), :mod:`.advice` (the result
records), :mod:`.plot` (``ptft advise --plot``).
"""

from .advice import Advice, RegimeBest
from .resolve import CORNER_MARGIN, RESOLUTION, smallest_scale
from .search import GRID, POLISH_MAXFUN, POLISH_STARTS, REFERENCE_INIT, best_init
from .space import (ALPHA_NODES, ALPHA_PANELS, COORDINATES, DEFAULT_BOUNDS, FIXABLE, VALID_BOX, alpha_nodes)

__all__ = ["ALPHA_NODES", "ALPHA_PANELS", "COORDINATES", "CORNER_MARGIN", "RESOLUTION", "smallest_scale", "DEFAULT_BOUNDS", "FIXABLE", "GRID", "POLISH_MAXFUN",
           "POLISH_STARTS", "REFERENCE_INIT", "VALID_BOX", "Advice", "RegimeBest", "alpha_nodes", "best_init"]
