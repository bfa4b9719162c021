"""Value profiling: what a field's example values look like (IBAN, BIC, currency, date, ...)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_ISO_CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL""".split()
)
_ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW""".split()
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iban", re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")),
    ("email", re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")),
    ("url", re.compile(r"^(https?://|www\.)\S+$", re.I)),
    ("uuid", re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)),
    ("datetime", re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")),
    ("datetime", re.compile(r"^/Date\(\d+([+-]\d{4})?\)/$")),
    ("date", re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{2}[./]\d{2}[./]\d{4}$|^\d{8}$")),
    ("boolean", re.compile(r"^(true|false|yes|no|x|t|f)$", re.I)),
    ("decimal", re.compile(r"^[-+]?\d{1,3}(,\d{3})*\.\d+$|^[-+]?\d+\.\d+$")),
    ("integer", re.compile(r"^[-+]?\d+$")),
    ("phone", re.compile(r"^\+?[\d ()./-]{7,20}$")),
)
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def classify_value(value: object) -> str:
    """The kind of one example value: iban, bic, currency, country, email, date, decimal, ..."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "decimal"
    if isinstance(value, dict | list):
        return "object"
    text = str(value).strip()
    if not text:
        return "empty"
    compact = text.replace(" ", "")
    if text in _ISO_CURRENCIES:
        return "currency"
    if len(text) == 2 and text in _ISO_COUNTRIES:
        return "country"
    if _BIC.match(text) and text[4:6] in _ISO_COUNTRIES:
        return "bic"
    for kind, pattern in _PATTERNS:
        if pattern.match(compact if kind == "iban" else text):
            return kind
    return "text"


def profile(examples: Iterable[object]) -> str | None:
    """The dominant kind among a field's examples, or None without examples."""
    kinds = Counter(classify_value(v) for v in examples if v is not None)
    kinds.pop("empty", None)
    if not kinds:
        return None
    return kinds.most_common(1)[0][0]


_FITS: dict[str, dict[str, float]] = {
    "iban": {"iban": 1, "string": 0.2},
    "bic": {"bic": 1, "string": 0.2},
    "currency": {"currency": 1, "enum": -0.5, "string": -0.5},
    "country": {"country": 1, "string": -0.3, "enum": -0.3},
    "email": {"email": 1, "string": -0.3},
    "url": {"string": 0.2},
    "uuid": {"id": 1, "string": 0.2},
    "datetime": {"datetime": 1, "date": 0.5},
    "date": {"date": 1, "datetime": 0.5},
    "boolean": {"boolean": 1, "enum": 0.3},
    "decimal": {"money": 1, "decimal": 1, "integer": -0.5},
    "integer": {"integer": 1, "money": 0.3, "decimal": 0.3, "id": 0.3, "string": 0.2},
    "phone": {"string": 0.5},
    "text": {"string": 0.5, "enum": 0.3, "id": 0.2},
}


def profile_fit(kind: str | None, target_type: str) -> float:
    """Evidence from the examples for a target type: 1 matches, 0 neutral, -1 contradicts."""
    if kind is None:
        return 0.0
    return float(_FITS.get(kind, {}).get(target_type, -1.0))
