"""Signal helpers shared by the segmentation and preprocessing subpackages.

There is one resampler in the library, :func:`resample_rows`, so that a beat
resampled by :class:`~sklearn_ecg.RPeakSegmenter` and one resampled by
:class:`~sklearn_ecg.BeatNormalizer` are resampled the same way.
"""

from math import gcd
from numbers import Real

import numpy as np
from scipy.signal import resample_poly


def check_fs(fs, name="fs"):
    """Return ``fs`` as a float after checking it is a positive, finite number.

    Parameters
    ----------
    fs : float
        A sampling frequency in samples per second.
    name : str, default="fs"
        The argument's name, used in the error message.

    Returns
    -------
    fs : float

    Raises
    ------
    ValueError
        If ``fs`` is not a positive finite number.
    """
    if isinstance(fs, bool) or not isinstance(fs, Real) or not np.isfinite(fs) or fs <= 0:
        raise ValueError(
            f"{name} must be a positive number of samples per second, got {fs!r}"
        )
    return float(fs)


def fill_gaps(signal, name="signal"):
    """Bridge missing (NaN) samples by linear interpolation, so a detector sees one signal.

    Missing samples at either end take the nearest valid value.

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
        One lead.
    name : str, default="signal"
        What to call the signal in the error message.

    Returns
    -------
    filled : ndarray of float
        The signal, a copy where samples were missing.
    n_filled : int
        How many samples were filled, to report.

    Raises
    ------
    ValueError
        If no sample is valid.
    """
    signal = np.asarray(signal, dtype=float)
    missing = np.isnan(signal)
    if missing.all():
        raise ValueError(f"{name} holds no valid sample")
    if missing.any():
        index = np.arange(signal.size)
        signal = signal.copy()
        signal[missing] = np.interp(index[missing], index[~missing], signal[~missing])
    return signal, int(missing.sum())


def template_correlation(beats):
    """Pearson correlation of each beat with the median beat of ``beats``.

    Parameters
    ----------
    beats : ndarray of shape (n_beats, n_samples)

    Returns
    -------
    corr : ndarray of shape (n_beats,)
        In [-1, 1]; 0 for a flat beat (or a flat median beat).
    """
    n, length = beats.shape
    corr = np.zeros(n)
    if n == 0:
        return corr
    # Column and row blocks: a day of beats (a memory-mapped Holter record, say) is
    # never copied whole, as np.median and centring the whole array would.
    template = np.empty(length)
    for j in range(0, length, 32):
        template[j:j + 32] = np.median(beats[:, j:j + 32], axis=0)
    b = template - template.mean()
    for i in range(0, n, 4096):
        a = beats[i:i + 4096]
        a = a - a.mean(axis=1, keepdims=True)
        norm = np.linalg.norm(a, axis=1) * np.linalg.norm(b)
        np.divide(a @ b, norm, out=corr[i:i + 4096], where=norm > 0)
    return corr


def beat_feature_names(n_samples):
    """Column names of a beat: ``beat_000``, ``beat_001``, … zero-padded to one width.

    Parameters
    ----------
    n_samples : int
        Number of samples of the beat.

    Returns
    -------
    names : list of str

    Examples
    --------
    >>> from sklearn_ecg.utils import beat_feature_names
    >>> beat_feature_names(3), beat_feature_names(187)[-1]
    (['beat_0', 'beat_1', 'beat_2'], 'beat_186')
    """
    width = len(str(n_samples - 1))
    return [f"beat_{i:0{width}d}" for i in range(n_samples)]


def check_peaks(peaks, name="peaks", signal_length=None):
    """Return ``peaks`` as a sorted, unique int64 array of sample indices.

    Parameters
    ----------
    peaks : array-like of shape (n_peaks,)
        Sample indices; floats are accepted only when they hold whole numbers.
    name : str, default="peaks"
        The argument's name, used in error messages.
    signal_length : int, default=None
        When given, every index must lie in ``[0, signal_length)``. Named
        ``n_samples`` before 0.2 (still accepted, with a FutureWarning).

    Returns
    -------
    peaks : ndarray of int64

    Raises
    ------
    ValueError
        If ``peaks`` is not 1-D, holds non-integer values, or lies outside the
        signal.
    """
    arr = np.asarray(peaks)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of sample indices, got shape {arr.shape}")
    if arr.size == 0:
        return np.empty(0, dtype=np.int64)
    if not (np.issubdtype(arr.dtype, np.integer)
            or (np.issubdtype(arr.dtype, np.floating) and np.all(np.mod(arr, 1) == 0))):
        raise ValueError(f"{name} must hold whole sample indices, got {arr[:3].tolist()}...")
    arr = np.unique(arr.astype(np.int64))
    if signal_length is not None and (arr[0] < 0 or arr[-1] >= signal_length):
        raise ValueError(
            f"{name} must lie inside the signal (0 to {signal_length - 1}), got values "
            f"from {arr[0]} to {arr[-1]}"
        )
    return arr


def resample_rows(X, n_samples):
    """Resample each row of ``X`` to ``n_samples`` samples.

    A polyphase filter (:func:`scipy.signal.resample_poly`) with an
    anti-aliasing low-pass is used. The line through each row's first and last
    samples is taken out before filtering and put back exactly afterwards, so
    that a row that does not start and end at zero is not distorted at its
    edges, and a constant or linear row stays exactly so.

    Parameters
    ----------
    X : array-like of shape (n_rows, n_in) or (n_rows, n_in, n_channels)
        Rows to resample along axis 1.
    n_samples : int
        Length of each output row.

    Returns
    -------
    X_resampled : ndarray of shape (n_rows, n_samples) or (n_rows, n_samples, n_channels)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.utils import resample_rows
    >>> resample_rows(np.ones((2, 360)), 125).shape
    (2, 125)
    """
    X = np.asarray(X, dtype=float)
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)):
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    if n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    n_in = X.shape[1]
    if n_in == n_samples:
        return X.copy()
    if n_in < 2:
        # Nothing to interpolate between: repeat the single sample.
        return np.repeat(X, n_samples, axis=1)
    g = gcd(n_samples, n_in)
    up, down = n_samples // g, n_in // g
    shape = (1, -1) + (1,) * (X.ndim - 2)
    first, last = X[:, :1], X[:, -1:]
    t_in = np.arange(n_in).reshape(shape) / (n_in - 1)
    # Output sample k sits at input position k * n_in / n_samples.
    t_out = (np.arange(n_samples) * n_in / n_samples).reshape(shape) / (n_in - 1)
    residual = X - (first + (last - first) * t_in)
    out = resample_poly(residual, up, down, axis=1, padtype="line")
    # resample_poly returns ceil(n_in * up / down) samples, which is n_samples here.
    return out[:, :n_samples] + first + (last - first) * t_out


def check_beat_columns(X, estimator, *, extra=None, beats=True, hint=""):
    """Refuse the columns of a DataFrame that cannot be what ``estimator`` takes.

    Text and date columns (a ``patient`` name, a timestamp) are refused by name,
    instead of failing in NumPy's or pandas' conversion or being converted
    silently. With ``beats=True`` (estimators that treat columns as samples of
    one beat) numeric columns named apart from the beat are refused as well:
    when most columns share one name followed by a number (``beat_000``,
    ``s0``, ``0``), a column that does not (``record``) is not a beat sample,
    and scaling it with the beat would squash the beat. RR columns that the
    library writes are left to the caller's own warning; ``extra`` names the
    columns the estimator takes as extra features (``extra_features``).

    Parameters
    ----------
    X : object
        Anything; only a DataFrame is checked.
    estimator : str
        The estimator's name, for the message.
    extra : sequence of str, default=None
    beats : bool, default=True
    hint : str, default=""
        Ends the message about numeric columns apart from the beat.

    Raises
    ------
    ValueError
        Naming the columns and what to do with them.
    """
    import re

    columns = getattr(X, "columns", None)
    dtypes = getattr(X, "dtypes", None)
    if columns is None or dtypes is None or getattr(X, "ndim", 2) != 2:
        return
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    text = [str(c) for c, t in zip(columns, dtypes) if not is_numeric_dtype(t) or is_bool_dtype(t)]
    if text:
        raise ValueError(
            f"X has columns that are not numbers: {text[:5]}{' ...' if len(text) > 5 else ''} "
            f"({', '.join(sorted({str(X[c].dtype) for c in columns if str(c) in text}))}); "
            f"{estimator} takes numeric columns only: drop them (X.drop(columns=[...])) or "
            "send only the signal columns to it with sklearn.compose.ColumnTransformer"
        )
    if not beats:
        return
    from ._vocabulary import RR_COLUMNS

    names = [str(c) for c in columns]
    prefixes = [m.group(1) if (m := re.fullmatch(r"(.*?)(\d+)", n)) else None for n in names]
    numbered = [p for p in prefixes if p is not None]
    if not numbered:
        return
    prefix = max(set(numbered), key=numbered.count)
    if numbered.count(prefix) < max(2, len(names) // 2):
        return  # no name most columns share: nothing to tell beat samples by
    skip = set(RR_COLUMNS) | set(map(str, () if extra is None else extra))
    apart = [n for n, p in zip(names, prefixes) if p != prefix and n not in skip]
    if apart:
        raise ValueError(
            f"X has columns {apart[:5]}{' ...' if len(apart) > 5 else ''} beside its beat "
            f"samples ({prefix!r} followed by a number); {estimator} would treat them as "
            "samples of the beat and scale them with it: drop them, or send only the beat "
            f"columns to it with sklearn.compose.ColumnTransformer(..., remainder='passthrough'){hint}"
        )


def check_extra_columns(X, indices, feature_names=None, name="extra_features"):
    """Refuse or warn when the columns taken as extra features look like beat samples.

    ``extra_features=5`` on ``X`` that holds only beats would take the beat's
    last five samples as RR features, silently. Columns named ``beat_...``
    (a DataFrame of :func:`beat_feature_names`) are refused; in an array, a
    first extra column that continues the beat (correlation above 0.95 with
    the beat column before it, over at least 10 rows) is warned about.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_columns)
    indices : ndarray of int
        The extra columns, as :func:`extra_column_indices` gives them.
    feature_names : ndarray of str, default=None
    name : str, default="extra_features"
    """
    import warnings

    if indices.size == 0:
        return
    if feature_names is not None:
        named = [str(feature_names[i]) for i in indices if str(feature_names[i]).startswith("beat_")]
        if named:
            raise ValueError(
                f"{name} takes columns {named[:3]}{' ...' if len(named) > 3 else ''} of X, "
                "which are beat samples: X holds no extra features there; add them "
                f"(np.hstack([beats, rr])) or set {name}=None"
            )
    first = int(indices[0])
    if first == 0 or (first - 1) in set(indices.tolist()) or X.shape[0] < 10:
        return
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(np.asarray(X[:, first - 1], dtype=float),
                           np.asarray(X[:, first], dtype=float))[0, 1]
    if np.isfinite(corr) and corr > 0.95:
        warnings.warn(
            f"{name}: column {first}, the first taken as an extra feature, continues the "
            f"beat before it (correlation {corr:.2f} with column {first - 1}): does X hold "
            "the extra features (RR intervals) after the beats? As it is, beat samples are "
            "used as features",
            UserWarning, stacklevel=3,
        )


def extra_column_indices(spec, n_columns, feature_names=None, name="extra_features"):
    """Positions of the scalar columns (such as RR features) that follow the beats.

    The one reading of the ``extra_features`` parameter of the beat
    estimators: an int ``k`` takes the last ``k`` columns; a sequence of
    strings takes those columns of a DataFrame (``feature_names``); a sequence
    of ints takes those positions. At least one column must be left for the
    beat. Errors name the parameter ``name``.

    Parameters
    ----------
    spec : int, sequence of str or int, or None
    n_columns : int
        Columns of the 2-D ``X``.
    feature_names : ndarray of str, default=None
        ``feature_names_in_`` of the estimator, for names.
    name : str, default="extra_features"

    Returns
    -------
    indices : ndarray of intp, sorted
    """
    if spec is None or (isinstance(spec, (int, np.integer)) and not isinstance(spec, bool)
                        and spec == 0):
        return np.empty(0, dtype=np.intp)
    n = int(n_columns)
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        if spec < 0 or spec >= n:
            raise ValueError(f"{name}={spec} leaves no beat column in X with n_features = {n}")
        return np.arange(n - spec, n)
    if isinstance(spec, str):
        spec = [spec]
    spec = list(spec)
    if spec and all(isinstance(s, str) for s in spec):
        if feature_names is None:
            raise ValueError(f"{name} given as names needs X as a DataFrame with those columns")
        names = list(feature_names)
        missing = [s for s in spec if s not in names]
        if missing:
            raise ValueError(f"{name} {missing} are not columns of X")
        return np.array([names.index(s) for s in spec], dtype=np.intp)
    if spec and all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in spec) \
            and all(0 <= s < n for s in spec):
        positions = np.unique(np.asarray(spec, dtype=np.intp))
        if positions.size != len(spec) or positions.size >= n:
            raise ValueError(
                f"{name} must name distinct columns and leave at least one "
                f"beat column, got {spec!r} for X of {n} columns"
            )
        return positions
    raise ValueError(
        f"{name} must be an int, column names or column positions of X, got {spec!r}"
    )
