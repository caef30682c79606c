"""Small shared helpers: argument checks, beat column names, resampling and saving models."""

from ._persistence import load_model, save_model, set_inference, trusted_types
from ._signal import (
    beat_feature_names,
    check_fs,
    check_peaks,
    extra_column_indices,
    fill_gaps,
    resample_rows,
)

__all__ = [
    "beat_feature_names",
    "check_fs",
    "check_peaks",
    "extra_column_indices",
    "fill_gaps",
    "load_model",
    "resample_rows",
    "save_model",
    "set_inference",
    "trusted_types",
]
