"""The hub: store, jobs, API, webhooks and the `hub` command."""

__version__ = "0.1.0"
