"""Fixtures for the family tests; the builders are in builders.py."""

import pytest

from lantern.family.tests.builders import Family, build_family


@pytest.fixture
def family(world) -> Family:
    return build_family(world)
