"""The package's exceptions: one base class, so callers (and the CLI) catch ours and only ours.

Every exception raised on purpose by ptft-theory derives from :class:`PTFTError`.  The input errors
also derive from the built-in :class:`ValueError` / :class:`TypeError`, so code written against the
standard contract keeps working::

    PTFTError
    +-- ParameterError (ValueError)      a parameter outside its valid range; the message names both
    |   +-- BracketError                 a root bracket whose ends give no sign change
    +-- ParameterTypeError (TypeError)   a parameter of the wrong type
    +-- InfeasibleError (ValueError)     frozen coordinates leave X b = y without a solution
    +-- BackendUnavailableError (ValueError)  an optional dependency is not installed
    |   +-- MissingExtraError (ImportError)  ... and the message names the extra to install
    +-- ConvergenceError (RuntimeError)  the implicit-bias solver did not reach its tolerance
    +-- ReplicaError (RuntimeError)      the replica fixed point could not be solved as asked
    +-- SimulationError (RuntimeError)   a simulation did not converge
    +-- CertificationError (RuntimeError)  a ball-arithmetic proof (certify=True) did not close
"""

from __future__ import annotations


class PTFTError(Exception):
    """Base class of every exception ptft-theory raises on purpose."""


class ParameterError(PTFTError, ValueError):
    """A parameter outside its valid range; the message names the parameter, its value and the range."""


class BracketError(ParameterError):
    """A root bracket (``bracket=``) whose two ends give no sign change of the function."""


class ParameterTypeError(PTFTError, TypeError):
    """A parameter of the wrong type; the message names the parameter and the expected type."""


class InfeasibleError(PTFTError, ValueError):
    """Frozen coordinates (k = 0 and b0 = 0) leave ``X b = y`` without a solution."""


class BackendUnavailableError(PTFTError, ValueError):
    """The requested backend's optional dependency is not installed (a user error)."""


class MissingExtraError(BackendUnavailableError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it
    (``pip install 'ptft-theory[sim]'``).  Also an ``ImportError``, so ``except ImportError`` catches it."""


class ConvergenceError(PTFTError, RuntimeError):
    """The solver did not reach its tolerance; the message says what was reached and what to change."""


class ReplicaError(PTFTError, RuntimeError):
    """The replica fixed point could not be solved to the requested accuracy."""


class SimulationError(PTFTError, RuntimeError):
    """A simulation did not converge (message says where and what to change)."""


class CertificationError(PTFTError, RuntimeError):
    """A certified enclosure (``certify=True``) could not be proved as asked; the message says what to
    raise (working precision) or what to change (the box).  Never replaced by an uncertified answer."""
