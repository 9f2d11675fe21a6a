"""A restricted unpickler for CIFAR-100's batches: data, never code.

CIFAR-100's Python files (``cifar-100-python/{train,test,meta}``) are pickles of a dict of lists,
strings, numbers and one uint8 numpy array.  ``pickle.load`` on such a file would import and call
whatever the file names (a crafted ``__reduce__`` runs any command), so :func:`load` admits only:

* the builtin containers, numbers, strings and bytes (pickle builds those without calling anything);
* numpy arrays of a plain numeric dtype (bool, int, uint, float, complex; no object, string or
  structured dtype), and numpy scalars of those dtypes, rebuilt through our own wrappers of the constructors numpy's
  pickles name (``_reconstruct``, ``_frombuffer``, ``scalar``, ``dtype``), which check their arguments before numpy sees them;
* ``_codecs.encode(str, "latin1")`` (how Python 3 pickles bytes at protocol 2).

Any other global, or a forbidden dtype, raises :class:`~ptft_theory.errors.ParameterError` naming the
file and the global; nothing named in the file is imported or called.
"""

from __future__ import annotations

import io
import pickle

import numpy as np

from ...errors import ParameterError

#: numpy dtype kinds a data array may have: bool, signed and unsigned int, float, complex.
NUMERIC_KINDS = "biufc"


class UnsafePickleError(ParameterError):
    """A pickle that names something other than data (a global outside the allowlist, an object dtype)."""


def _numeric_dtype(spec) -> np.dtype:
    if isinstance(spec, np.dtype):
        dt = spec
    elif isinstance(spec, (str, bytes)):
        dt = np.dtype(spec.decode("latin1") if isinstance(spec, bytes) else spec)
    else:
        raise UnsafePickleError(f"dtype spec {type(spec).__name__} is not allowed (a dtype string is)")
    if dt.kind not in NUMERIC_KINDS or dt.fields is not None or dt.subdtype is not None:
        raise UnsafePickleError(f"dtype {dt!s} is not allowed; valid: plain numeric dtypes (kinds {NUMERIC_KINDS})")
    return dt


def _dtype(spec, align=False, copy=False):
    """``numpy.dtype(spec)`` for a plain numeric spec only.  A fresh copy, so the pickle's BUILD state
    (byte order) cannot touch numpy's shared builtin descriptor."""
    return np.dtype(_numeric_dtype(spec), copy=True)


class _CheckedArray(np.ndarray):
    """What ``_reconstruct`` returns: its ``__setstate__`` (pickle's BUILD) checks the state first."""

    def __setstate__(self, state):
        ok = (isinstance(state, tuple) and len(state) == 5 and isinstance(state[0], int)
              and isinstance(state[1], tuple) and all(isinstance(n, int) and n >= 0 for n in state[1])
              and isinstance(state[2], np.dtype) and isinstance(state[3], bool) and isinstance(state[4], (bytes, str)))
        if not ok:
            raise UnsafePickleError("an array's state is not (version, shape, dtype, fortran, raw bytes)")
        version, shape, dtype, fortran, raw = state
        dtype = _numeric_dtype(dtype)
        if isinstance(raw, str):  # a Python 2 pickle read with encoding="latin1"
            raw = raw.encode("latin1")
        if len(raw) != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
            raise UnsafePickleError(f"an array's data has {len(raw)} bytes; shape {shape} of {dtype} needs "
                                    f"{int(np.prod(shape, dtype=np.int64)) * dtype.itemsize}")
        super().__setstate__((version, shape, dtype, fortran, raw))


class _NDArrayName:
    """Stands for ``numpy.ndarray`` in a pickle: only as ``_reconstruct``'s subtype, never called."""

    __slots__ = ()


_NDARRAY = _NDArrayName()


def _reconstruct(subtype, shape, dtype):
    if subtype is not _NDARRAY:
        raise UnsafePickleError(f"array subtype {subtype!r} is not allowed (numpy.ndarray is)")
    return np.ndarray.__new__(_CheckedArray, (0,), _numeric_dtype(dtype))


def _frombuffer(buf, dtype, shape, order):
    dtype = _numeric_dtype(dtype)
    if not (isinstance(shape, tuple) and all(isinstance(n, int) and n >= 0 for n in shape) and order in ("C", "F")):
        raise UnsafePickleError("an array's shape or order is malformed")
    raw = bytes(buf)
    if len(raw) != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
        raise UnsafePickleError(f"an array's data has {len(raw)} bytes, not what shape {shape} of {dtype} needs")
    return np.frombuffer(raw, dtype=dtype).reshape(shape, order=order).copy(order=order)


def _scalar(dtype, raw=None):
    """A numpy scalar (``numpy.float64(0.5)``) of a plain numeric dtype from its raw bytes."""
    dtype = _numeric_dtype(dtype)
    if isinstance(raw, str):
        raw = raw.encode("latin1")
    if not (isinstance(raw, bytes) and len(raw) == dtype.itemsize):
        raise UnsafePickleError(f"a numpy scalar's data is not {dtype.itemsize} bytes")
    return np.frombuffer(raw, dtype=dtype)[0]


def _encode(text, encoding="utf-8"):
    if not (isinstance(text, str) and encoding in ("latin1", "latin-1")):
        raise UnsafePickleError("_codecs.encode is allowed only as encode(str, 'latin1')")
    return text.encode("latin1")


#: (module, name) -> the callable the unpickler gets instead: numpy 1 and 2 spell the modules differently.
ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("numpy.core.multiarray", "scalar"): _scalar,
    ("numpy._core.multiarray", "scalar"): _scalar,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _dtype,
    ("_codecs", "encode"): _encode,
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return ALLOWED[(module, name)]
        except KeyError:
            raise UnsafePickleError(f"global {module}.{name} is not allowed in a data file") from None


def _plain(obj):
    """``obj`` with every checked array turned back into a plain ndarray."""
    if isinstance(obj, np.ndarray):
        return np.asarray(obj).view(np.ndarray)
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_plain(v) for v in obj)
    return obj


def loads(data: bytes, *, encoding: str = "latin1", source: str = "<bytes>"):
    """Unpickle ``data`` admitting only data (see the module docstring); ``source`` names it in errors."""
    try:
        return _plain(_Unpickler(io.BytesIO(data), encoding=encoding).load())
    except UnsafePickleError as e:
        raise UnsafePickleError(f"{source}: refused to unpickle: {e}") from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as e:
        raise ParameterError(f"{source}: not a readable data pickle ({type(e).__name__}: {e})") from None


def load(path, *, encoding: str = "latin1"):
    """:func:`loads` of the file at ``path``."""
    with open(path, "rb") as f:
        return loads(f.read(), encoding=encoding, source=str(path))
