"""The prior-decisions interface."""

import pytest
from pydantic import ValidationError

from mappings.suggest import Decision, DecisionSet


def test_last_decision_on_a_pair_wins() -> None:
    ds = DecisionSet()
    ds.add(Decision(source="Total", target="invoice.total", accepted=False))
    assert ds.rejected("Total", "invoice.total")
    ds.add(Decision(source="Total", target="invoice.total", accepted=True))
    assert not ds.rejected("Total", "invoice.total")
    assert ds.accepted("Total") == (True, "invoice.total")
    ds.add(Decision(source="Total", target="invoice.total", accepted=False))
    assert ds.accepted("Total") == (False, None)


def test_accepting_no_counterpart_is_a_decision_too() -> None:
    ds = DecisionSet([Decision(source="SyncToken", target=None, accepted=True)])
    assert ds.accepted("SyncToken") == (True, None)
    assert len(ds) == 1


def test_decisions_read_from_json() -> None:
    ds = DecisionSet.from_json('[{"source": "A", "target": "invoice.total", "accepted": false}]')
    assert ds.rejected("A", "invoice.total")
    with pytest.raises(ValidationError):
        DecisionSet.from_json('{"source": "A"}')
