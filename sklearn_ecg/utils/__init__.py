"""Small shared helpers: argument checks, beat column names and resampling."""

from ._signal import beat_feature_names, check_fs, check_peaks, resample_rows

__all__ = ["beat_feature_names", "check_fs", "check_peaks", "resample_rows"]
