"""The sandbox OAuth server: client auth, PKCE, refresh rotation with grace, expiry."""

from __future__ import annotations

import pytest

from connectors.sandbox import OAuthClient, OAuthError, OAuthServer, TokenStatus, pkce_s256


class Clock:
    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now


CLIENT = OAuthClient("app", "s3cret", redirect_uris=("http://localhost/cb",), default_scope="a b")
PUBLIC = OAuthClient("spa", None, redirect_uris=("http://localhost/cb",))


def server(clock: Clock, **kw: float) -> OAuthServer:
    return OAuthServer([CLIENT, PUBLIC], clock=clock, **kw)  # type: ignore[arg-type]


def test_client_credentials_needs_the_right_secret_and_gives_no_refresh_token():
    oauth = server(Clock())
    with pytest.raises(OAuthError) as caught:
        oauth.authenticate("app", "wrong")
    assert caught.value.error == "invalid_client"
    body = oauth.client_credentials(oauth.authenticate("app", "s3cret"))
    assert set(body) == {"access_token", "expires_in", "token_type", "scope"}
    assert oauth.check(str(body["access_token"])).status is TokenStatus.VALID


def test_access_tokens_expire_after_their_ttl():
    clock = Clock()
    oauth = server(clock, access_ttl=60)
    token = str(oauth.client_credentials(CLIENT)["access_token"])
    clock.now += 59
    assert oauth.check(token).status is TokenStatus.VALID
    clock.now += 1
    assert oauth.check(token).status is TokenStatus.EXPIRED
    assert oauth.check("made-up").status is TokenStatus.UNKNOWN


def code_for(oauth: OAuthServer, verifier: str, client: str = "app") -> str:
    return oauth.authorize(client, "http://localhost/cb", "a", pkce_s256(verifier), "S256")


def test_pkce_verifier_must_match_the_challenge():
    oauth = server(Clock())
    verifier = "v" * 50
    code = code_for(oauth, verifier)
    with pytest.raises(OAuthError) as caught:
        oauth.exchange_code(CLIENT, code, "http://localhost/cb", "w" * 50)
    assert caught.value.error == "invalid_grant"
    tokens = oauth.exchange_code(CLIENT, code_for(oauth, verifier), "http://localhost/cb", verifier)
    assert "refresh_token" in tokens


def test_a_code_works_once():
    oauth = server(Clock())
    code = code_for(oauth, "x" * 43)
    oauth.exchange_code(CLIENT, code, "http://localhost/cb", "x" * 43)
    with pytest.raises(OAuthError):
        oauth.exchange_code(CLIENT, code, "http://localhost/cb", "x" * 43)


def test_public_clients_must_use_pkce():
    oauth = server(Clock())
    with pytest.raises(OAuthError):
        oauth.authorize("spa", "http://localhost/cb", "a", None, None)
    code = code_for(oauth, "y" * 43, client="spa")
    assert "access_token" in oauth.exchange_code(PUBLIC, code, "http://localhost/cb", "y" * 43)


def test_unregistered_redirect_uri_is_refused():
    with pytest.raises(OAuthError):
        server(Clock()).authorize("app", "http://evil/cb", "a", pkce_s256("z" * 43), "S256")


def test_refresh_rotates_and_the_old_token_works_only_during_the_grace():
    clock = Clock()
    oauth = server(clock, refresh_grace=1800)
    first = oauth.exchange_code(CLIENT, code_for(oauth, "q" * 43), "http://localhost/cb", "q" * 43)
    old = str(first["refresh_token"])
    second = oauth.refresh(CLIENT, old)
    assert second["refresh_token"] != old
    clock.now += 1799
    assert "access_token" in oauth.refresh(CLIENT, old)  # still in its grace
    clock.now += 1
    with pytest.raises(OAuthError) as caught:
        oauth.refresh(CLIENT, old)
    assert caught.value.error == "invalid_grant"
    assert "access_token" in oauth.refresh(CLIENT, str(second["refresh_token"]))


def test_refresh_token_of_another_client_is_invalid_grant():
    oauth = server(Clock())
    tokens = oauth.exchange_code(CLIENT, code_for(oauth, "p" * 43), "http://localhost/cb", "p" * 43)
    with pytest.raises(OAuthError) as caught:
        oauth.refresh(PUBLIC, str(tokens["refresh_token"]))
    assert caught.value.error == "invalid_grant"


def test_expire_access_tokens_expires_every_live_token():
    oauth = server(Clock())
    token = str(oauth.client_credentials(CLIENT)["access_token"])
    assert oauth.expire_access_tokens() == 1
    assert oauth.check(token).status is TokenStatus.EXPIRED


def test_client_repr_hides_the_secret():
    assert "s3cret" not in repr(CLIENT)
