"""Image data from local disk: CIFAR-100 (torchvision's on-disk format) and Fashion-MNIST (idx files).

Nothing is downloaded unless asked (``download=True``, CIFAR-100 only, through
``torchvision.datasets.CIFAR100``).  Both readers parse the files directly with numpy, so they need
no network and accept any data in the same format (the tests write a small synthetic CIFAR-100);
torchvision's own class would also verify the files' MD5 sums, which a synthetic fixture cannot pass.

* CIFAR-100: ``<root>/cifar-100-python/{train,test,meta}``, Python pickles (latin-1) with ``data``
  (N x 3072 uint8, channel-major 32x32 RGB), ``fine_labels`` and, in ``meta``, ``fine_label_names``.
  They are read by a restricted unpickler (:mod:`.safe_pickle`) that admits data only: a crafted file
  in ``--data-root`` gives an error naming it and runs nothing.
* Fashion-MNIST: ``<root>/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`` (as installed by
  Debian's ``dataset-fashion-mnist`` in :data:`FASHION_MNIST_DEFAULT_ROOT`).
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import pickle
from pathlib import Path

import numpy as np

from ...errors import ParameterError
from . import safe_pickle

DATASETS = ("cifar100", "fashion_mnist")
FASHION_MNIST_DEFAULT_ROOT = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                         "Bag", "Ankle boot")


@dataclasses.dataclass(frozen=True)
class ImageData:
    """One split of an image data set.

    Attributes:
        images: uint8 array (N, C, H, W).
        labels: int64 array (N,), class indices into ``class_names``.
        class_names: names of all classes of the data set.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def default_root(dataset: str) -> Path | None:
    """The default data root: ``$PTFT_DATA_ROOT`` if set, else the Debian path for Fashion-MNIST, else None."""
    env = os.environ.get("PTFT_DATA_ROOT")
    if env:
        return Path(env)
    return FASHION_MNIST_DEFAULT_ROOT if dataset == "fashion_mnist" else None


def load(dataset: str, root=None, *, download: bool = False) -> tuple[ImageData, ImageData]:
    """(train, test) splits of ``dataset`` from ``root`` (see the module docstring for the layouts).

    Raises
    ------
    ValueError
        Unknown data set, or no root given for CIFAR-100.
    FileNotFoundError
        The files are missing; the message names the path looked at.
    """
    if dataset not in DATASETS:
        raise ParameterError(f"dataset={dataset!r} is invalid; valid: {', '.join(DATASETS)}")
    root = Path(root) if root is not None else default_root(dataset)
    if root is None:
        raise ParameterError(f"data_root is required for dataset={dataset!r} (a folder holding cifar-100-python/, "
                         "or one to download into with --download)")
    if dataset == "cifar100":
        return load_cifar100(root, download=download)
    if download:
        raise ParameterError("download=True is supported for dataset='cifar100' only; Fashion-MNIST comes from "
                         "Debian's dataset-fashion-mnist (scripts/ensure_fashion_mnist.sh)")
    return load_fashion_mnist(root)


# ----------------------------------------------------------------------------------- CIFAR-100
def _unpickle(path: Path) -> dict:
    d = safe_pickle.load(path, encoding="latin1")
    if not isinstance(d, dict):
        raise ParameterError(f"{path}: not a CIFAR-100 batch (a pickled dict is expected, got {type(d).__name__})")
    return d


def _field(d: dict, key: str, path: Path):
    if key not in d:
        raise ParameterError(f"{path}: not a CIFAR-100 batch (key {key!r} is missing)")
    return d[key]


def load_cifar100(root, *, download: bool = False) -> tuple[ImageData, ImageData]:
    """CIFAR-100 (fine labels) from ``<root>/cifar-100-python``; ``download=True`` fetches it with torchvision first."""
    root = Path(root)
    folder = root / "cifar-100-python"
    if download:
        import torchvision  # noqa: PLC0415
        torchvision.datasets.CIFAR100(str(root), train=True, download=True)
    missing = [folder / n for n in ("train", "test", "meta") if not (folder / n).is_file()]
    if missing:
        raise FileNotFoundError(f"CIFAR-100 not found: {missing[0]} is missing (expected torchvision's layout "
                                f"{folder}/{{train,test,meta}}); pass --data-root to the folder holding "
                                "cifar-100-python/, or --download to fetch it (needs internet)")
    names = tuple(_field(_unpickle(folder / "meta"), "fine_label_names", folder / "meta"))
    splits = []
    for split in ("train", "test"):
        d = _unpickle(folder / split)
        _field(d, "fine_labels", folder / split)
        data = np.asarray(_field(d, "data", folder / split), dtype=np.uint8)
        if data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
            raise ParameterError(f"{folder / split}: data has shape {data.shape}; expected (N, 3072)")
        labels = np.asarray(d["fine_labels"], dtype=np.int64)
        splits.append(ImageData(data.reshape(-1, 3, 32, 32), labels, names))
    return splits[0], splits[1]


def write_cifar100_like(root, train_images, train_labels, test_images, test_labels, class_names) -> Path:
    """Write arrays in CIFAR-100's on-disk format (``<root>/cifar-100-python``); for tests and fixtures.

    Images are uint8 (N, 3, 32, 32).  Returns the ``cifar-100-python`` folder.
    """
    folder = Path(root) / "cifar-100-python"
    folder.mkdir(parents=True, exist_ok=True)
    for split, x, y in (("train", train_images, train_labels), ("test", test_images, test_labels)):
        x = np.asarray(x, dtype=np.uint8)
        rec = {"filenames": [f"{i}.png" for i in range(len(x))], "batch_label": split,
               "fine_labels": [int(v) for v in y], "coarse_labels": [0] * len(x),
               "data": x.reshape(len(x), -1)}
        with open(folder / split, "wb") as f:
            pickle.dump(rec, f)
    with open(folder / "meta", "wb") as f:
        pickle.dump({"fine_label_names": list(class_names), "coarse_label_names": ["all"]}, f)
    return folder


# ------------------------------------------------------------------------------- Fashion-MNIST
def _idx(path: Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[:4], "big")
    if magic >> 8 != 0x08:  # unsigned-byte idx files only
        raise ParameterError(f"{path}: not an unsigned-byte idx file (magic {magic:#x})")
    ndim = magic & 0xFF
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _find(root: Path, stem: str) -> Path:
    for name in (stem + ".gz", stem):
        if (root / name).is_file():
            return root / name
    raise FileNotFoundError(f"Fashion-MNIST not found: {root / (stem + '.gz')} is missing; install Debian's "
                            "dataset-fashion-mnist (scripts/ensure_fashion_mnist.sh) or pass --data-root")


def load_fashion_mnist(root=FASHION_MNIST_DEFAULT_ROOT) -> tuple[ImageData, ImageData]:
    """Fashion-MNIST (train 60,000, test 10,000; 1 x 28 x 28) from idx files."""
    root = Path(root)
    out = []
    for split in ("train", "t10k"):
        x = _idx(_find(root, f"{split}-images-idx3-ubyte"))
        y = _idx(_find(root, f"{split}-labels-idx1-ubyte")).astype(np.int64)
        out.append(ImageData(x[:, None, :, :], y, FASHION_MNIST_CLASSES))
    return out[0], out[1]
