"""Auth modes and credentials models: what an adapter declares about how it signs in.

An adapter lists its `AuthMode`s (as Nango declares a provider's): each names a pydantic
credentials model, whether a person must approve it in a browser, and which OAuth grant keeps
its token fresh. The hub asks for that model's fields (`hub connections add ERP`), the store
seals the whole validated object, and the connector gets it back typed. Fields that are
`SecretStr` are secrets: hidden when asked for, registered with the log redactor, never shown.

The models here are the shapes several ERPs share; an adapter declares its own where its ERP
differs (NetSuite's token-based authentication, for one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic import ValidationError as PydanticValidationError


class Credentials(BaseModel):
    """Base of every credentials model: frozen, unknown fields refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    def app_id(self) -> str | None:
        """The app these credentials belong to, for the app-wide budget (None: per connection)."""
        return None

    def secrets(self) -> list[str]:
        """The values of the secret fields (for the log redactor)."""
        return [
            value.get_secret_value()
            for value in self.__dict__.values()
            if isinstance(value, SecretStr) and value.get_secret_value()
        ]

    def secret_fields(self) -> list[str]:
        """The names of the secret fields."""
        return [name for name, value in self.__dict__.items() if isinstance(value, SecretStr)]

    def sealable(self) -> dict[str, Any]:
        """Every field as plain data, secrets opened: what the store encrypts."""
        return {
            name: value.get_secret_value() if isinstance(value, SecretStr) else value
            for name, value in self.__dict__.items()
        }


class OAuthClient(Credentials):
    """An OAuth 2.0 app: client id and client secret."""

    client_id: str = Field(min_length=1, description="OAuth client id of the app.")
    client_secret: SecretStr = Field(min_length=1, description="OAuth client secret of the app.")

    def app_id(self) -> str:
        """The client id: every connection of one app shares the app's budget."""
        return self.client_id


class UserPassword(Credentials):
    """HTTP Basic sign-in with a user and a password (a technical or communication user)."""

    user: str = Field(min_length=1, description="User name.")
    password: SecretStr = Field(min_length=1, description="Password.")


@dataclass(frozen=True)
class AuthMode:
    """One way an adapter can sign in.

    `grant` is the OAuth grant that renews the token ("refresh_token" after a person approved,
    "client_credentials" for machine-to-machine), or None when no token is issued (HTTP Basic,
    request signing). `interactive` modes start with a person approving in a browser.
    """

    name: str
    credentials: type[Credentials]
    description: str
    grant: str | None = None
    interactive: bool = False

    def validate(self, values: Any) -> Credentials:
        """The credentials as this mode's model; a ValueError naming each bad field."""
        if isinstance(values, self.credentials):
            return values
        if isinstance(values, BaseModel):
            values = values.model_dump()
        try:
            return self.credentials.model_validate(values)
        except PydanticValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'credentials'}: {e['msg']}"
                for e in exc.errors()
            )
            raise ValueError(f"credentials for the {self.name} mode: {problems}") from None

    def fields(self) -> list[tuple[str, str, bool]]:
        """(name, description, secret) of each credentials field, in declaration order."""
        out = []
        for name, info in self.credentials.model_fields.items():
            secret = info.annotation is SecretStr or info.annotation == SecretStr | None
            out.append((name, info.description or name, secret))
        return out
