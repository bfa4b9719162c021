"""Labelled field lists of Xero, NetSuite and SAP S/4HANA, and the leave-one-ERP-out evaluation."""

from mappings.eval.dataset import LabelledObject, load_labelled, systems
from mappings.eval.loeo import Metrics, Mistake, evaluate, fit, leave_one_erp_out

__all__ = [
    "LabelledObject",
    "Metrics",
    "Mistake",
    "evaluate",
    "fit",
    "leave_one_erp_out",
    "load_labelled",
    "systems",
]
