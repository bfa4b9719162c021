"""Fixtures of the adapter contract tests (loaded with `pytest_plugins` by the test module).

`erp` is parametrised over `adapter_fixtures.ERPS`, so every test runs once per ERP; `sandboxes`
starts that ERP's sandboxes and stops them after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.contract.adapter_fixtures import ERPS, ErpUnderTest, RunningSandbox


@pytest.fixture(params=ERPS, ids=lambda erp: erp.name)
def erp(request: pytest.FixtureRequest) -> ErpUnderTest:
    """The ERP under test."""
    under_test: ErpUnderTest = request.param
    return under_test


@pytest.fixture
def sandboxes(erp: ErpUnderTest) -> Iterator[Callable[..., RunningSandbox]]:
    """Starts sandboxes of the ERP under test (seed, records, no_limits, limits, faults)."""
    started: list[RunningSandbox] = []

    def start(**options: Any) -> RunningSandbox:
        sandbox = erp.start_sandbox(**options)
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()
