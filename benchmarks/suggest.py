"""Speed and memory of the mapping-suggestion engine.

    .venv/bin/python benchmarks/suggest.py

Prints the time to suggest mappings for an object of 300 fields (built from real field names of
the labelled data) and, as a ratio against a baseline measured in the same run, its time per field
against a 30-field object's (target about 1: the engine scales linearly in the fields); the time
per labelled object over all labelled systems; and the peak memory of a 300-field run.

The engine has no optional learned component (see docs/mappings-suggest.md), so there is one
configuration to measure.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

from mappings.eval.dataset import load_labelled
from mappings.suggest import Engine, FieldList, FieldSpec


def _three_hundred_fields() -> FieldList:
    """300 fields: the SAP billing document (header and items) topped up with NetSuite's bill."""
    objects = {o.field_list.object: o.field_list for o in load_labelled()}
    fields: list[FieldSpec] = list(objects["A_BillingDocument"].fields)
    for extra in objects["vendorBill"].fields:
        if len(fields) >= 300:
            break
        fields.append(extra)
    return FieldList(object="BillingDocument", target_object="invoice", fields=fields[:300])


def _time(engine: Engine, fl: FieldList, repeat: int) -> list[float]:
    """CPU seconds of each run (on a shared machine, wall time measures the other tenants)."""
    out = []
    for _ in range(repeat):
        start = time.process_time()
        engine.suggest(fl)
        out.append(time.process_time() - start)
    return out


def _wall(engine: Engine, fl: FieldList, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        engine.suggest(fl)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    """Run the benchmark and print the figures."""
    engine = Engine()
    big = _three_hundred_fields()
    engine.suggest(big)  # warm the caches (catalogue, tokenizer)
    times = _time(engine, big, 10)
    wall = _wall(engine, big, 5)
    print(
        f"300-field object: median {statistics.median(times) * 1000:.0f} ms CPU, "
        f"max {max(times) * 1000:.0f} ms over {len(times)} runs (target: well under 1 s); "
        f"wall clock median {statistics.median(wall) * 1000:.0f} ms on this machine now"
    )
    small = FieldList(object=big.object, target_object=big.target_object, fields=big.fields[:30])
    small_times = _time(engine, small, 10)
    per_big = statistics.median(times) / 300
    per_small = statistics.median(small_times) / 30
    print(
        f"per field: {per_big * 1e3:.2f} ms at 300 fields vs {per_small * 1e3:.2f} ms at 30 "
        f"(baseline, same run): ratio {per_big / per_small:.2f} (target about 1)"
    )
    objects = load_labelled()
    per_object = []
    total_fields = 0
    for obj in objects:
        t = _time(engine, obj.field_list, 3)
        per_object.append((statistics.median(t), obj))
        total_fields += len(obj.field_list.fields)
    total = sum(t for t, _ in per_object)
    slowest, slow_obj = max(per_object, key=lambda to: to[0])
    print(
        f"all {len(objects)} labelled objects ({total_fields} fields): {total * 1000:.0f} ms CPU "
        f"in all, {total / len(objects) * 1000:.0f} ms per object on average, slowest "
        f"{slow_obj.system}/{slow_obj.field_list.object} ({len(slow_obj.field_list.fields)} "
        f"fields) {slowest * 1000:.0f} ms"
    )
    tracemalloc.start()
    Engine().suggest(big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory of one 300-field run (tracemalloc): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
