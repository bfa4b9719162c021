"""The hub's HTTP API (Starlette). Today: health, readiness and status for operators."""
