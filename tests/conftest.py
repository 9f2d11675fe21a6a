import os

import pytest
from hypothesis import HealthCheck, settings

# Full-size slow checks with PTFT_FULL=1 (make test-full); the default run uses reduced sizes.
FULL = os.environ.get("PTFT_FULL") == "1"
# Derandomized: every run (and CI) draws the same examples, so a red run reproduces; set
# PTFT_HYPOTHESIS=explore to draw fresh random examples instead.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
settings.register_profile("explore", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("PTFT_HYPOTHESIS", "default"))


@pytest.fixture(scope="session")
def full():
    return FULL
