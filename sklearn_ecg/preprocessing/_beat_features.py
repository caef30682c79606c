"""BeatFeatureExtractor: the classical, interpretable features of a heartbeat."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from ..utils import extra_column_indices, resample_rows
from ..utils._signal import check_beat_columns, check_extra_columns, template_correlation

_MORPHOLOGY_NAMES = (
    "r_amplitude", "q_amplitude", "s_amplitude", "qrs_width", "qrs_energy",
    "qrs_max_slope", "p_amplitude", "t_amplitude", "t_min",
)


class BeatFeatureExtractor(TransformerMixin, BaseEstimator):
    """RR features and morphology of each beat, as named, interpretable columns.

    Each row of ``X`` is one beat window (an R peak ``r_offset`` seconds after
    its start), optionally followed by scalar columns such as the RR-interval
    features of :class:`~sklearn_ecg.RPeakSegmenter` and
    :func:`~sklearn_ecg.datasets.make_beat_dataset`, which are passed through
    first. For each lead the transformer then measures, relative to the beat's
    isoelectric level (its median):

    - ``r_amplitude``: the value at the R peak;
    - ``q_amplitude``, ``s_amplitude``: the minimum in the 80 ms before and
      after it;
    - ``qrs_width``: seconds, within 120 ms of the R peak, that the beat spends
      beyond half of its largest deflection there (wide for ventricular beats);
    - ``qrs_energy``: the beat's mean square within 50 ms of the R peak over its
      mean square overall;
    - ``qrs_max_slope``: the steepest slope within 50 ms of the R peak, per
      second;
    - ``p_amplitude``: the maximum 250 to 80 ms before the R peak (the P wave,
      missing or early in supraventricular beats);
    - ``t_amplitude``, ``t_min``: the maximum and minimum 100 to 450 ms after
      it;

    and ``n_points`` samples of the beat from 250 ms before to 450 ms after the
    R peak, down-sampled (``beat_00`` …), the coarse shape the measurements
    above miss. Parts of a window beyond the beat are clipped to it.

    With ``relative=True`` and the patient (or record) of each beat passed as
    ``groups``, each measurement is also given relative to the median of the
    patient's beats (``rel_r_amplitude`` …), and each beat's correlation with
    the patient's median beat (``template_corr``): what makes a beat ectopic
    is how it differs from the patient's usual beat, which varies between
    patients more than between classes. The medians are the patient's own,
    computed in :meth:`transform` from the beats it is given (no labels).

    These are the features of the classical inter-patient classifiers (de
    Chazal et al. 2004; Mondejar-Guerra et al. 2019), for an interpretable model
    or a strong baseline (gradient boosting on them).

    Parameters
    ----------
    fs : float, default=360.0
        Sampling frequency of the beats (after any resampling), in Hz.
    r_offset : float, default=0.25
        Seconds from the start of each beat to its R peak (``before`` of
        :class:`~sklearn_ecg.RPeakSegmenter`).
    n_points : int, default=16
        Down-sampled beat samples per lead; 0 leaves them out.
    n_leads : int, default=1
        Leads per beat in a 2-D ``X``: the beat columns are ``n_leads`` blocks
        of equal length, lead after lead. A 3-D ``X`` of shape
        ``(n_beats, n_samples, n_leads)`` says it by its shape.
    extra_features : int, sequence of str or int, or None, default=None
        Columns of a 2-D ``X`` that are not beat samples, passed through first:
        an int ``k`` takes the last ``k`` columns, names take those columns of a
        DataFrame, ints those positions.
    relative : bool, default=False
        Add the measurements relative to each patient's median beat; needs
        ``groups`` in :meth:`transform` (in a Pipeline, route them with
        ``set_transform_request(groups=True)`` and metadata routing enabled).

    Attributes
    ----------
    n_features_in_ : int
        Columns of ``X`` seen in :meth:`fit`.
    feature_names_in_ : ndarray of str
        Names of the columns of ``X``, when it was a DataFrame of string names.
    extra_indices_ : ndarray of int
        Columns passed through.
    beat_shape_ : tuple of int
        ``(n_samples, n_leads)`` of one beat.

    See Also
    --------
    sklearn_ecg.RPeakSegmenter : Beats and RR features of a record.
    sklearn_ecg.neural.HeartbeatCNNClassifier : Learns its own features from the beats.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.preprocessing import BeatFeatureExtractor
    >>> t = np.arange(252) / 360
    >>> beat = np.exp(-((t - 0.25) ** 2) / (2 * 0.01 ** 2))
    >>> X = np.column_stack([np.vstack([beat, 2 * beat]), [0.8, 0.5]])
    >>> features = BeatFeatureExtractor(n_points=4, extra_features=1).fit(X)
    >>> features.get_feature_names_out()[:3].tolist()
    ['x252', 'r_amplitude', 'q_amplitude']
    >>> Xt = features.transform(X)
    >>> Xt[:, :2].round(2).tolist()
    [[0.8, 1.0], [0.5, 2.0]]
    """

    _parameter_constraints: dict = {
        "fs": [Interval(Real, 0, None, closed="neither")],
        "r_offset": [Interval(Real, 0, None, closed="left")],
        "n_points": [Interval(Integral, 0, None, closed="left")],
        "n_leads": [Interval(Integral, 1, None, closed="left")],
        "extra_features": [None, Interval(Integral, 0, None, closed="left"), "array-like"],
        "relative": ["boolean"],
    }

    def __init__(self, fs=360.0, *, r_offset=0.25, n_points=16, n_leads=1, extra_features=None,
                 relative=False):
        self.fs = fs
        self.r_offset = r_offset
        self.n_points = n_points
        self.n_leads = n_leads
        self.extra_features = extra_features
        self.relative = relative

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, groups=None):
        """Check the beats and find the passed-through columns.

        Parameters
        ----------
        X : array-like of shape (n_beats, n_columns) or (n_beats, n_samples, n_leads)
        y : None
            Ignored.
        groups : array-like of shape (n_beats,), default=None
            Ignored: nothing is learnt across patients; accepted so that
            ``fit_transform`` can pass it on.

        Returns
        -------
        self : object
        """
        check_beat_columns(X, "BeatFeatureExtractor", beats=False)
        frame = X
        X = validate_data(self, X, allow_nd=True, dtype=np.float64)
        self.extra_indices_, self.beat_shape_ = _split_spec(
            X, self.extra_features, self.n_leads, getattr(self, "feature_names_in_", None)
        )
        if hasattr(self, "feature_names_in_"):
            check_beat_columns(frame, "BeatFeatureExtractor",
                               extra=self.feature_names_in_[self.extra_indices_],
                               hint=", or name them in extra_features to pass them through")
        if X.ndim == 2:
            check_extra_columns(X, self.extra_indices_, getattr(self, "feature_names_in_", None))
        return self

    def fit_transform(self, X, y=None, groups=None):
        """Fit, then measure every beat (``groups`` as in :meth:`transform`).

        Parameters
        ----------
        X : array-like of shape (n_beats, n_columns) or (n_beats, n_samples, n_leads)
        y : None
            Ignored.
        groups : array-like of shape (n_beats,), default=None
            The patient of each beat, for ``relative=True``.

        Returns
        -------
        Xt : ndarray
        """
        return self.fit(X).transform(X, groups=groups)

    def transform(self, X, groups=None):
        """Measure every beat.

        Parameters
        ----------
        X : array-like of shape (n_beats, n_columns) or (n_beats, n_samples, n_leads)
            As in :meth:`fit`.
        groups : array-like of shape (n_beats,), default=None
            The patient (or record) of each beat; required with
            ``relative=True``, ignored otherwise.

        Returns
        -------
        Xt : ndarray of shape (n_beats, n_extra + n_leads * (9 + n_points))
            Passed-through columns, then each lead's measurements, then with
            ``relative=True`` each lead's 9 relative measurements and
            ``template_corr``.
        """
        check_is_fitted(self)
        check_beat_columns(X, "BeatFeatureExtractor", beats=False)
        X = validate_data(self, X, allow_nd=True, dtype=np.float64, reset=False)
        if self.relative:
            if groups is None:
                raise ValueError(
                    "relative=True needs groups, the patient of each beat, in transform; "
                    "pass transform(X, groups=...) (in a Pipeline, "
                    "set_transform_request(groups=True) with metadata routing enabled)"
                )
            groups = np.asarray(groups)
            if groups.shape != (len(X),):
                raise ValueError(
                    f"groups must hold one patient per beat, shape ({len(X)},), got {groups.shape}"
                )
        beats, extra = _split_beats(X, self.extra_indices_, self.beat_shape_)
        own = [self._measure(beats[:, :, k]) for k in range(beats.shape[2])]
        parts = [extra, *own]
        if self.relative:
            n_morph = len(_MORPHOLOGY_NAMES)
            rel = [np.empty((len(X), n_morph + 1)) for _ in own]
            for group in np.unique(groups):
                rows = groups == group
                for k, measured in enumerate(own):
                    values = measured[rows, :n_morph]
                    rel[k][rows, :n_morph] = values - np.median(values, axis=0)
                    rel[k][rows, n_morph] = template_correlation(beats[rows, :, k])
            parts += rel
        return np.hstack(parts)

    def _measure(self, x):
        n, length = x.shape
        fs = float(self.fs)

        def at(seconds):
            return int(np.clip(round(self.r_offset * fs + seconds * fs), 0, length - 1))

        def window(start, stop):
            lo, hi = at(start), at(stop)
            return x[:, lo:max(hi, lo) + 1]

        x = x - np.median(x, axis=1, keepdims=True)
        r = at(0.0)
        qrs = window(-0.12, 0.12)
        half = 0.5 * np.abs(qrs).max(axis=1, keepdims=True)
        core = window(-0.05, 0.05)
        overall = np.mean(x ** 2, axis=1)
        slope = np.abs(np.diff(core, axis=1)).max(axis=1) * fs if core.shape[1] > 1 else np.zeros(n)
        t_wave = window(0.10, 0.45)
        columns = [
            x[:, r],
            window(-0.08, 0.0).min(axis=1),
            window(0.0, 0.08).min(axis=1),
            (np.abs(qrs) > half).sum(axis=1) / fs,
            np.mean(core ** 2, axis=1) / np.where(overall > 0, overall, 1.0),
            slope,
            window(-0.25, -0.08).max(axis=1),
            t_wave.max(axis=1),
            t_wave.min(axis=1),
        ]
        out = np.column_stack(columns)
        if self.n_points:
            shape = window(-0.25, 0.45)
            out = np.hstack([out, resample_rows(shape, int(self.n_points))])
        return out

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; must match ``feature_names_in_`` if defined.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The passed-through columns' names, then ``r_amplitude`` … and
            ``beat_00`` …, prefixed by ``lead<k>_`` when there are several leads.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        extra = [str(names[i]) for i in self.extra_indices_]
        own = list(_MORPHOLOGY_NAMES) + [f"beat_{i:02d}" for i in range(self.n_points)]
        rel = [f"rel_{name}" for name in _MORPHOLOGY_NAMES] + ["template_corr"]
        leads = self.beat_shape_[1]
        if leads > 1:
            own = [f"lead{k}_{name}" for k in range(leads) for name in own]
            rel = [f"lead{k}_{name}" for k in range(leads) for name in rel]
        return np.asarray(extra + own + (rel if self.relative else []), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


def _split_spec(X, extra_features, n_leads, feature_names):
    """Extra column positions and the (n_samples, n_leads) of a beat of validated X."""
    if X.ndim == 3:
        if extra_features not in (None, 0):
            raise ValueError(
                "extra_features needs 2-D X (beat columns then extra columns); 3-D X "
                "holds beats only"
            )
        return np.empty(0, dtype=np.intp), (int(X.shape[1]), int(X.shape[2]))
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D or 3-D, got shape {X.shape}")
    extra = extra_column_indices(extra_features, X.shape[1], feature_names)
    n_beat = X.shape[1] - extra.size
    if n_beat % n_leads:
        raise ValueError(
            f"X has {n_beat} beat columns, which do not split into n_leads={n_leads} "
            "leads of equal length"
        )
    return extra, (n_beat // n_leads, int(n_leads))


def _split_beats(X, extra_indices, beat_shape):
    """Beats of shape (n, n_samples, n_leads) and extra columns of validated X."""
    if X.ndim == 3:
        if tuple(X.shape[1:]) != tuple(beat_shape):
            raise ValueError(f"X has beats of shape {X.shape[1:]}, fitted on {beat_shape}")
        return X, np.empty((len(X), 0))
    beat_columns = np.setdiff1d(np.arange(X.shape[1]), extra_indices)
    beats = X[:, beat_columns].reshape(len(X), beat_shape[1], beat_shape[0]).transpose(0, 2, 1)
    return beats, X[:, extra_indices]

