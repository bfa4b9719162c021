"""The sandbox's TBA base string and signature, against RFC 5849's worked example."""

from __future__ import annotations

import base64
import hashlib
import hmac

from connectors.netsuite.sandbox.tba import (
    TbaCredentials,
    TbaRefusal,
    TbaVerifier,
    base_string_uri,
    parse_oauth_header,
    sign_hmac_sha256,
    signature_base_string,
)

# RFC 5849 section 3.4.1.1: the request and the base string it gives.
RFC_HEADER = (
    'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7",'
    ' oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a",'
    ' oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"'
)
RFC_BASE = (
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D"
    "%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a"
    "%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh"
    "3k39sjv7"
)


def test_base_string_matches_rfc_5849_example():
    params = parse_oauth_header(RFC_HEADER)
    assert params is not None
    assert params["realm"] == "Example"
    uri = base_string_uri("http", "Example.com:80", "/request")
    base = signature_base_string(
        "post", uri, params, "b5=%3D%253D&a3=a&c%40=&a2=r%20b", "c2&a3=2+q"
    )
    assert base == RFC_BASE


def test_base_string_uri_keeps_non_default_ports_and_lowercases_authority():
    assert base_string_uri("HTTPS", "1234567-SB1.Suitetalk.api.netsuite.com:443", "/x") == (
        "https://1234567-sb1.suitetalk.api.netsuite.com/x"
    )
    assert base_string_uri("http", "127.0.0.1:8791", "/a") == "http://127.0.0.1:8791/a"


def test_signature_is_hmac_sha256_keyed_by_both_encoded_secrets():
    base = "GET&http%3A%2F%2Fh%2Fp&a%3D1"
    expected = base64.b64encode(
        hmac.new(b"c%26s&t%20s", base.encode(), hashlib.sha256).digest()
    ).decode()
    assert sign_hmac_sha256(base, "c&s", "t s") == expected


def _signed(verifier_clock: float, **overrides: str) -> tuple[TbaVerifier, dict[str, str]]:
    creds = TbaCredentials("1234567_SB1", "ck", "cs", "tk", "ts")
    verifier = TbaVerifier([creds], clock=lambda: verifier_clock)
    params = {
        "realm": "1234567_SB1",
        "oauth_consumer_key": "ck",
        "oauth_token": "tk",
        "oauth_signature_method": "HMAC-SHA256",
        "oauth_timestamp": str(int(verifier_clock)),
        "oauth_nonce": "abcdefgh",
        "oauth_version": "1.0",
        "oauth_body_hash": "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
        **overrides,
    }
    uri = "http://h/services/rest/record/v1/vendor"
    base = signature_base_string("GET", uri, params, "limit=5")
    params["oauth_signature"] = sign_hmac_sha256(base, "cs", "ts")
    return verifier, params


def test_verifier_accepts_unknown_oauth_parameters_inside_the_signature_and_refuses_replays():
    verifier, params = _signed(1_700_000_000.0)
    uri = "http://h/services/rest/record/v1/vendor"
    assert verifier.verify(params, method="GET", uri=uri, query="limit=5") == (
        TbaCredentials("1234567_SB1", "ck", "cs", "tk", "ts"),
        None,
    )
    assert verifier.verify(params, method="GET", uri=uri, query="limit=5")[1] is TbaRefusal.NONCE
    _, other = _signed(1_700_000_000.0, oauth_nonce="zzzzzzzz")
    assert verifier.verify(other, method="GET", uri=uri, query="limit=6")[1] is (
        TbaRefusal.SIGNATURE
    )


def test_verifier_names_realm_and_timestamp_problems():
    uri = "http://h/services/rest/record/v1/vendor"
    verifier, params = _signed(1_700_000_000.0, realm="7654321")
    assert verifier.verify(params, method="GET", uri=uri, query="limit=5")[1] is TbaRefusal.REALM
    verifier, params = _signed(1_700_000_000.0, oauth_timestamp="1699999000")
    assert verifier.verify(params, method="GET", uri=uri, query="limit=5")[1] is (
        TbaRefusal.TIMESTAMP
    )
