"""Background jobs on dramatiq: sync, write and dispatch, one failure policy, a scheduler.

Actors are thin functions of ids (`hub.jobs.actors`); the work they do lives in `sync.py`,
`writes.py` and `dispatch.py`, callable without a broker; what happens when a job fails is
decided in one place, the `FailurePolicy` middleware (`policy.py`).
"""
