"""What every adapter package's `__init__` needs, without importing the adapter on import.

An adapter package exports `ADAPTER` (its registry entry), its connector class and a
`start_sandbox`; importing the package (as its sandbox does) must not pull in the client, so
these load on first use:

    start_sandbox = sandbox_starter("connectors.myerp.sandbox", "MyErpSandboxConfig")
    __getattr__ = lazy_exports(ADAPTER=_adapter, MyErpConnector="connectors.myerp.client")
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.registry import SandboxStarter

__all__ = ["lazy_exports", "sandbox_starter"]


def lazy_exports(**exports: str | Callable[[], Any]) -> Callable[[str], Any]:
    """A module `__getattr__` for names that load on first use.

    Each name maps to a module holding an attribute of that name, or to a function building it.
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 (it becomes the module's own)
        source = exports.get(name)
        if source is None:
            raise AttributeError(name)
        return source() if callable(source) else getattr(import_module(source), name)

    return __getattr__


def sandbox_starter(package: str, config: str, **fixed: Any) -> SandboxStarter:
    """A `SandboxStarter` for the sandbox in `package` (its `app.create_app` and `config.<config>`).

    The config is built from the starter's arguments, the `fixed` fields (NetSuite's account
    id, say) and any further `options` (fields of the config, validated by it: a wrong one
    raises `ValidationError` before anything is served); the app is served on a thread.
    """

    def start_sandbox(
        *,
        seed: int,
        records: int,
        client_id: str,
        client_secret: str,
        no_limits: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        **options: Any,
    ) -> tuple[str, Callable[[], None]]:
        from pydantic import SecretStr

        from connectors.sandbox.runner import run_in_thread

        settings = getattr(import_module(f"{package}.config"), config)(
            seed=seed,
            records=records,
            client_id=client_id,
            client_secret=SecretStr(client_secret),
            no_limits=no_limits,
            **{**fixed, **options},
        )
        app = import_module(f"{package}.app").create_app(settings)
        handle = run_in_thread(app, host=host, port=port)
        return handle.url, handle.stop

    start_sandbox.__doc__ = f"Start the sandbox of `{package}` on `host:port` (0: a free port)."
    return start_sandbox
