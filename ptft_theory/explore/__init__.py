"""The regime explorer (``ptft explore``): a local web page where the replica theory follows the sliders.

Modules: :mod:`.state` (the state dict and the pure functions from it to curves, descriptors, the level
crossing and the regime map, through the public API), :mod:`.sources` (figure data and panel texts),
:mod:`.export` (the ``ptft curve`` command and Python call reproducing a view), :mod:`.views` (the Bokeh
page) and :mod:`.app` (the server).  Only :mod:`.views` and :mod:`.app` need Bokeh (the ``explore`` extra).
"""

from .export import command as export_command
from .export import python as export_python
from .state import DEFAULT_STATE, crossing, curve, descriptors, reference_curves, regime_map, view

__all__ = ["DEFAULT_STATE", "crossing", "curve", "descriptors", "export_command", "export_python",
           "reference_curves", "regime_map", "view"]
