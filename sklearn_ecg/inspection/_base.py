"""Helpers shared by the inspection tools: input checks, class order, matplotlib.

Nothing here imports matplotlib at module level: the plotting functions import it
when they are called, after :func:`check_matplotlib_support` has said whether it is
installed, so that ``import sklearn_ecg.inspection`` stays cheap and works
without the ``plot`` extra.
"""

from numbers import Real

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..utils import check_fs
from ..utils._vocabulary import AAMI_CLASSES

PLOT_EXTRA = 'pip install "sklearn-ecg[plot]"'


def check_matplotlib_support(caller_name):
    """Raise an ``ImportError`` that names the ``plot`` extra if matplotlib is absent.

    Parameters
    ----------
    caller_name : str
        The function or method that needs matplotlib, named in the message.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} requires matplotlib, an optional dependency of "
            f"sklearn-ecg. Install it with the plot extra: {PLOT_EXTRA}"
        ) from exc


def figure_and_axes(ax, figsize):
    """The figure of ``ax``, or a new figure and axes of ``figsize`` when ``ax`` is None.

    The one place where a display's ``plot`` sets up its axes, as scikit-learn's
    displays do: a user's axes are drawn on as they are, new ones are laid out
    with ``layout="constrained"`` so that legends and labels stay inside.
    """
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")


def style_kwargs(defaults, user):
    """Merge user style keywords over defaults, resolving matplotlib aliases."""
    from sklearn.utils._plotting import _validate_style_kwargs

    return _validate_style_kwargs(defaults, dict(user or {}))


def check_positive(value, name, unit="seconds"):
    """Return ``value`` as a float after checking it is a positive finite number."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} must be a positive number of {unit}, got {value!r}")
    return float(value)


def _as_float_array(data):
    """``data`` as a float64 array; a clear error for non-numeric input."""
    try:
        arr = np.asarray(data)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"data must be a numeric array or DataFrame of samples, got {exc}"
        ) from exc
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    if arr.dtype.kind == "O":
        # Lists holding None (missing values) become object arrays.
        try:
            return arr.astype(np.float64)
        except (TypeError, ValueError):
            pass
    raise ValueError(
        f"data must hold numbers (one column per channel), got an array of dtype "
        f"{arr.dtype}; convert it with np.asarray(data, dtype=float) or drop "
        "the non-numeric columns"
    )


def check_recording(data, fs=None, *, name="data"):
    """Validate a multichannel recording and find its sampling frequency.

    Parameters
    ----------
    data : DataFrame, Series or array-like of shape (n_samples, n_channels) \
            or (n_samples,)
        The recording. A DataFrame (or Series) may carry its sampling frequency
        in ``attrs["fs"]``, as :func:`~sklearn_ecg.datasets.read_garment_csv`
        sets it.
    fs : float, default=None
        The sampling frequency in Hz; required unless ``data.attrs["fs"]``
        holds it. An explicit ``fs`` wins over ``attrs``.
    name : str, default="data"
        The argument's name, used in error messages.

    Returns
    -------
    recording : Bunch
        ``samples`` (float64 array of shape (n_samples, n_channels), with
        infinite values replaced by NaN), ``channels`` (list of the channel
        names: the columns of a DataFrame, the name of a Series, else 0, 1,
        ...), ``index`` (the DataFrame's index, or None), ``fs`` and ``start``
        (time of the first sample in seconds: from a ``TimedeltaIndex``, else
        0).
    """
    index = None
    attrs = {}
    if isinstance(data, pd.Series):
        attrs = dict(data.attrs)
        data = data.to_frame(name=0 if data.name is None else data.name)
    if isinstance(data, pd.DataFrame):
        attrs = {**dict(data.attrs), **attrs}
        non_numeric = [
            column
            for column, dtype in data.dtypes.items()
            if not pd.api.types.is_numeric_dtype(dtype)
            or pd.api.types.is_bool_dtype(dtype)
        ]
        if non_numeric:
            raise ValueError(
                f"{name} must hold numeric channels only, but the columns "
                f"{non_numeric!r} are not numeric; drop them first, e.g. "
                f"{name}.drop(columns={non_numeric!r})"
            )
        if data.columns.has_duplicates:
            duplicated = list(data.columns[data.columns.duplicated()].unique())
            raise ValueError(
                f"{name} has duplicated column names {duplicated!r}; give each "
                "channel its own name"
            )
        channels = list(data.columns)
        index = data.index
        values = data.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    else:
        values = _as_float_array(data)
        if values.ndim == 1:
            values = values[:, np.newaxis]
        if values.ndim != 2:
            raise ValueError(
                f"{name} must be 2-D (n_samples, n_channels) or 1-D (one channel), "
                f"got an array of shape {values.shape}"
            )
        channels = list(range(values.shape[1]))
    if values.shape[0] == 0:
        raise ValueError(f"{name} has no samples (shape {values.shape})")
    if values.shape[1] == 0:
        raise ValueError(f"{name} has no channels (shape {values.shape})")
    values[~np.isfinite(values)] = np.nan

    if fs is None:
        if "fs" not in attrs:
            raise ValueError(
                "fs is required: pass the sampling frequency in Hz (e.g. fs=500 "
                "for the smart-garment jacket); it can be left out only for a "
                "DataFrame that carries it in attrs['fs'], as read_garment_csv "
                "returns"
            )
        fs = check_fs(attrs["fs"], f"{name}.attrs['fs']")
    else:
        fs = check_fs(fs)

    start = 0.0
    if isinstance(index, pd.TimedeltaIndex) and len(index) and not pd.isna(index[0]):
        start = index[0].total_seconds()
    return Bunch(samples=values, channels=channels, index=index, fs=fs, start=start)


def check_channels(selection, channels, name):
    """Positions in ``channels`` of the names in ``selection`` (a name or a list)."""
    if selection is None:
        return list(range(len(channels)))
    if isinstance(selection, (str, int, np.integer)) or not np.iterable(selection):
        selection = [selection]
    positions = []
    for channel in selection:
        matches = [k for k, known in enumerate(channels) if known == channel]
        if not matches:
            raise ValueError(
                f"{name} must name channels of the data, one of {channels!r}; "
                f"got {channel!r}"
            )
        positions.append(matches[0])
    return positions


def check_signal(signal, fs=None, *, name="signal"):
    """One lead as a 1-D float array, its sampling frequency and start time."""
    recording = check_recording(signal, fs, name=name)
    if recording.samples.shape[1] != 1:
        raise ValueError(
            f"{name} must be one lead, a 1-D array or a Series, got "
            f"{recording.samples.shape[1]} channels"
        )
    return recording.samples[:, 0], recording.fs, recording.start


def class_order(labels):
    """The distinct labels: AAMI classes first in N, S, V, F, Q order, then the rest."""
    present = list(pd.unique(np.asarray(labels, dtype=object).ravel()))
    aami = [c for c in AAMI_CLASSES if c in present]
    others = sorted((c for c in present if c not in AAMI_CLASSES), key=str)
    return aami + others


def class_color(label, order):
    """A colour per class: each AAMI class always gets the same one."""
    if label in AAMI_CLASSES:
        position = AAMI_CLASSES.index(label)
    else:
        others = [c for c in order if c not in AAMI_CLASSES]
        position = len(AAMI_CLASSES) + others.index(label)
    return f"C{position % 10}"
