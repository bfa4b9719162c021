"""Canonical webhooks: fan-out of outbox events to endpoints, signed delivery, retries."""
