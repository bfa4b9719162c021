"""Deterministic fictional data for sandboxes: the same seed always gives the same records.

Every generator takes its own named stream (`Fake(seed, "contacts")`), so adding a field to one
kind of record does not shift the random numbers of another and golden snapshots stay stable.
Names, addresses and domains are invented; nothing here refers to a real business.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

__all__ = ["BASE_DATE", "Fake"]

T = TypeVar("T")

# Seeded records are dated before this instant so their UpdatedDateUTC lies in the past and
# never depends on when the sandbox starts.
BASE_DATE = datetime(2026, 1, 1, tzinfo=UTC)

_PREFIXES = (
    "Amber",
    "Birch",
    "Cobalt",
    "Dune",
    "Ember",
    "Fern",
    "Granite",
    "Harbor",
    "Indigo",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nimbus",
    "Onyx",
    "Pebble",
    "Quill",
    "Russet",
    "Saffron",
    "Tidal",
    "Umber",
    "Velvet",
    "Willow",
    "Yarrow",
    "Zephyr",
    "Alder",
    "Brindle",
    "Cinder",
    "Drift",
    "Elm",
)
_NOUNS = (
    "Works",
    "Supply",
    "Studio",
    "Partners",
    "Foods",
    "Logistics",
    "Print",
    "Labs",
    "Textiles",
    "Joinery",
    "Optics",
    "Bakery",
    "Garden",
    "Freight",
    "Ceramics",
    "Audio",
    "Robotics",
    "Dairy",
    "Outfitters",
    "Analytics",
    "Brewing",
    "Cabinetry",
    "Courier",
    "Medical",
    "Marine",
)
_SUFFIXES = ("Ltd", "Limited", "& Co", "Group", "Trading", "Collective", "Holdings", "")
_FIRST = (
    "Ada",
    "Bram",
    "Cleo",
    "Dario",
    "Elin",
    "Fitz",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kaia",
    "Lior",
    "Mira",
    "Nils",
    "Orla",
    "Pavel",
    "Quinn",
    "Rosa",
    "Soren",
    "Tova",
    "Ugo",
    "Vera",
)
_LAST = (
    "Abernathy",
    "Brightwater",
    "Castellane",
    "Dunmore",
    "Eastwick",
    "Fairweather",
    "Glenholme",
    "Hollowell",
    "Ivesdale",
    "Kettering",
    "Larkspur",
    "Merriweather",
    "Northcott",
    "Oakhurst",
    "Pemberton",
    "Quarrington",
    "Rookwood",
    "Stillwater",
    "Thistlewood",
    "Wrenfield",
)
_STREETS = ("Quarry", "Lantern", "Mill", "Orchard", "Kiln", "Ferry", "Beacon", "Copper", "Heath")
_STREET_KINDS = ("Road", "Street", "Lane", "Way", "Terrace", "Crescent")
_CITIES = ("Northvale", "Eastbrook", "Westmere", "Southport Bay", "Highcliff", "Lowmoor")
_WORDS = (
    "consulting",
    "materials",
    "maintenance",
    "licences",
    "freight",
    "catering",
    "repairs",
    "hosting",
    "design",
    "training",
    "cleaning",
    "equipment hire",
    "stationery",
    "legal review",
)


class Fake:
    """A seeded source of fictional values; `stream` names an independent random sequence."""

    def __init__(self, seed: int, stream: str = "") -> None:
        self.rng = random.Random(f"{seed}:{stream}")  # noqa: S311 - test data, not security

    def uuid(self) -> str:
        """A random-looking but reproducible UUID (version 4 layout)."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def chance(self, probability: float) -> bool:
        """True with the given probability."""
        return self.rng.random() < probability

    def choice(self, items: Sequence[T]) -> T:
        """One item of a non-empty sequence."""
        return items[self.rng.randrange(len(items))]

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return self.rng.randint(low, high)

    def money(self, low: Decimal | int, high: Decimal | int, places: int = 2) -> Decimal:
        """A Decimal in [low, high] with exactly `places` decimals (never through float)."""
        scale = 10**places
        cents = self.rng.randint(int(Decimal(low) * scale), int(Decimal(high) * scale))
        return Decimal(cents).scaleb(-places)

    def company(self) -> str:
        """A fictional company name (not necessarily unique: see `unique`)."""
        suffix = self.choice(_SUFFIXES)
        name = f"{self.choice(_PREFIXES)} {self.choice(_NOUNS)}"
        return f"{name} {suffix}" if suffix else name

    def person(self) -> tuple[str, str]:
        """A fictional (first name, last name)."""
        return self.choice(_FIRST), self.choice(_LAST)

    def email(self, name: str) -> str:
        """An address on a reserved example domain, derived from a name."""
        local = "".join(ch for ch in name.lower().replace(" ", ".") if ch.isalnum() or ch == ".")
        return f"{local.strip('.') or 'info'}@example.com"

    def phone(self) -> tuple[str, str]:
        """(area code, number) in a fictional 555 range."""
        return f"0{self.integer(2, 9)}", f"555-{self.integer(1000, 9999)}"

    def street(self) -> str:
        """A fictional street address line."""
        return f"{self.integer(1, 240)} {self.choice(_STREETS)} {self.choice(_STREET_KINDS)}"

    def city(self) -> str:
        """A fictional city."""
        return self.choice(_CITIES)

    def postcode(self) -> str:
        """A four-digit postcode."""
        return str(self.integer(1000, 9899))

    def words(self) -> str:
        """A short line description."""
        return self.choice(_WORDS).capitalize()

    def day_between(self, start: date, end: date) -> date:
        """A date in [start, end]."""
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def moment_between(self, start: datetime, end: datetime) -> datetime:
        """A UTC datetime in [start, end] with millisecond precision."""
        span_ms = int((end - start).total_seconds() * 1000)
        return start + timedelta(milliseconds=self.rng.randint(0, max(0, span_ms)))

    @staticmethod
    def unique(name: str, taken: set[str]) -> str:
        """`name`, or `name 2`, `name 3`, ... whichever is not yet in `taken`; records it."""
        candidate, counter = name, 1
        while candidate.lower() in taken:
            counter += 1
            candidate = f"{name} {counter}"
        taken.add(candidate.lower())
        return candidate
