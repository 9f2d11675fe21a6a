"""ptft_theory.scales: the FT scales k and start b0."""

import pytest

from ptft_theory import ParameterError, ft_scales


def test_ft_scales_overflow_is_an_error():
    """Old code: k = inf returned silently at gamma_ft = 1e200 (k ~ gamma^2 = 1e400)."""
    with pytest.raises(ParameterError, match="gamma_ft is too large"):
        ft_scales([1.0], 1.0, 0.0, 1e200)
    k, _ = ft_scales([1.0], 1.0, 0.0, 1e150, "merged")  # 1e300: still a float64, exact to rounding
    assert k[0] == pytest.approx(1e300, rel=1e-15)
