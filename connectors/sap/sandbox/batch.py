"""`POST <service>/$batch`: OData V2 batches, as SAP Gateway takes them.

The body is `multipart/mixed`: each part is one request (`application/http`: request line,
headers, body) or a change set (a nested `multipart/mixed` of modifying requests). Every request
runs through the service as if sent alone, with the batch's own credentials, session cookie and
CSRF token. A change set is all or nothing: when one of its requests fails, what the earlier ones
changed is undone and the change set's answer is that one error response.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from email.message import Message
from email.parser import BytesParser
from http import HTTPStatus
from typing import TYPE_CHECKING

import httpx
from starlette.requests import Request
from starlette.responses import Response

from connectors.sap.sandbox.errors import odata_error

if TYPE_CHECKING:
    from connectors.sap.sandbox.state import SapSandboxState

__all__ = ["batch_endpoint"]

_PASSED = ("authorization", "cookie", "x-csrf-token")


def _request_of(part: Message) -> tuple[str, str, dict[str, str], bytes]:
    payload = part.get_payload(decode=True)
    raw = payload if isinstance(payload, bytes) else str(part.get_payload()).encode()
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    lines = head.decode("utf-8").strip("\n").split("\n")
    method, target, *_ = lines[0].split(" ")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip():
            headers[name.strip().lower()] = value.strip()
    return method.upper(), target, headers, body.strip(b"\n")


def _http_part(response: httpx.Response) -> str:
    reason = HTTPStatus(response.status_code).phrase
    lines = [
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        f"HTTP/1.1 {response.status_code} {reason}",
    ]
    for name in ("content-type", "location", "x-csrf-token", "dataserviceversion"):
        if name in response.headers:
            lines.append(f"{name}: {response.headers[name]}")
    lines.append(f"Content-Length: {len(response.content)}")
    lines.append("")
    return "\r\n".join(lines) + "\r\n" + response.text


def batch_endpoint(state: SapSandboxState, root: str) -> Callable[[Request], Awaitable[Response]]:
    """The `$batch` handler of one service (its root path, e.g. /sap/opu/odata/sap/API_X)."""

    async def batch(request: Request) -> Response:
        content_type = request.headers.get("content-type", "")
        if "multipart/mixed" not in content_type or "boundary=" not in content_type:
            return odata_error(400, "/IWBEP/CM_MGW_RT/004", "A $batch body must be multipart/mixed")
        message = BytesParser().parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + await request.body()
        )
        passed = {k: v for k, v in request.headers.items() if k.lower() in _PASSED}
        transport = httpx.ASGITransport(app=request.app)
        base = f"{request.url.scheme}://{request.headers.get('host', 'sandbox')}{root}/"
        out_boundary = f"batch_{uuid.uuid4().hex}"
        parts: list[str] = []
        async with httpx.AsyncClient(transport=transport, base_url=base) as client:

            async def run(part: Message) -> httpx.Response:
                method, target, headers, body = _request_of(part)
                return await client.request(
                    method, target.lstrip("/"), headers={**headers, **passed}, content=body or None
                )

            for part in message.get_payload():
                if not isinstance(part, Message):
                    continue
                if part.get_content_type() != "multipart/mixed":
                    parts.append(_http_part(await run(part)))
                    continue
                snapshot = state.store.snapshot()
                answers: list[httpx.Response] = []
                for inner in part.get_payload():
                    if not isinstance(inner, Message):
                        continue
                    answer = await run(inner)
                    if answer.status_code >= 400:
                        state.store.restore(snapshot)
                        answers = [answer]
                        break
                    answers.append(answer)
                if len(answers) == 1 and answers[0].status_code >= 400:
                    parts.append(_http_part(answers[0]))
                    continue
                inner_boundary = f"changeset_{uuid.uuid4().hex}"
                inner_text = "".join(f"--{inner_boundary}\r\n{_http_part(a)}\r\n" for a in answers)
                parts.append(
                    f"Content-Type: multipart/mixed; boundary={inner_boundary}\r\n\r\n"
                    f"{inner_text}--{inner_boundary}--"
                )
        body = "".join(f"--{out_boundary}\r\n{p}\r\n" for p in parts) + f"--{out_boundary}--\r\n"
        return Response(
            body.encode("utf-8"),
            status_code=202,
            media_type=f"multipart/mixed; boundary={out_boundary}",
        )

    return batch
