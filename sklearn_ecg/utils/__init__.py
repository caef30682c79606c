"""Small shared helpers: argument checks and resampling used by several subpackages."""

from ._signal import check_fs, resample_rows

__all__ = ["check_fs", "resample_rows"]
