"""List structure and type compatibility."""

import pytest

from mappings.suggest.engine import Engine
from mappings.suggest.features import FEATURES
from mappings.suggest.models import FieldList
from mappings.suggest.structure import normalize_type, source_context, target_context, type_fit


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("LineItems[].Quantity", "line"),
        ("expense.items[].amount", "line"),
        ("addressBook.items[].addressBookAddress.city", "address"),
        ("to_BusinessPartnerBank[].IBAN", "bank"),
        ("apply.items[].amount", "allocation"),
        ("to_SupplierInvoiceTax[].TaxAmount", "tax"),
        ("to_SupplierInvoiceItemGLAcct[].GLAccount", "line"),
        ("Phones[].PhoneNumber", "other"),
        ("Total", None),
    ],
)
def test_the_list_a_field_sits_in_is_classified(path: str, kind: str | None) -> None:
    assert source_context(path).kind == kind


def test_target_lists_have_kinds() -> None:
    assert target_context("invoice.lines[].net_amount") == ("line", 1)
    assert target_context("supplier.addresses[].city") == ("address", 1)
    assert target_context("invoice.total") == (None, 0)


@pytest.mark.parametrize(
    ("raw", "coarse"),
    [
        ("Edm.Decimal", "number"),
        ("Edm.DateTimeOffset", "datetime"),
        ("date-time", "datetime"),
        ("uuid", "id"),
        ("string", "string"),
        ("Edm.Boolean", "boolean"),
        ("something odd", "unknown"),
    ],
)
def test_vendor_types_are_normalized(raw: str, coarse: str) -> None:
    assert normalize_type(raw) == coarse


def test_type_fit_orders_compatible_types_first() -> None:
    assert type_fit("number", "money") == 1.0
    assert type_fit("date", "money") == 0.0
    assert type_fit("unknown", "money") == 0.5


@pytest.mark.parametrize(
    ("path", "kind", "depth"),
    [
        ("BillAddr.City", "address", 1),
        ("shipping.address.postal_code", "address", 1),
        ("billing_address.zip", "address", 1),
        ("bank_details.iban", "bank", 1),
        ("billitems.lineitem[].amount", "line", 1),
        # an electronic address is not a postal one
        ("WebAddr.URI", None, 0),
        ("PrimaryEmailAddr.Address", None, 0),
        # a reference to a record is not the record's fields
        ("location.id", None, 0),
        ("Terms.DueDate", None, 0),
    ],
)
def test_a_leaf_is_read_in_the_context_of_its_parent(
    path: str, kind: str | None, depth: int
) -> None:
    ctx = source_context(path)
    assert (ctx.kind, ctx.depth) == (kind, depth)


def test_lift_scalars_clears_the_conflict_only_of_an_unrivalled_party_field() -> None:
    def conflicts(paths: list[str]) -> dict[str, float]:
        fl = FieldList.model_validate(
            {"object": "Contact", "fields": [{"path": p, "type": "string"} for p in paths]}
        )
        out = {}
        for f in Engine().options(fl, "supplier"):
            for o in f.options:
                if o.target == "supplier.email":
                    out[f.view.spec.path] = o.features[FEATURES.index("list_conflict")]
        return out

    assert conflicts(["Addresses[].Email", "Name"])["Addresses[].Email"] == 0.0
    assert conflicts(["Addresses[].Email", "EmailAddress"])["Addresses[].Email"] == 1.0
