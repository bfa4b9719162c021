"""Errors of the store itself (the connector error tree covers everything an ERP does)."""

from __future__ import annotations


class NotFound(LookupError):
    """No row with that id."""
