"""Labelled field lists of accounting systems, and the leave-one-system-out evaluation."""

from mappings.eval.dataset import LabelledObject, load_labelled, systems
from mappings.eval.loeo import (
    Metrics,
    Mistake,
    evaluate,
    fit,
    leave_one_erp_out,
    leave_one_system_out,
)

__all__ = [
    "LabelledObject",
    "Metrics",
    "Mistake",
    "evaluate",
    "fit",
    "leave_one_erp_out",
    "leave_one_system_out",
    "load_labelled",
    "systems",
]
