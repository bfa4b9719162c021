"""The sandbox's SuiteQL subset: parsing, joins, filters, ordering and the account's time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from connectors.netsuite.sandbox import suiteql

LA = ZoneInfo("America/Los_Angeles")
TABLES: dict[str, list[dict[str, Any]]] = {
    "transaction": [
        {
            "id": 1,
            "type": "VendBill",
            "lastmodifieddate": datetime(2026, 3, 8, 7, 59, 59, tzinfo=UTC),
            "trandate": date(2026, 3, 7),
        },
        {
            "id": 2,
            "type": "VendBill",
            "lastmodifieddate": datetime(2026, 3, 8, 8, 0, 0, tzinfo=UTC),
            "trandate": date(2026, 3, 8),
        },
        {
            "id": 3,
            "type": "CustInvc",
            "lastmodifieddate": datetime(2026, 3, 8, 10, 30, tzinfo=UTC),
            "trandate": date(2026, 3, 8),
        },
        {"id": 4, "type": "Journal", "lastmodifieddate": None, "trandate": date(2026, 3, 9)},
    ],
    "transactionline": [
        {"transaction": 1, "id": 0, "foreignamount": Decimal("-10")},
        {"transaction": 1, "id": 1, "foreignamount": Decimal("10")},
        {"transaction": 2, "id": 0, "foreignamount": Decimal("-5")},
        {"transaction": 3, "id": 1, "foreignamount": Decimal("7")},
    ],
}


def columns(table: str) -> set[str]:
    if table == "":
        return set(TABLES)
    return set().union(*TABLES[table]) if table in TABLES else set()


def query(text: str) -> list[dict[str, Any]]:
    return suiteql.run(suiteql.parse(text, LA, columns), TABLES.__getitem__)


def test_join_where_with_or_and_key_paging_order():
    rows = query(
        "SELECT t.id, tl.id AS line FROM transaction t INNER JOIN transactionline tl "
        "ON tl.transaction = t.id WHERE t.id > 1 OR (t.id = 1 AND tl.id > 0) ORDER BY t.id, tl.id"
    )
    assert rows == [{"id": 1, "line": 1}, {"id": 2, "line": 0}, {"id": 3, "line": 1}]


def test_left_join_keeps_rows_without_lines_and_desc_order_puts_nulls_last():
    rows = query(
        "SELECT t.id, tl.foreignamount AS amount FROM transaction t LEFT OUTER JOIN "
        "transactionline tl ON tl.transaction = t.id WHERE t.type IN ('Journal', 'CustInvc') "
        "ORDER BY t.id DESC"
    )
    assert rows == [{"id": 4, "amount": None}, {"id": 3, "amount": Decimal("7")}]


def test_to_date_reads_the_account_zone_across_local_midnight_and_dst():
    # 2026-03-08 00:00:00 in Los Angeles (PST) is 08:00:00 UTC; DST starts at 02:00 that day.
    rows = query(
        "SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS local FROM transaction "
        "WHERE lastmodifieddate >= TO_DATE('2026-03-08 00:00:00', 'YYYY-MM-DD HH24:MI:SS') "
        "ORDER BY id"
    )
    assert rows == [
        {"id": 2, "local": "2026-03-08 00:00:00"},
        {"id": 3, "local": "2026-03-08 03:30:00"},  # after the jump to PDT (UTC-7)
    ]
    between = query(
        "SELECT id FROM transaction WHERE trandate BETWEEN TO_DATE('2026-03-08', 'YYYY-MM-DD') "
        "AND TO_DATE('2026-03-09', 'YYYY-MM-DD') AND lastmodifieddate IS NOT NULL"
    )
    assert [r["id"] for r in between] == [2, 3]


def test_unformatted_dates_render_in_the_account_date_format():
    rows = query(
        "SELECT TO_CHAR(lastmodifieddate) AS d, BUILTIN.DF(trandate) AS t "
        "FROM transaction WHERE id = 1"
    )
    assert rows == [{"d": "3/7/2026", "t": "3/7/2026"}]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT id FROM nosuchtable",
        "SELECT nosuch FROM transaction",
        "SELECT id FROM transaction WHERE",
        "SELECT id FROM transaction t WHERE x.id = 1",
        "UPDATE transaction SET id = 1",
        "SELECT id FROM transaction ORDER BY",
    ],
)
def test_bad_queries_are_refused(text: str):
    with pytest.raises(suiteql.SuiteQLError):
        query(text)
