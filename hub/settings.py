"""The hub's configuration: `LEDGERHUB_*` environment variables, read once.

With nothing configured the hub runs on embedded defaults: a SQLite file and an embedded
Redis-compatible server in the data directory, and a secret key generated there (mode 0600).

    settings = get_settings()        # cached; reset_settings() in tests
    settings.database_url            # always a usable SQLAlchemy URL
    settings.secret_keys()           # current key first, then the old ones (for rotation)
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import platformdirs
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

log = logging.getLogger(__name__)

SECRET_KEY_FILE = "secret.key"  # noqa: S105 - a file name, not a secret
"""Name of the generated key file inside the data directory."""
NEXT_KEY_FILE = "secret.key.next"
"""The key a rotation in progress seals with; read too, so an interrupted rotation is harmless."""

LogFormat = Literal["json", "text"]


def default_data_dir() -> Path:
    """The platform's user data directory for Ledgerhub (e.g. ~/.local/share/ledgerhub)."""
    return Path(platformdirs.user_data_dir("ledgerhub", appauthor=False))


class Settings(BaseSettings):
    """Every setting of the hub; each field is `LEDGERHUB_<NAME>` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="LEDGERHUB_", case_sensitive=False, extra="ignore", frozen=True
    )

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where embedded defaults live: SQLite file, broker data, generated key.",
    )
    # URLs may carry passwords: kept out of the repr.
    database_url: str = Field(
        "",
        repr=False,
        description="SQLAlchemy URL (postgresql+psycopg://...); unset: SQLite in the data dir.",
    )
    broker_url: str | None = Field(
        None,
        repr=False,
        description="redis://... or amqp://... for dramatiq; unset: an embedded server.",
    )
    redis_url: str | None = Field(
        None,
        repr=False,
        description="Redis for locks and rate limits; unset: the broker's when it is Redis.",
    )
    secret_key: SecretStr | None = Field(
        None, description="Base64 32-byte key encrypting credentials; unset: generated."
    )
    old_secret_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated former keys, still accepted for decryption (rotation).",
    )
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING, ERROR.")
    log_format: LogFormat = Field("text", description="json or text (key=value).")
    sync_interval_seconds: int = Field(
        300, ge=1, description="How often the scheduler enqueues incremental syncs."
    )
    worker_processes: int = Field(2, ge=1, description="Processes of `hub worker`.")
    worker_threads: int = Field(4, ge=1, description="Threads per worker process.")
    job_max_retries: int = Field(
        8, ge=0, description="Attempts of a failing job before it is dead-lettered."
    )
    job_min_backoff_ms: int = Field(1_000, ge=0, description="First retry delay (doubles).")
    job_max_backoff_ms: int = Field(300_000, ge=0, description="Longest retry delay.")
    job_time_limit_ms: int = Field(
        3_600_000, ge=1_000, description="A job running longer than this is interrupted."
    )
    job_heartbeat_timeout_ms: int = Field(
        15_000,
        ge=1_000,
        description="Redis broker: a worker silent this long is dead; its jobs are redelivered.",
    )
    job_maintenance_chance: int = Field(
        1_000_000,
        ge=0,
        le=1_000_000,
        description=(
            "Redis broker: chance, per 1,000,000 fetches, that a fetch also runs queue "
            "maintenance (redelivering a dead worker's jobs); 1,000,000: every fetch."
        ),
    )
    job_poll_ms: int = Field(
        100,
        ge=10,
        le=5_000,
        description=(
            "Redis broker: longest wait of an idle worker between two looks at a queue (dramatiq "
            "backs off up to it); bounds the time a job waits on an idle queue."
        ),
    )
    run_lock_ttl_ms: int = Field(
        15_000,
        ge=1_000,
        description="Lock of one sync of (connection, object); renewed every third of it.",
    )
    api_rate_limit_per_minute: int = Field(
        600, ge=1, description="Requests per minute per API key before the API answers 429."
    )
    api_idempotency_ttl_seconds: int = Field(
        86_400, ge=60, description="How long an Idempotency-Key and its response are kept."
    )
    api_key_overlap_seconds: int = Field(
        86_400, ge=0, description="How long a rotated API key keeps working beside its successor."
    )
    webhook_retry_scale: float = Field(
        1.0,
        gt=0,
        description="Multiplies the webhook retry schedule (0.01 in tests); Retry-After is not.",
    )
    webhook_timeout_seconds: float = Field(
        15.0, gt=0, le=120, description="Time a webhook receiver has to answer one delivery."
    )
    webhook_secret_overlap_seconds: int = Field(
        86_400, ge=0, description="How long an endpoint's old secret still signs after rotation."
    )
    webhook_disable_after_seconds: int = Field(
        5 * 86_400,
        ge=1,
        description="An endpoint failing this long (scaled like the schedule) is disabled.",
    )
    webhook_allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated hosts (names, addresses, CIDR networks) that webhooks may "
        "reach although they are not public (local receivers in development and tests).",
    )
    erp_allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated hosts (names, addresses, CIDR networks) that ERP base URLs "
        "may reach although not public (an ERP on the company network, a sandbox on loopback); "
        "link-local and cloud metadata addresses stay refused.",
    )
    mapping_shared_defaults: bool = Field(
        False,
        description="Suggest, as defaults, the field mappings that two or more other tenants "
        "accepted for the same ERP object (opt-in: it shares what tenants decided).",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then `settings:` of ledgerhub.yaml (hub.config)."""
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            file_secret_settings,
            _ConfigFileSettings(settings_cls),
        )

    @field_validator("data_dir")
    @classmethod
    def _absolute_dir(cls, value: Path) -> Path:
        # Absolute, so worker processes started elsewhere find the same files.
        return value.expanduser().absolute()

    @field_validator("old_secret_keys", "webhook_allowed_hosts", "erp_allowed_hosts", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level '{value}'")
        return level

    @field_validator("data_dir", mode="after")
    @classmethod
    def _a_directory(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError(f"{value} exists and is not a directory")
        return value

    @field_validator("secret_key", mode="after")
    @classmethod
    def _a_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            decode_key(value.get_secret_value())  # ValueError saying why (never the value)
        return value

    @field_validator("old_secret_keys", mode="after")
    @classmethod
    def _keys(cls, value: list[SecretStr]) -> list[SecretStr]:
        for key in value:
            decode_key(key.get_secret_value())
        return value

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str) -> str:
        if value and not value.startswith(DATABASE_SCHEMES):
            raise ValueError("must start with postgresql://, postgres:// or sqlite:///")
        return value

    @field_validator("broker_url", "redis_url")
    @classmethod
    def _broker_scheme(cls, value: str | None, info: ValidationInfo) -> str | None:
        schemes = BROKER_SCHEMES if info.field_name == "broker_url" else BROKER_SCHEMES[:3]
        if value is not None and not value.startswith(schemes):
            raise ValueError("must start with " + ", ".join(f"{s}//" for s in schemes))
        return value

    @model_validator(mode="after")
    def _embedded_database(self) -> Self:
        # Filled here, not by a default, because it depends on the (settable) data directory.
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'ledgerhub.db'}")
        elif self.database_url.startswith(("postgresql://", "postgres://")):
            # psycopg 3 is the driver we ship; the bare scheme would ask for psycopg2.
            _scheme, rest = self.database_url.split("://", 1)
            object.__setattr__(self, "database_url", f"postgresql+psycopg://{rest}")
        return self

    @property
    def uses_embedded_broker(self) -> bool:
        """True when no broker is configured and the hub runs its own server."""
        return not self.broker_url

    def ensure_data_dir(self) -> Path:
        """Create the data directory (mode 0700: secrets live there) and return it.

        `mkdir`'s mode is reduced by the umask, so the mode is set explicitly; an existing
        directory that others can read is narrowed to 0700 too.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.data_dir.stat().st_mode & 0o077:
            try:
                self.data_dir.chmod(0o700)
            except PermissionError:
                log.warning("cannot restrict %s to mode 0700 (not its owner)", self.data_dir)
        return self.data_dir

    def secret_keys(self) -> list[bytes]:
        """The raw encryption keys: the current one first, then the old ones."""
        if self.secret_key is not None:
            current = decode_key(self.secret_key.get_secret_value())
            extra = []
        else:
            current = load_or_create_key(self.ensure_data_dir() / SECRET_KEY_FILE)
            upcoming = self.data_dir / NEXT_KEY_FILE
            extra = [decode_key(upcoming.read_text())] if upcoming.exists() else []
        return [current, *(decode_key(k.get_secret_value()) for k in self.old_secret_keys), *extra]


class _ConfigFileSettings(PydanticBaseSettingsSource):
    """The `settings:` section of the configuration file in force (see hub.config)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        from hub.config import file_settings

        return file_settings()


def decode_key(text: str) -> bytes:
    """A 32-byte key from its (URL-safe or standard) base64 text; ValueError otherwise."""
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "==")
    except ValueError:
        raise ValueError("secret key is not base64") from None
    if len(raw) != 32:
        raise ValueError(f"secret key must be 32 bytes of base64, got {len(raw)} bytes")
    return raw


def generate_key() -> str:
    """A new random key as URL-safe base64 text (what `LEDGERHUB_SECRET_KEY` takes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def load_or_create_key(path: Path) -> bytes:
    """Read the key file, or create it with mode 0600 (and warn) when missing."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return decode_key(path.read_text())
    with os.fdopen(fd, "w") as fh:
        fh.write(generate_key())
    log.warning(
        "LEDGERHUB_SECRET_KEY is not set: generated a key into %s (mode 0600). "
        "Back it up, or set LEDGERHUB_SECRET_KEY in production.",
        path,
    )
    return decode_key(path.read_text())


def _write_key_file(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def rotation_settings(settings: Settings) -> tuple[Settings, Callable[[], str | None]]:
    """The settings a key rotation re-seals with, and what to call once it has succeeded.

    Embedded key: a new key is generated into `secret.key.next` (read as an extra key until
    the rotation ends, so an interrupted one loses nothing) and the finishing call moves it to
    `secret.key`. Configured key: a `secret.key` file still holding a former key gets the
    current one, so commands run without the environment variable keep working. The finishing
    call returns the key file it wrote, if any.
    """
    key_file = settings.data_dir / SECRET_KEY_FILE
    if settings.secret_key is not None:
        current = settings.secret_key.get_secret_value()
        old = {decode_key(k.get_secret_value()) for k in settings.old_secret_keys}

        def finish_configured() -> str | None:
            if key_file.exists() and decode_key(key_file.read_text()) in old:
                _write_key_file(key_file, current)
                return str(key_file)
            return None

        return settings, finish_configured
    former = load_or_create_key(settings.ensure_data_dir() / SECRET_KEY_FILE)
    upcoming = settings.data_dir / NEXT_KEY_FILE
    if not upcoming.exists():
        _write_key_file(upcoming, generate_key())
    new_text = upcoming.read_text().strip()
    former_text = base64.urlsafe_b64encode(former).decode()
    rotated = settings.model_copy(
        update={
            "secret_key": SecretStr(new_text),
            "old_secret_keys": [SecretStr(former_text), *settings.old_secret_keys],
        }
    )

    def finish_embedded() -> str | None:
        upcoming.replace(key_file)
        return str(key_file)

    return rotated, finish_embedded


DATABASE_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite://")
BROKER_SCHEMES = ("redis:", "rediss:", "unix:", "amqp:", "amqps:")


class SettingsError(ValueError):
    """`LEDGERHUB_*` values that are not valid: one line naming each variable and why.

    The values themselves are left out (a URL or key may carry a secret)."""


def settings_error(exc: PydanticValidationError) -> SettingsError:
    """The one-line `SettingsError` for a validation failure of `Settings`."""
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        name = f"LEDGERHUB_{field.upper()}" if field else "LEDGERHUB_* settings"
        reason = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{name}: {reason}")
    return SettingsError("invalid setting: " + "; ".join(problems))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, read from the environment once per process; `SettingsError` if invalid."""
    try:
        return Settings()
    except PydanticValidationError as exc:
        raise settings_error(exc) from None


def reset_settings() -> None:
    """Forget the cached settings so the next `get_settings()` reads the environment again."""
    get_settings.cache_clear()
