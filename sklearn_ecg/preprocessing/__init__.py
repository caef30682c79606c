"""Preprocessing of ECG data: outlier filtering and per-beat normalisation.

- :class:`OutlierFilter` flags or repairs values that lie too many standard
  deviations from their column (an ECG channel or a beat sample position).
- :class:`BeatNormalizer` resamples each beat to a fixed length and scales
  its amplitude (min-max, z-score or baseline removal).
- :class:`BeatFeatureExtractor` measures each beat (RR features passed
  through, QRS width and energy, wave amplitudes, a down-sampled shape).
- :class:`SignalCleaner` band-passes raw signals and removes powerline
  interference (found in the spectrum) with zero-phase filters.
"""

from ._beat_features import BeatFeatureExtractor
from ._beat_normalizer import BeatNormalizer
from ._cleaner import SignalCleaner, find_powerline
from ._outlier import OutlierFilter

__all__ = ["BeatFeatureExtractor", "BeatNormalizer", "OutlierFilter", "SignalCleaner", "find_powerline"]
