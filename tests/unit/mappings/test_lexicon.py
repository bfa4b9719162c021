"""The finance lexicon and the candidate targets built from it."""

from canonical import OBJECTS
from mappings.suggest.features import candidates
from mappings.suggest.lexicon import aliases
from mappings.suggest.tokens import split_name


def test_every_candidate_target_has_names_to_match() -> None:
    for obj in OBJECTS:
        for cand in candidates(obj):
            assert cand.alias_tokens, cand.path


def test_hub_bookkeeping_is_never_a_candidate() -> None:
    paths = {c.path for c in candidates("invoice")}
    assert "invoice.id" not in paths
    assert "invoice.version" not in paths
    assert "invoice.remote_data" not in paths
    assert "invoice.remote_id" in paths
    assert "invoice.lines[].dimensions.cost_center" in paths


def test_aliases_cover_common_names_for_invoice_fields() -> None:
    names = {tuple(split_name(a)) for a in aliases("invoice", "invoice.issue_date")}
    assert split_name("TxnDate") in names
    assert split_name("DocumentDate") in names
    due = {tuple(split_name(a)) for a in aliases("invoice", "invoice.amount_due")}
    assert split_name("Balance") in due


def test_party_aliases_differ_by_object_for_the_default_account() -> None:
    supplier = aliases("supplier", "supplier.default_account_code")
    customer = aliases("customer", "customer.default_account_code")
    assert "expense account" in supplier
    assert "revenue account" in customer
