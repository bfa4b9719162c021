"""Journal entry rules of canonical-v1: two lines at least, one side per line, balanced."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest

from canonical import JournalEntry, JournalStatus, Record

Errors = Callable[[type[Record], Mapping[str, Any]], dict[str, str]]


def test_balanced_journal_entry_parses(journal_data: dict[str, Any]) -> None:
    entry = JournalEntry.parse({**journal_data, "status": "posted"})
    assert entry.status is JournalStatus.POSTED
    assert sum(line.debit for line in entry.lines) == Decimal("100.00")
    assert entry.lines[2].debit == 0
    assert entry.id.startswith("jnl_")


def test_journal_entry_needs_at_least_two_lines(
    journal_data: dict[str, Any], errors: Errors
) -> None:
    journal_data["lines"] = [{"account_code": "6200", "debit": "0.00", "credit": "0.00"}]
    found = errors(JournalEntry, journal_data)
    assert found["journal_entry.lines"] == "a journal entry needs at least two lines, it has 1"


def test_journal_entry_without_lines_is_refused(
    journal_data: dict[str, Any], errors: Errors
) -> None:
    journal_data["lines"] = []
    assert errors(JournalEntry, journal_data) == {
        "journal_entry.lines": "a journal entry needs at least two lines, it has 0"
    }


def test_lines_are_required(journal_data: dict[str, Any], errors: Errors) -> None:
    del journal_data["lines"]
    assert errors(JournalEntry, journal_data) == {"journal_entry.lines": "is required"}


def test_unbalanced_entry_is_refused_with_both_totals(
    journal_data: dict[str, Any], errors: Errors
) -> None:
    journal_data["lines"][2]["credit"] = "99.99"
    assert errors(JournalEntry, journal_data) == {
        "journal_entry.lines": "debits 100.00 ≠ credits 99.99"
    }


def test_line_with_both_debit_and_credit_is_refused(
    journal_data: dict[str, Any], errors: Errors
) -> None:
    journal_data["lines"][1]["credit"] = "30.00"
    journal_data["lines"].append({"account_code": "1740", "credit": "0.00", "debit": "30.00"})
    found = errors(JournalEntry, journal_data)
    assert found == {
        "journal_entry.lines[1]": "a line has exactly one of debit or credit positive; "
        "this one has both debit and credit"
    }


def test_line_with_neither_debit_nor_credit_is_refused(
    journal_data: dict[str, Any], errors: Errors
) -> None:
    journal_data["lines"].append({"account_code": "9999"})
    assert errors(JournalEntry, journal_data) == {
        "journal_entry.lines[3]": "a line has exactly one of debit or credit positive; "
        "this one has neither debit nor credit"
    }


def test_negative_debit_is_refused(journal_data: dict[str, Any], errors: Errors) -> None:
    journal_data["lines"][0]["debit"] = "-70.00"
    journal_data["lines"][2]["credit"] = "-40.00"
    found = errors(JournalEntry, journal_data)
    assert found["journal_entry.lines[0]"] == "debit and credit cannot be negative"


def test_line_party_must_be_a_supplier_or_customer(
    journal_data: dict[str, Any], errors: Errors
) -> None:
    journal_data["lines"][0]["party_id"] = "acme"
    assert errors(JournalEntry, journal_data) == {
        "journal_entry.lines[0].party_id": "'acme' is not the hub id of a supplier or customer "
        "(sup_... or cus_...)"
    }


def test_line_account_code_is_required(journal_data: dict[str, Any], errors: Errors) -> None:
    del journal_data["lines"][1]["account_code"]
    assert errors(JournalEntry, journal_data) == {
        "journal_entry.lines[1].account_code": "is required"
    }


@pytest.mark.parametrize(
    ("currency", "amount", "ok"), [("BHD", "0.125", True), ("BHD", "0.1255", False)]
)
def test_journal_amounts_follow_the_currency(
    journal_data: dict[str, Any], currency: str, amount: str, ok: bool
) -> None:
    journal_data["currency"] = currency
    journal_data["lines"] = [
        {"account_code": "1", "debit": amount},
        {"account_code": "2", "credit": amount},
    ]
    if ok:
        assert JournalEntry.parse(journal_data).lines[0].debit == Decimal(amount)
    else:
        with pytest.raises(ValueError, match=r"lines\[0\]\.debit: 0\.1255 has more than 3"):
            JournalEntry.parse(journal_data)


def test_journal_status_outside_the_contract_is_refused(
    journal_data: dict[str, Any], errors: Errors
) -> None:
    journal_data["status"] = "approved"
    assert errors(JournalEntry, journal_data) == {
        "journal_entry.status": "'approved' is not one of 'draft', 'posted' or 'voided'"
    }
