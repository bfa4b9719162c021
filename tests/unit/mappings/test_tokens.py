"""Tokenization of source field names."""

import pytest

from mappings.suggest.tokens import (
    containment,
    dice,
    head_phrase,
    segment,
    split_name,
    split_path,
    split_text,
)


def test_camel_case_with_acronyms_splits_into_words() -> None:
    assert split_name("SWIFTCode") == ("swift", "code")
    assert split_name("GLAccount") == ("general", "ledger", "account")
    assert split_name("BusinessPartnerFullName") == ("business", "partner", "full", "name")


def test_abbreviations_are_expanded() -> None:
    assert split_name("TotalAmt") == ("total", "amount")
    assert split_name("DueDt") == ("due", "date")
    assert split_name("qty") == ("quantity",)
    assert split_name("DocNo") == ("document", "number")
    assert split_name("DocumentCurrency") == split_name("doc_crcy")


def test_digits_are_their_own_token() -> None:
    assert split_name("tax1Amt") == ("tax", "1", "amount")
    assert split_name("addr_line_2") == ("address", "line", "2")


def test_snake_and_kebab_case_split_like_camel_case() -> None:
    assert split_name("due_date") == split_name("dueDate") == split_name("due-date")


def test_plurals_fold_to_the_singular() -> None:
    assert split_name("LineItems") == ("line", "item")
    assert split_name("Addresses") == ("address",)
    assert split_name("Taxes") == ("tax",)
    assert split_name("Status") == ("status",)


def test_synonyms_meet_on_one_concept() -> None:
    assert split_name("VendorName") == split_name("SupplierName")
    assert split_name("BillDate") == split_name("InvoiceDate")
    assert split_name("Creditor") == split_name("Supplier")


def test_stop_words_are_dropped() -> None:
    assert split_name("AmountInTransactionCurrency") == ("amount", "transaction", "currency")
    assert "the" not in split_text("The date the invoice is due")


def test_split_path_marks_list_elements() -> None:
    segs = split_path("LineItems[].Tracking[].Name")
    assert [s.raw for s in segs] == ["LineItems", "Tracking", "Name"]
    assert [s.is_list for s in segs] == [True, True, False]
    assert segs[0].tokens == ("line", "item")


def test_overlap_measures() -> None:
    assert dice(("due", "date"), ("due", "date")) == 1.0
    assert dice(("due", "date"), ()) == 0.0
    assert containment(("tax", "amount"), {"tax", "amount", "line"}) == 1.0
    assert containment(("tax", "amount"), {"tax"}) == 0.5


def test_head_phrase_drops_the_qualifier_after_a_preposition() -> None:
    assert head_phrase("AmountInTransactionCurrency") == ("amount",)
    assert head_phrase("BillingQuantityInBaseUnit") == ("invoice", "quantity")
    assert head_phrase("InvoiceDate") == ()


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("datedue", ("date", "due")),
        ("billno", ("invoice", "number")),
        ("vendorid", ("supplier", "id")),
        ("ponumber", ("purchase", "order", "number")),
        ("glaccountno", ("general", "ledger", "account", "number")),
        ("PAYMENTDATE", ("payment", "date")),
        ("AMOUNTTOPAY", ("amount", "pay")),
        ("FINANCIALENTITY", ("financial", "entity")),
        ("customfields", ("custom", "field")),
        ("lineitem", ("line", "item")),
        ("BillAddr", ("invoice", "address")),
        ("TOTAL_AMOUNT", ("total", "amount")),
    ],
)
def test_run_together_names_are_split_into_words(name: str, words: tuple[str, ...]) -> None:
    assert split_name(name) == words


def test_the_segmenter_keeps_known_and_unspellable_words_whole() -> None:
    # a word the lexicon knows is not cut into smaller known words
    assert segment("address") == ("address",)
    assert segment("dunning") == ("dunning",)
    # a run the known words cannot spell completely stays whole (and counts as unknown)
    assert segment("subscription") == ("subscription",)
    assert segment("xqzvendor") == ("xqzvendor",)
    # mixed case is split by case first; only single-case runs are segmented
    assert split_name("dueDate") == ("due", "date")
    assert segment("PAYMENTDATE") == ("payment", "date")
