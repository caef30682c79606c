"""Small shared helpers: argument checks, beat column names and resampling."""

from ._signal import (
    beat_feature_names,
    check_fs,
    check_peaks,
    extra_column_indices,
    resample_rows,
)

__all__ = [
    "beat_feature_names",
    "check_fs",
    "check_peaks",
    "extra_column_indices",
    "resample_rows",
]
