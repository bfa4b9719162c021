"""Value profiling of example values."""

import pytest

from mappings.suggest.profile import classify_value, profile, profile_fit


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("DE89370400440532013000", "iban"),
        ("DE89 3704 0044 0532 0130 00", "iban"),
        ("COBADEFFXXX", "bic"),
        ("EUR", "currency"),
        ("NZ", "country"),
        ("ap@acme.example", "email"),
        ("2024-03-01", "date"),
        ("2024-03-01T10:15:00Z", "datetime"),
        ("/Date(1709251200000+0000)/", "datetime"),
        ("1250.00", "decimal"),
        ("42", "integer"),
        (True, "boolean"),
        ("297c2dc5-cc47-4afd-8ec8-74990b8761e9", "uuid"),
        ("https://acme.example", "url"),
        ("Office chairs", "text"),
    ],
)
def test_values_are_classified(value: object, kind: str) -> None:
    assert classify_value(value) == kind


def test_profile_takes_the_dominant_kind_and_none_without_examples() -> None:
    assert profile(["EUR", "USD", "oops"]) == "currency"
    assert profile([]) is None
    assert profile([None, ""]) is None


def test_profile_fit_rewards_matches_and_punishes_contradictions() -> None:
    assert profile_fit("iban", "iban") == 1.0
    assert profile_fit("date", "money") == -1.0
    assert profile_fit(None, "money") == 0.0
