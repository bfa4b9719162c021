"""The SOAP journal entry endpoint of the SAP sandbox (placeholder until the builder lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

if TYPE_CHECKING:
    from connectors.sap.sandbox.state import SapSandboxState

__all__ = ["SOAP_PATH", "soap_routes"]

SOAP_PATH = "/sap/bc/srt/scs_ext/sap/journalentrycreaterequestconfi"


def soap_routes(state: SapSandboxState) -> list[Route]:
    """Routes of the SOAP services."""

    async def journal(_: Request) -> Response:
        return Response(b"", status_code=501)

    return [Route(SOAP_PATH, journal, methods=["POST"])]
