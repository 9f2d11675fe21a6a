"""The simulator, one facade: gradient flow and its integrators (:mod:`.gradient_flow`, :mod:`.flow`),
two-stage (PT then FT) draws (:mod:`.two_stage`), data and teachers (:mod:`.tasks`)."""

from .flow import AccurateOptions, GDOptions, Mode
from .gradient_flow import GFResult, SimulationError, simulate_gradient_flow
from .tasks import (CLASS_NAMES, NEW, PT_ONLY, SHARED, UNUSED, Teachers, class_counts, make_teachers,
                    mean_se, relative_error, sample_data)
from .two_stage import (draw_data, ft_end_point, pt_end_point, two_stage_convex, two_stage_cut,
                        two_stage_gradient_flow)

__all__ = ["AccurateOptions", "CLASS_NAMES", "GDOptions", "GFResult", "Mode", "NEW", "PT_ONLY", "SHARED",
           "SimulationError", "Teachers", "UNUSED", "class_counts", "draw_data", "ft_end_point", "make_teachers",
           "mean_se", "pt_end_point", "relative_error", "sample_data", "simulate_gradient_flow", "two_stage_convex",
           "two_stage_cut", "two_stage_gradient_flow"]
