"""Tax numbers checked with python-stdnum where it knows the country's scheme."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from stdnum import get_cc_module
from stdnum.exceptions import ValidationError as StdnumError


@dataclass(frozen=True)
class TaxNumberCheck:
    """`valid` is True or False where a scheme was found, None where none is known."""

    valid: bool | None
    scheme: str | None
    message: str


@lru_cache(maxsize=512)
def _module(country: str, kind: str) -> ModuleType | None:
    try:
        module: ModuleType | None = get_cc_module(country.lower(), kind)  # type: ignore[assignment]
    except (ImportError, ValueError):
        return None
    return module


def check_tax_number(number: str, country: str | None) -> TaxNumberCheck:
    """Check a tax number by its VAT prefix (`DE123...`) or the party's country.

    An unknown scheme is reported (valid=None), never refused: many countries' numbers have no
    checksum, and a hub must not reject a real supplier for our lack of knowledge.
    """
    compact = number.replace(" ", "").replace("-", "").replace(".", "")
    candidates: list[str] = []
    if len(compact) > 2 and compact[:2].isalpha():
        candidates.append(compact[:2].upper())
    if country:
        candidates.append(country.upper())
    for cc in dict.fromkeys(candidates):
        for kind in ("vat", "tin"):
            module = _module("gr" if cc == "EL" else cc, kind)
            if module is None:
                continue
            scheme = str(getattr(module, "__name__", kind)).removeprefix("stdnum.")
            try:
                module.validate(number)
            except StdnumError as exc:
                return TaxNumberCheck(False, scheme, f"not a valid {scheme} number: {exc}")
            return TaxNumberCheck(True, scheme, f"valid {scheme} number")
    where = country or "its country"
    return TaxNumberCheck(None, None, f"no tax-number scheme known for {where}; not checked")
