"""`hub extract xero` side by side with Singer's tap-xero on one Xero sandbox: calls, time, memory.

    .venv/bin/python benchmarks/peers.py                          # 1,000 and 10,000 documents
    .venv/bin/python benchmarks/peers.py --records 1000 --repeat 3
    .venv/bin/python benchmarks/peers.py --records 1000,10000,100000 --repeat 1

The peers are benchmark tools, not dependencies of the hub: the script builds each one's own
virtual environment from the package registry on first use (`--venvs`, default
`~/.cache/ledgerhub-bench/peers`), with pip, pinned (`tap-xero==2.6.0`). tap-xero hard-codes
Xero's hosts (`https://identity.xero.com` for tokens, `https://api.xero.com` for the API); the
script writes a `sitecustomize.py` into the peer's environment that, when
`LEDGERHUB_PEER_SANDBOX` is set, sends those two hosts' requests to the sandbox instead
(requests' `HTTPAdapter.send`) and refuses any other host: a peer never reaches the real Xero.

One Xero sandbox (seed 7, no rate limits) runs in this process. Each side reads the same ten
resources (accounts, tax rates, tracking categories, contacts, invoices, credit notes,
payments, overpayments, prepayments, manual journals) in full, as a whole process started by the
small launcher of `processes.py` (its own wall time, CPU time and peak RSS), output to
/dev/null; median of `--repeat` runs after a warm-up, the two sides in turn. **Calls** are
counted by the sandbox (every route but the token endpoint) over one run of each. The tap signs
in as a Singer user does: a refresh token from an approved authorization (the sandbox approves
by itself), and a catalog with those streams selected from its own `--discover` (not timed).

Airbyte's source-xero is not run: see benchmarks/README.md for why.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
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


def peer_env(venvs: Path) -> Path:
    """tap-xero's virtual environment, built from the registry on first use; its bin folder."""
    home = venvs / "tap-xero-2.6.0"
    bin_dir = home / "bin"
    if not (bin_dir / "tap-xero").exists() or not list(home.glob("lib/*/site-packages/six.py")):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(home)], check=True)
        subprocess.run(
            [str(bin_dir / "pip"), "install", "--quiet", "--disable-pip-version-check", *TAP],
            check=True,
        )
    site = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
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


def quiet(cmd: list[str]) -> list[str]:
    """`cmd` with its standard output to /dev/null (the launcher passes its own through)."""
    return ["sh", "-c", 'exec "$@" > /dev/null', "sh", *cmd]


def measure(records: int, repeat: int, bin_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    """Both sides over one sandbox of `records` documents."""
    sandbox = Sandbox(records)
    try:
        with tempfile.TemporaryDirectory(prefix="lh-peers-") as tmp:
            tap_env = dict(env, LEDGERHUB_PEER_SANDBOX=sandbox.url)
            tap = quiet(tap_setup(bin_dir, sandbox.url, Path(tmp), tap_env))
            hub = [
                HUB, "extract", "xero", "--base-url", sandbox.url, "--client-id", CLIENT_ID,
                "--client-secret", CLIENT_SECRET, "--no-limits", "--objects",
                ",".join(STREAMS.values()), "--out", os.devnull,
            ]  # fmt: skip
            calls: dict[str, int] = {}
            for name, cmd, cmd_env in (("hub", hub, env), ("tap", tap, tap_env)):
                before = api_calls(sandbox)
                run(cmd, cmd_env)  # the warm-up run counts the calls
                calls[name] = api_calls(sandbox) - before
            hub_runs: list[Run] = []
            tap_runs: list[Run] = []
            for _ in range(repeat):
                hub_runs.append(run(hub, env))
                tap_runs.append(run(tap, tap_env))
            counts = sandbox.control("counts")
        return {
            "hub": median(hub_runs),
            "tap": median(tap_runs),
            "calls": calls,
            "documents": sum(
                int(v.get("total", 0)) for k, v in counts.items() if k in STREAMS.values()
            ),
        }
    finally:
        sandbox.stop()


def main() -> None:
    """Build the peer's environment, measure each size, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", default="1000,10000", help="sizes (comma list)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side and size (median)")
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
    bin_dir = peer_env(args.venvs)
    print(f"{'figure':44} {'calls':>7} {'wall':>8} {'cpu':>8} {'peak RSS':>10}")
    for records in (int(n) for n in args.records.split(",")):
        found = measure(records, args.repeat, bin_dir, env)
        hub, tap, calls = found["hub"], found["tap"], found["calls"]
        for name, figures in (("hub extract xero", hub), ("tap-xero 2.6.0", tap)):
            label = f"{name}, N={records:,} ({found['documents']:,} items)"
            key = "hub" if name.startswith("hub") else "tap"
            print(
                f"{label:44} {calls[key]:7d} {figures.wall:7.2f}s {figures.cpu:7.2f}s "
                f"{figures.rss_mib:7.1f} MiB"
            )
        print(
            f"{'  hub / tap-xero':44} {calls['hub'] / max(calls['tap'], 1):6.2f}x "
            f"{hub.wall / tap.wall:7.2f}x {hub.cpu / tap.cpu:7.2f}x "
            f"{hub.rss_mib / tap.rss_mib:9.2f}x"
            "   (targets: calls <= 0.2x, wall <= 0.5x, RSS <= 1x)",
            flush=True,
        )


if __name__ == "__main__":
    main()
