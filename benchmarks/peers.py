"""`hub extract xero` side by side with its peers on one Xero sandbox: calls, time, memory.

    .venv/bin/python benchmarks/peers.py                          # 1,000 and 10,000 documents
    .venv/bin/python benchmarks/peers.py --records 1000 --repeat 3
    .venv/bin/python benchmarks/peers.py --records 100000 --repeat 1 --peers tap

The peers — Singer's tap-xero 2.6.0 and Airbyte's source-xero 2.0.1 — are benchmark tools, not
dependencies of the hub: the script builds each one's own virtual environment from the package
registry on first use (`--venvs`, default `~/.cache/ledgerhub-bench/peers`), with pip, pinned.
Both hard-code Xero's hosts (`https://identity.xero.com` for tokens, `https://api.xero.com`
for the API); the script writes a `sitecustomize.py` into each peer's environment that, when
`LEDGERHUB_PEER_SANDBOX` is set, sends those two hosts' requests to the sandbox instead
(requests' `HTTPAdapter.send`) and refuses any other host: a peer never reaches the real Xero.

One Xero sandbox (seed 7, no rate limits) runs in this process. Each side reads the same ten
resources (accounts, tax rates, tracking categories, contacts, invoices, credit notes,
payments, overpayments, prepayments, manual journals) in full, as a whole process started by the
small launcher of `processes.py` (its own wall time, CPU time and peak RSS), output to
/dev/null; median of `--repeat` runs after a warm-up, the sides in turn. **Calls** are counted
by the sandbox (every route but the token endpoint) over the warm-up run of each. tap-xero signs
in as a Singer user does (a refresh token from an approved authorization: the sandbox approves
by itself), Airbyte's source with client credentials; each reads a catalog of those ten streams
from its own discovery (not timed). Airbyte's source is run up to 10,000 documents.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from processes import Run, median, run  # noqa: E402
from xero_extract import CLIENT_ID, CLIENT_SECRET, Sandbox  # noqa: E402

HUB = str(ROOT / ".venv" / "bin" / "hub")
TAP = ("tap-xero==2.6.0", "six")
"""tap-xero 2.6.0 imports `six` without declaring it: installed beside it, as a user must."""
STREAMS = {
    # tap-xero's stream -> the hub's resource of the same Xero endpoint
    "accounts": "accounts",
    "tax_rates": "tax_rates",
    "tracking_categories": "tracking_categories",
    "contacts": "contacts",
    "invoices": "invoices",
    "credit_notes": "credit_notes",
    "payments": "payments",
    "overpayments": "overpayments",
    "prepayments": "prepayments",
    "manual_journals": "manual_journals",
}
REDIRECT = '''"""Written by Ledgerhub's benchmarks/peers.py: Xero's hosts go to a local sandbox."""
import os

_TARGET = os.environ.get("LEDGERHUB_PEER_SANDBOX", "").rstrip("/")
if _TARGET:
    import requests.adapters

    _HOSTS = ("https://api.xero.com", "https://identity.xero.com")
    _send = requests.adapters.HTTPAdapter.send

    def _to_sandbox(self, request, *args, **kwargs):
        for host in _HOSTS:
            if request.url.startswith(host + "/"):
                request.url = _TARGET + request.url[len(host):]
                break
        else:
            if not request.url.startswith(_TARGET + "/"):
                raise RuntimeError("peers benchmark: refused a request to " + request.url)
        return _send(self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = _to_sandbox
'''


PURELIB = "import sysconfig; print(sysconfig.get_paths()['purelib'])"


@dataclass(frozen=True)
class Peer:
    """A peer extractor: how its environment is built and how it is started."""

    key: str
    label: str
    folder: str
    requirements: tuple[str, ...]
    program: str
    installed: str
    """A glob, below the environment, that exists once the install is complete."""
    python: str = sys.executable
    largest: int = 100_000
    """The largest size (documents) it is run at."""


PEERS = {
    "tap": Peer(
        "tap",
        "tap-xero 2.6.0",
        "tap-xero-2.6.0",
        TAP,
        "tap-xero",
        "lib/*/site-packages/six.py",
    ),
    "airbyte": Peer(
        "airbyte",
        "Airbyte source-xero 2.0.1",
        "airbyte-source-xero-2.0.1-py3.10",
        ("airbyte-source-xero==2.0.1",),
        "source-xero",
        "lib/*/site-packages/source_xero/manifest.yaml",
        # Its airbyte-cdk 1.x declares dataclass fields with mutable defaults, which Python
        # 3.11 refuses at import (ValueError: mutable default ... JsonDecoder): it runs on 3.10.
        python="python3.10",
        largest=10_000,
    ),
}


def interpreter(name: str) -> str:
    """A working `name` (python3.10): on the PATH, or one of pyenv's versions."""
    found = [
        shutil.which(name),
        *sorted(str(p) for p in (Path.home() / ".pyenv" / "versions").glob(f"*/bin/{name}")),
    ]
    for candidate in found:
        if candidate and subprocess.run([candidate, "-c", "pass"], check=False).returncode == 0:
            return candidate
    raise RuntimeError(f"no working {name} here: Airbyte's source-xero needs it (--peers tap)")


def peer_env(venvs: Path, peer: Peer) -> Path:
    """The peer's virtual environment, built from the registry on first use; its bin folder."""
    home = venvs / peer.folder
    bin_dir = home / "bin"
    if not (bin_dir / peer.program).exists() or not list(home.glob(peer.installed)):
        python = peer.python if Path(peer.python).is_absolute() else interpreter(peer.python)
        subprocess.run([python, "-m", "venv", "--clear", str(home)], check=True)
        subprocess.run(
            [
                str(bin_dir / "pip"),
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *peer.requirements,
            ],
            check=True,
        )
    site = subprocess.run(
        [str(bin_dir / "python"), "-c", PURELIB], capture_output=True, text=True, check=True
    ).stdout.strip()
    (Path(site) / "sitecustomize.py").write_text(REDIRECT)
    return bin_dir


def api_calls(sandbox: Sandbox) -> int:
    """Requests the sandbox served, less the token endpoint and its control endpoints."""
    by_route = sandbox.control("stats")["by_route"]
    return sum(n for route, n in by_route.items() if "token" not in route)


def refresh_token(url: str) -> tuple[str, str]:
    """(refresh token, tenant id) as a Singer user gets them: approve, exchange, list."""
    redirect = "http://localhost:8080/callback"
    scope = "offline_access accounting.transactions accounting.contacts accounting.settings"
    answer = httpx.get(
        f"{url}/identity/connect/authorize",
        params={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": redirect,
            "scope": scope,
            "state": "bench",
        },
    )
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    tokens = httpx.post(
        f"{url}/connect/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect},
    )
    tokens.raise_for_status()
    body = tokens.json()
    connections = httpx.get(
        f"{url}/connections", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    connections.raise_for_status()
    return str(body["refresh_token"]), str(connections.json()[0]["tenantId"])


def tap_setup(bin_dir: Path, url: str, work: Path, env: dict[str, str]) -> list[str]:
    """The tap's config and catalog (its own discovery, the ten streams selected); its command."""
    token, tenant = refresh_token(url)
    config = work / "config.json"
    config.write_text(
        json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": token,
                "tenant_id": tenant,
                "start_date": "2000-01-01T00:00:00Z",
            }
        )
    )
    found = subprocess.run(
        [str(bin_dir / "tap-xero"), "--config", str(config), "--discover"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        raise RuntimeError(f"tap-xero --discover failed:\n{found.stderr[-3000:]}")
    catalog: dict[str, Any] = json.loads(found.stdout)
    for stream in catalog["streams"]:
        chosen = stream["tap_stream_id"] in STREAMS
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = chosen
    (work / "catalog.json").write_text(json.dumps(catalog))
    # The tap rotates the refresh token into its config file on every run, as in production.
    return [
        str(bin_dir / "tap-xero"),
        "--config",
        str(config),
        "--catalog",
        str(work / "catalog.json"),
    ]


def airbyte_setup(bin_dir: Path, url: str, work: Path, env: dict[str, str]) -> list[str]:
    """The Airbyte source's config (client credentials, the tenant) and configured catalog
    (the ten streams, full refresh, from its own `discover`); its command."""
    _, tenant = refresh_token(url)
    config = work / "airbyte-config.json"
    credentials = {
        "auth_type": "oauth2_confidential_application",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    config.write_text(
        json.dumps(
            {"credentials": credentials, "tenant_id": tenant, "start_date": "2000-01-01T00:00:00Z"}
        )
    )
    found = subprocess.run(
        [str(bin_dir / "source-xero"), "discover", "--config", str(config)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    catalog = None
    for line in found.stdout.splitlines():
        if line.startswith("{") and '"CATALOG"' in line:
            catalog = json.loads(line)["catalog"]
    if catalog is None:
        raise RuntimeError(f"source-xero discover failed:\n{found.stdout[-3000:]}")
    chosen = [
        {"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
        for stream in catalog["streams"]
        if stream["name"] in STREAMS
    ]
    (work / "airbyte-catalog.json").write_text(json.dumps({"streams": chosen}))
    return [
        str(bin_dir / "source-xero"),
        "read",
        "--config",
        str(config),
        "--catalog",
        str(work / "airbyte-catalog.json"),
    ]


SETUP = {"tap": tap_setup, "airbyte": airbyte_setup}


def quiet(cmd: list[str]) -> list[str]:
    """`cmd` with its standard output to /dev/null (the launcher passes its own through)."""
    return ["sh", "-c", 'exec "$@" > /dev/null', "sh", *cmd]


def measure(
    records: int, repeat: int, peers: dict[str, Path], env: dict[str, str]
) -> dict[str, Any]:
    """The hub and each peer (`peers`: key -> its bin folder) over one sandbox."""
    sandbox = Sandbox(records)
    try:
        with tempfile.TemporaryDirectory(prefix="lh-peers-") as tmp:
            peer_env_ = dict(env, LEDGERHUB_PEER_SANDBOX=sandbox.url)
            hub = [
                HUB, "extract", "xero", "--base-url", sandbox.url, "--client-id", CLIENT_ID,
                "--client-secret", CLIENT_SECRET, "--no-limits", "--objects",
                ",".join(STREAMS.values()), "--out", os.devnull,
            ]  # fmt: skip
            sides: dict[str, tuple[list[str], dict[str, str]]] = {"hub": (hub, env)}
            for key, bin_dir in peers.items():
                cmd = SETUP[key](bin_dir, sandbox.url, Path(tmp), peer_env_)
                sides[key] = (quiet(cmd), peer_env_)
            calls: dict[str, int] = {}
            for key, (cmd, cmd_env) in sides.items():
                before = api_calls(sandbox)
                run(cmd, cmd_env)  # the warm-up run counts the calls
                calls[key] = api_calls(sandbox) - before
            runs: dict[str, list[Run]] = {key: [] for key in sides}
            for _ in range(repeat):
                for key, (cmd, cmd_env) in sides.items():
                    runs[key].append(run(cmd, cmd_env))
            counts = sandbox.control("counts")
        return {
            "figures": {key: median(found) for key, found in runs.items()},
            "calls": calls,
            "documents": sum(
                int(v.get("total", 0)) for k, v in counts.items() if k in STREAMS.values()
            ),
        }
    finally:
        sandbox.stop()


def main() -> None:
    """Build the peers' environments, measure each size, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", default="1000,10000", help="sizes (comma list)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side and size (median)")
    parser.add_argument("--peers", default="tap,airbyte", help="comma list of: tap, airbyte")
    parser.add_argument(
        "--venvs", type=Path, default=Path.home() / ".cache" / "ledgerhub-bench" / "peers"
    )
    args = parser.parse_args()
    env = dict(
        os.environ,
        LEDGERHUB_DATA_DIR=str(ROOT / "data"),
        LEDGERHUB_LOG_LEVEL="WARNING",
        LEDGERHUB_ERP_ALLOWED_HOSTS="127.0.0.1",
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    chosen = [PEERS[key] for key in args.peers.split(",") if key]
    built = {peer.key: peer_env(args.venvs, peer) for peer in chosen}
    print(f"{'figure':52} {'calls':>7} {'wall':>8} {'cpu':>8} {'peak RSS':>10}")
    for records in (int(n) for n in args.records.split(",")):
        peers = {p.key: built[p.key] for p in chosen if records <= p.largest}
        found = measure(records, args.repeat, peers, env)
        figures, calls = found["figures"], found["calls"]
        hub = figures["hub"]
        labels = {"hub": "hub extract xero", **{p.key: p.label for p in chosen}}
        for key, result in figures.items():
            label = f"{labels[key]}, N={records:,} ({found['documents']:,} items)"
            print(
                f"{label:52} {calls[key]:7d} {result.wall:7.2f}s {result.cpu:7.2f}s "
                f"{result.rss_mib:7.1f} MiB"
            )
        for key in peers:
            other = figures[key]
            print(
                f"{'  hub / ' + labels[key]:52} {calls['hub'] / max(calls[key], 1):6.2f}x "
                f"{hub.wall / other.wall:7.2f}x {hub.cpu / other.cpu:7.2f}x "
                f"{hub.rss_mib / other.rss_mib:9.2f}x",
                flush=True,
            )
    print("targets (hub / tap-xero): calls <= 0.2x, wall <= 0.5x, peak RSS <= 1x")


if __name__ == "__main__":
    main()
