"""limit_blas_threads sets every loaded BLAS to the asked thread count, as threadpoolctl reports it."""

import numpy as np  # noqa: F401  (loads numpy's BLAS)
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from ptft_theory.errors import ParameterError
from ptft_theory.experiments.sweep import limit_blas_threads


def test_limit_blas_threads_sets_every_blas():
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    with threadpool_limits(limits=None):  # restore the process's limits afterwards
        assert limit_blas_threads(1) == len(blas) >= 1
        assert all(i["num_threads"] == 1 for i in threadpool_info() if i["user_api"] == "blas")


def test_limit_blas_threads_refuses_bad_counts():
    with pytest.raises(ParameterError, match="n=0"):
        limit_blas_threads(0)
