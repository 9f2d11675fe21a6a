#!/usr/bin/env bash
# Make sure Debian's dataset-fashion-mnist is installed (the real-image tests and the ResNet evidence
# run use it).  No-op when the files are there; installs with apt-get when run as root; otherwise
# prints what to do and exits 0 (the realdata tests then fail with a message naming the path).
set -u
ROOT="${PTFT_FASHION_MNIST_ROOT:-/usr/share/datasets/fashion-mnist}"
if [ -f "$ROOT/train-images-idx3-ubyte.gz" ] && [ -f "$ROOT/t10k-labels-idx1-ubyte.gz" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_fashion_mnist: installing dataset-fashion-mnist with apt-get" >&2
    if apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1 || \
       { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1; }; then
        exit 0
    fi
    echo "ensure_fashion_mnist: apt-get install dataset-fashion-mnist failed" >&2
    exit 0
fi
echo "ensure_fashion_mnist: Fashion-MNIST not found in $ROOT; install it with" >&2
echo "    sudo apt-get install dataset-fashion-mnist" >&2
echo "(or set PTFT_FASHION_MNIST_ROOT to a folder holding the idx .gz files)" >&2
exit 0
