"""Per-beat amplitude normalisation and resampling to a fixed length.

:class:`BeatNormalizer` works on one beat per row, as produced by
:class:`~sklearn_ecg.segmentation.RPeakSegmenter`: it resamples each beat to
the length a model expects (with the library's one resampler,
:func:`sklearn_ecg.utils.resample_rows`) and then scales its amplitude.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from ..utils import beat_feature_names, check_fs, resample_rows
from ..utils._signal import check_beat_columns
from ..utils._vocabulary import RR_COLUMNS


class BeatNormalizer(TransformerMixin, BaseEstimator):
    """Normalise the amplitude of each beat and optionally resample it.

    Each row of ``X`` is one beat. Beats are first resampled to the target
    length (when one is given), then normalised one by one, so that no
    statistic is shared between beats and the transformer is stateless.

    Parameters
    ----------
    method : {"minmax", "zscore", "baseline"} or None, default="minmax"
        How each beat's amplitude is normalised:

        - ``"minmax"``: to the range [0, 1], as the MIT-BIH and PTB beat
          datasets of the CNN heartbeat classifier of Kachuee et al. (2018);
        - ``"zscore"``: to zero mean and unit (population) standard deviation;
        - ``"baseline"``: the beat's median, its isoelectric level, is
          subtracted; the amplitude stays in the original units (e.g. mV);
        - ``None``: no normalisation, resampling only.
    beat_length : int, default=None
        Length of each output beat. None keeps the input length, unless
        ``target_fs`` is given. Exclusive with ``target_fs``.
    fs : float, default=None
        Sampling frequency of the input beats, in samples per second. Used
        only together with ``target_fs``.
    target_fs : float, default=None
        Sampling frequency to resample the beats to, an alternative to
        ``beat_length``: the output length is ``round(n_features_in_ *
        target_fs / fs)`` (at least 1). Requires ``fs``; exclusive with
        ``beat_length``.

    Attributes
    ----------
    beat_length_ : int
        Length of each output beat, as ``RPeakSegmenter.beat_length_``.
    n_features_in_ : int
        Number of samples per beat seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the input columns seen during :meth:`fit`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    OutlierFilter : Flag or repair outlying values column by column.
    sklearn_ecg.utils.resample_rows : The resampler used here.
    sklearn.preprocessing.MinMaxScaler : Min-max scaling per column instead
        of per row.

    Notes
    -----
    Resampling happens *before* normalisation: a polyphase resampler can
    overshoot around sharp QRS complexes, and normalising afterwards keeps
    ``"minmax"`` output exactly within [0, 1] (the minimum is exactly 0 and the
    maximum exactly 1).

    A flat beat (all input samples equal) has no amplitude to normalise: its
    output is all zeros for ``"minmax"``, ``"zscore"`` and ``"baseline"``,
    without a warning, also when it is resampled.

    :meth:`fit` only validates ``X`` and records its shape;
    :meth:`transform` requires beats of the same length as seen in
    :meth:`fit`. Missing values are rejected.

    Output feature names are ``beat_000``, ``beat_001``, ... (zero-padded to
    the width of the last index) when the beats are resampled or the input
    has no column names; otherwise the input names are kept.

    .. warning::
       Every column of a row is treated as a sample of one beat. The output of
       ``RPeakSegmenter(rr_features=True)`` ends with the RR columns
       ``n_beats``, ``rr_mean``, ``rr_std`` and ``rr_rmssd``, which would be
       resampled and normalised as if they were part of the beat (:meth:`fit`
       warns when it sees these column names). Segment with
       ``RPeakSegmenter(rr_features=False)``, or send only the beat columns to
       the normaliser and pass the RR columns through::

           from sklearn.compose import ColumnTransformer, make_column_selector

           normalise_beats = ColumnTransformer(
               [("beat", BeatNormalizer(), make_column_selector("^beat_"))],
               remainder="passthrough",
           )
           make_pipeline(
               RPeakSegmenter(rr_features=True).set_output(transform="pandas"),
               normalise_beats,
               model,
           )

    References
    ----------
    M. Kachuee, S. Fazeli and M. Sarrafzadeh, "ECG Heartbeat Classification:
    A Deep Transferable Representation", IEEE International Conference on
    Healthcare Informatics (ICHI), 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.preprocessing import BeatNormalizer
    >>> X = np.array([[0.0, 1.0, 4.0, 1.0, 0.0],
    ...               [2.0, 2.0, 2.0, 2.0, 2.0]])
    >>> BeatNormalizer().fit_transform(X)
    array([[0.  , 0.25, 1.  , 0.25, 0.  ],
           [0.  , 0.  , 0.  , 0.  , 0.  ]])
    >>> BeatNormalizer(method="baseline").fit_transform(X)
    array([[-1.,  0.,  3.,  0., -1.],
           [ 0.,  0.,  0.,  0.,  0.]])
    >>> norm = BeatNormalizer(beat_length=187).fit(X)
    >>> norm.transform(X).shape
    (2, 187)
    >>> norm.get_feature_names_out()[:3]
    array(['beat_000', 'beat_001', 'beat_002'], dtype=object)
    >>> BeatNormalizer(fs=360, target_fs=125).fit(np.zeros((1, 360))).beat_length_
    125
    """

    _parameter_constraints: dict = {
        "method": [StrOptions({"minmax", "zscore", "baseline"}), None],
        "beat_length": [Interval(Integral, 1, None, closed="left"), None],
        "fs": [Interval(Real, 0, None, closed="neither"), None],
        "target_fs": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(self, method="minmax", *, beat_length=None, fs=None, target_fs=None):
        self.method = method
        self.beat_length = beat_length
        self.fs = fs
        self.target_fs = target_fs

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the beats and the target length.

        Parameters
        ----------
        X : array-like of shape (n_beats, n_samples_in) or (n_beats, n_samples_in, n_leads)
            Beats, one per row; 3-D beats are normalised lead by lead.
        y : None
            Ignored, present for API consistency.

        Returns
        -------
        self : BeatNormalizer
            The fitted transformer.
        """
        check_beat_columns(X, "BeatNormalizer")
        X = validate_data(self, X, dtype=np.float64, allow_nd=True)
        _check_beat_dims(X)
        rr_columns = [
            name
            for name in getattr(self, "feature_names_in_", ())
            if name in RR_COLUMNS
        ]
        if rr_columns:
            warnings.warn(
                f"X has the RR feature columns {rr_columns}, which "
                "RPeakSegmenter and make_beat_dataset append to the beats; "
                "BeatNormalizer treats every column as a sample of one beat and "
                "would resample and normalise them with it. Segment with "
                "RPeakSegmenter(rr_features=False), or use a "
                "sklearn.compose.ColumnTransformer that sends only the beat "
                "columns to BeatNormalizer.",
                UserWarning,
                stacklevel=3,
            )
        n_in = X.shape[1]
        beat_length = self.beat_length
        if self.target_fs is not None:
            if beat_length is not None:
                raise ValueError(
                    "beat_length and target_fs both set the output length; give only "
                    f"one of them, got beat_length={beat_length!r} and "
                    f"target_fs={self.target_fs!r}"
                )
            if self.fs is None:
                raise ValueError(
                    "target_fs needs fs, the sampling frequency of the input beats; "
                    "set fs (e.g. fs=360 for MIT-BIH)"
                )
            fs = check_fs(self.fs, "fs")
            target_fs = check_fs(self.target_fs, "target_fs")
            self.beat_length_ = max(1, int(round(n_in * target_fs / fs)))
        elif beat_length is not None:
            self.beat_length_ = int(beat_length)
        else:
            self.beat_length_ = n_in
        return self

    def transform(self, X):
        """Resample, then normalise each beat.

        Parameters
        ----------
        X : array-like of shape (n_beats, `n_features_in_`) or (n_beats, `n_features_in_`, n_leads)
            Beats, one per row, of the length seen in :meth:`fit`.

        Returns
        -------
        X_out : ndarray of shape (n_beats, `beat_length_`) or (n_beats, `beat_length_`, n_leads)
            The normalised beats; each lead of a 3-D beat is normalised alone.
        """
        check_is_fitted(self)
        check_beat_columns(X, "BeatNormalizer")
        X = validate_data(self, X, dtype=np.float64, reset=False, allow_nd=True)
        _check_beat_dims(X)
        if X.ndim == 3:
            n, length, leads = X.shape
            rows = self._normalize(X.transpose(0, 2, 1).reshape(n * leads, length))
            return rows.reshape(n, leads, -1).transpose(0, 2, 1).copy()
        return self._normalize(X)

    def _normalize(self, X):
        """Resample and normalise the rows of a 2-D array."""
        # Flatness is judged on the input: the polyphase filter leaves a small
        # ripple on a resampled constant, which normalising would blow up.
        flat = np.ptp(X, axis=1) == 0
        if self.beat_length_ != X.shape[1]:
            X = resample_rows(X, self.beat_length_)
        else:
            X = X.copy()
        if self.method is None:
            return X

        lo = X.min(axis=1, keepdims=True)
        hi = X.max(axis=1, keepdims=True)
        flat |= (hi == lo).ravel()
        if self.method == "minmax":
            span = hi - lo
            span[flat] = 1.0
            X = (X - lo) / span
        elif self.method == "zscore":
            X = X - X.mean(axis=1, keepdims=True)
            std = X.std(axis=1, keepdims=True)
            # A tiny range can still underflow the std to 0.
            flat |= (std == 0).ravel()
            std[flat] = 1.0
            X /= std
        else:
            X = X - np.median(X, axis=1, keepdims=True)
        # Flat beats are exactly zero, not a rounding residue of the mean.
        X[flat] = 0.0
        return X

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; must match ``feature_names_in_`` if defined.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The input names when the beats are not resampled and names are
            known, else ``beat_000``, ``beat_001``, ... zero-padded to the
            width of ``beat_length_ - 1``.
        """
        check_is_fitted(self, "n_features_in_")
        input_features = _check_feature_names_in(
            self, input_features, generate_names=False
        )
        if input_features is not None and self.beat_length_ == self.n_features_in_:
            return np.asarray(input_features, dtype=object)
        return np.asarray(beat_feature_names(self.beat_length_), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags


def _check_beat_dims(X):
    if X.ndim > 3:
        raise ValueError(
            "X must hold beats as rows, 2-D (n_beats, n_samples) or 3-D "
            f"(n_beats, n_samples, n_leads), got shape {X.shape}"
        )
