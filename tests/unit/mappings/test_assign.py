"""One-to-one assignment across an object's fields."""

from mappings.suggest.assign import Ranked, assign


def test_two_fields_cannot_claim_the_same_target_in_one_context() -> None:
    strong = Ranked(0, "", [("invoice.total", 0.9), (None, 0.1)])
    weak = Ranked(1, "", [("invoice.total", 0.6), ("invoice.subtotal", 0.3), (None, 0.1)])
    out = assign([strong, weak])
    assert out[0].target == "invoice.total"
    assert out[1].target == "invoice.subtotal"
    assert out[1].lost_to == {"invoice.total": 0}
    assert out[1].displaced


def test_loser_abstains_when_nothing_better_than_none_is_left() -> None:
    strong = Ranked(0, "", [("invoice.total", 0.9), (None, 0.1)])
    weak = Ranked(1, "", [("invoice.total", 0.7), (None, 0.2), ("invoice.memo", 0.1)])
    out = assign([weak, strong])  # the input order does not matter: strength does
    assert out[0].target == "invoice.total"
    assert out[1].target is None
    # the fallback keeps its own probability: losing a rival does not make it surer
    assert out[1].share == 0.2


def test_fields_in_different_source_lists_may_share_a_target() -> None:
    expense = Ranked(0, "expense.items[]", [("invoice.lines[].net_amount", 0.9), (None, 0.1)])
    item = Ranked(1, "item.items[]", [("invoice.lines[].net_amount", 0.8), (None, 0.2)])
    out = assign([expense, item])
    assert out[0].target == out[1].target == "invoice.lines[].net_amount"


def test_a_fixed_field_claims_its_target_first() -> None:
    fixed = Ranked(0, "", [("invoice.total", 0.1), (None, 0.9)], "invoice.total", True)
    other = Ranked(1, "", [("invoice.total", 0.95), (None, 0.05)])
    out = assign([fixed, other])
    assert out[0].target == "invoice.total"
    assert out[0].share == 1.0
    assert out[1].target is None


def test_an_exchange_that_raises_the_joint_probability_is_made() -> None:
    # `reference_number` names the number a little better than `bill_number` does, but it is
    # nearly as likely the reference, while `bill_number` has only a weak second choice: the
    # joint outcome number <- bill_number, reference <- reference_number is the likelier one
    # (0.42 * 0.52 against 0.56 * 0.3)
    ref = Ranked(0, "", [("invoice.number", 0.56), ("invoice.reference", 0.42), (None, 0.02)])
    num = Ranked(1, "", [("invoice.number", 0.52), ("invoice.memo", 0.3), (None, 0.18)])
    out = assign([ref, num])
    assert out[1].target == "invoice.number"
    assert not out[1].displaced
    assert out[0].target == "invoice.reference"
    assert out[0].share == 0.42
    assert out[0].displaced
    assert out[0].lost_to == {"invoice.number": 1}


def test_no_exchange_when_the_stronger_field_has_nothing_else_likely() -> None:
    strong = Ranked(0, "", [("invoice.total", 0.9), ("invoice.subtotal", 0.02), (None, 0.08)])
    weak = Ranked(1, "", [("invoice.total", 0.6), (None, 0.4)])
    out = assign([strong, weak])
    assert out[0].target == "invoice.total"
    assert out[1].target is None
