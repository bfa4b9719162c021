"""The engine end to end on a made-up system's field list."""

import pytest

from mappings.suggest import (
    Decision,
    DecisionSet,
    Engine,
    FieldList,
    FieldSpec,
    UnknownObjectError,
    field_list_from_sample,
)


def test_one_suggestion_per_field_in_input_order(acme_bill: FieldList) -> None:
    report = Engine().suggest(acme_bill)
    assert report.object == "invoice"
    assert [s.source for s in report.suggestions] == [f.path for f in acme_bill.fields]


def test_obvious_fields_map_and_metadata_abstains(acme_bill: FieldList) -> None:
    got = {s.source: s.target for s in Engine().suggest(acme_bill).suggestions}
    assert got["DocNo"] == "invoice.number"
    assert got["TxnDate"] == "invoice.issue_date"
    assert got["DueDt"] == "invoice.due_date"
    assert got["CurrencyCode"] == "invoice.currency"
    assert got["TotalAmt"] == "invoice.total"
    assert got["Line[].Amount"] == "invoice.lines[].net_amount"
    assert got["Line[].Qty"] == "invoice.lines[].quantity"
    assert got["Line[].CostCenter"] == "invoice.lines[].dimensions.cost_center"
    assert got["SyncToken"] is None


def test_pointers_map_to_what_they_point_at(acme_bill: FieldList) -> None:
    got = {s.source: s.target for s in Engine().suggest(acme_bill).suggestions}
    assert got["VendorRef"] == "invoice.party_id"
    assert got["Line[].AccountRef.value"] == "invoice.lines[].account_code"


def test_confidences_are_probabilities_and_reasons_are_given(acme_bill: FieldList) -> None:
    for s in Engine().suggest(acme_bill).suggestions:
        assert 0.0 <= s.confidence <= 1.0
        assert s.reasons
        assert all(a.target != s.target for a in s.alternatives)
        assert len(s.alternatives) <= 3


def test_no_two_top_level_fields_claim_one_target() -> None:
    fields = FieldList(
        object="Bill",
        fields=[
            FieldSpec(path="Total", type="number"),
            FieldSpec(path="TotalAmount", type="number"),
        ],
    )
    targets = [s.target for s in Engine().suggest(fields, "invoice").suggestions]
    assert targets.count("invoice.total") == 1


def test_an_accepted_pair_comes_back_with_high_confidence(acme_bill: FieldList) -> None:
    decisions = DecisionSet(
        [Decision(source="SyncToken", target="invoice.reference", accepted=True)]
    )
    got = {s.source: s for s in Engine().suggest(acme_bill, decisions=decisions).suggestions}
    assert got["SyncToken"].target == "invoice.reference"
    assert got["SyncToken"].confidence >= 0.95


def test_a_rejected_pair_is_never_proposed(acme_bill: FieldList) -> None:
    decisions = DecisionSet([Decision(source="DocNo", target="invoice.number", accepted=False)])
    s = next(
        x
        for x in Engine().suggest(acme_bill, decisions=decisions).suggestions
        if x.source == "DocNo"
    )
    assert s.target != "invoice.number"
    assert all(a.target != "invoice.number" for a in s.alternatives)


def test_threshold_turns_weak_targets_into_abstentions(acme_bill: FieldList) -> None:
    report = Engine().suggest(acme_bill, threshold=1.0)
    assert all(s.target is None for s in report.suggestions)


def test_unknown_target_object_is_refused(acme_bill: FieldList) -> None:
    with pytest.raises(UnknownObjectError, match="unknown target object 'bill'"):
        Engine().suggest(acme_bill, "bill")
    with pytest.raises(UnknownObjectError, match="no target object"):
        Engine().suggest(FieldList(fields=[FieldSpec(path="x")]))


def test_a_sample_record_becomes_a_field_list() -> None:
    sample = {"Id": "9", "Lines": [{"Amount": 10.5, "Tax": {"Code": "VAT20"}}], "Tags": ["a"]}
    fl = field_list_from_sample(sample, target_object="invoice")
    paths = {f.path: f for f in fl.fields}
    assert set(paths) == {"Id", "Lines[].Amount", "Lines[].Tax.Code", "Tags[]"}
    assert paths["Lines[].Amount"].type == "number"
    assert paths["Lines[].Amount"].examples == [10.5]
    with pytest.raises(ValueError, match="JSON object"):
        field_list_from_sample(["not a record"])


def test_three_hundred_fields_get_one_suggestion_each_in_order() -> None:
    # The time it takes is measured by benchmarks/suggest.py (a timed unit test on a shared
    # machine measures the machine's load).
    fields = [
        FieldSpec(path=f"Group{i % 7}[].FieldNumber{i}Amt", type="number") for i in range(300)
    ]
    report = Engine().suggest(FieldList(object="Big", fields=fields), "invoice")
    assert [s.source for s in report.suggestions] == [f.path for f in fields]


def _targets(object_name: str, fields: list[dict[str, object]]) -> dict[str, str | None]:
    field_list = FieldList.model_validate({"object": "Record", "fields": fields})
    return {s.source: s.target for s in Engine().suggest(field_list, object_name).suggestions}


def test_familiar_leaves_under_unfamiliar_parents_and_run_together_names_map() -> None:
    got = _targets(
        "supplier",
        [
            {"path": "vendorid", "type": "string"},
            {"path": "COMPANYNAME", "type": "string"},
            {"path": "BillAddr.City", "type": "string"},
            {"path": "BillAddr.PostalCode", "type": "string"},
            {"path": "shipping.address.country", "type": "string", "examples": ["DE"]},
        ],
    )
    assert got["vendorid"] == "supplier.remote_id"
    assert got["COMPANYNAME"] == "supplier.name"
    assert got["BillAddr.City"] == "supplier.addresses[].city"
    assert got["BillAddr.PostalCode"] == "supplier.addresses[].postal_code"
    assert got["shipping.address.country"] == "supplier.addresses[].country"


def test_run_together_bill_fields_map_like_their_spaced_names() -> None:
    got = _targets(
        "invoice",
        [
            {"path": "billno", "type": "string"},
            {"path": "datedue", "type": "date"},
            {"path": "ponumber", "type": "string"},
            {"path": "billitems.lineitem[].glaccountno", "type": "string"},
            {"path": "billitems.lineitem[].amount", "type": "decimal"},
        ],
    )
    assert got["billno"] == "invoice.number"
    assert got["datedue"] == "invoice.due_date"
    assert got["ponumber"] == "invoice.purchase_order_number"
    assert got["billitems.lineitem[].glaccountno"] == "invoice.lines[].account_code"
    assert got["billitems.lineitem[].amount"] == "invoice.lines[].net_amount"


def test_an_unreadable_name_does_not_make_an_abstention_surer() -> None:
    fields = [
        {"path": "Zyxwvutq", "type": "string"},
        {"path": "SyncToken", "type": "string", "description": "Version for optimistic locking"},
    ]
    field_list = FieldList.model_validate({"object": "Bill", "fields": fields})
    report = Engine().suggest(field_list, "invoice")
    unreadable, metadata = report.suggestions
    assert unreadable.target is None
    assert metadata.target is None
    # the unknown word is no evidence of "no counterpart": the abstention is not surer than
    # one on a field the engine can read as internal metadata
    assert unreadable.confidence < 0.99
    assert unreadable.confidence <= metadata.confidence


def test_a_party_list_fills_a_scalar_only_when_the_record_has_no_field_of_its_own() -> None:
    # MYOB keeps e-mail, phone and website in the address list, Xero the phone in `Phones[]`:
    # with no field of the record's own naming them, the list's element fills the scalar.
    alone = _targets(
        "supplier",
        [
            {"path": "CompanyName", "type": "string"},
            {"path": "Addresses[].City", "type": "string"},
            {"path": "Addresses[].Email", "type": "string"},
            {"path": "Addresses[].Website", "type": "string"},
            {"path": "Phones[].PhoneNumber", "type": "string"},
        ],
    )
    assert alone["Addresses[].City"] == "supplier.addresses[].city"
    assert alone["Addresses[].Email"] == "supplier.email"
    assert alone["Addresses[].Website"] == "supplier.website"
    assert alone["Phones[].PhoneNumber"] == "supplier.phone"
    # beside the record's own e-mail and phone, the address's copies have no counterpart
    beside = _targets(
        "supplier",
        [
            {"path": "CompanyName", "type": "string"},
            {"path": "Email", "type": "string"},
            {"path": "Phone", "type": "string"},
            {"path": "Addresses[].Email", "type": "string"},
            {"path": "Phones[].PhoneNumber", "type": "string"},
        ],
    )
    assert beside["Email"] == "supplier.email"
    assert beside["Phone"] == "supplier.phone"
    assert beside["Addresses[].Email"] is None
    assert beside["Phones[].PhoneNumber"] is None


def test_a_document_list_never_fills_the_documents_own_scalar() -> None:
    got = _targets(
        "invoice",
        [
            {"path": "number", "type": "string"},
            {"path": "notes[].note", "type": "string"},
            {"path": "linked_orders[].document_number", "type": "string"},
            {"path": "taxes[].tax_amount", "type": "decimal"},
        ],
    )
    assert got["number"] == "invoice.number"
    assert got["notes[].note"] is None
    assert got["linked_orders[].document_number"] is None
    assert got["taxes[].tax_amount"] is None
