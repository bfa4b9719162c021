"""Fit the shipped weights and calibration from the labelled data in the repository.

python -m mappings.suggest.train        # rewrites mappings/suggest/weights.json
"""

from __future__ import annotations

import sys

from mappings.eval.dataset import load_labelled
from mappings.eval.loeo import fit
from mappings.suggest.model import WEIGHTS_FILE


def main() -> None:
    """Fit on every labelled system and write `weights.json`."""
    # The shipped calibration holds out one system at a time (the eval uses grouped folds to
    # stay quick; here there is one fit to make).
    weights = fit(load_labelled(), folds=None)
    WEIGHTS_FILE.write_text(weights.to_json(), encoding="utf-8")
    sys.stdout.write(f"wrote {WEIGHTS_FILE} (trained on {', '.join(weights.trained_on)})\n")


if __name__ == "__main__":
    main()
