import os

import pytest
from hypothesis import HealthCheck, settings

# Full-size slow checks with PTFT_FULL=1 (make test-full); the default run uses reduced sizes.
FULL = os.environ.get("PTFT_FULL") == "1"
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


@pytest.fixture(scope="session")
def full():
    return FULL
