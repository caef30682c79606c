"""Column-wise z-score outlier filtering of ECG samples.

:class:`OutlierFilter` turns the one-liner of exploratory ECG analyses,
``df[(np.abs(stats.zscore(df)) < 3).all(axis=1)]``, into an estimator that can
both *repair* outlying values inside a :class:`~sklearn.pipeline.Pipeline`
(``transform``, one output row per input row) and *flag* outlying rows like
scikit-learn's outlier detectors (``predict``, ``score_samples``,
``decision_function``).
"""

from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    OutlierMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._signal import check_beat_columns

# 1.4826 = 1 / Phi^-1(3/4): makes the median absolute deviation estimate the
# standard deviation of normally distributed data.
_MAD_TO_STD = 1.4826
# sqrt(pi / 2): the same for the mean absolute deviation, used when the MAD is 0.
_MEANAD_TO_STD = 1.253314


class OutlierFilter(
    OneToOneFeatureMixin, OutlierMixin, TransformerMixin, BaseEstimator
):
    """Flag or repair values that lie too many standard deviations from their column.

    Each column (an ECG channel such as ``ecg1`` ... ``ecg5`` of a data frame,
    or one sample position of a beat) is standardised with a location and a
    scale learnt in :meth:`fit`: ``z = (x - location_) / scale_``. A value is
    *outlying* when ``|z| > threshold``; a row is an *outlier* when any of its
    values is outlying.

    The estimator is at the same time a transformer, which replaces outlying
    values and keeps every row (safe inside a
    :class:`~sklearn.pipeline.Pipeline`), and an outlier detector with the API
    of :class:`~sklearn.ensemble.IsolationForest` (``predict`` returns +1 for
    inliers and -1 for outliers), which lets users drop outlying rows.

    Parameters
    ----------
    threshold : float, default=3.0
        Largest absolute z-score of a value that is not outlying. Must be a
        positive, finite number.
    method : {"zscore", "robust"}, default="zscore"
        How each column's location and scale are estimated:

        - ``"zscore"``: the mean and the population standard deviation
          (``ddof=0``, as :func:`scipy.stats.zscore`; note that
          :meth:`pandas.DataFrame.std` defaults to ``ddof=1``).
        - ``"robust"``: the median and ``1.4826 * MAD``, the median absolute
          deviation scaled to estimate the standard deviation of normal data.
          The estimates are not pulled by the spikes they should detect. When
          the MAD of a non-constant column is 0 (more than half of its values
          equal), ``1.253314 * mean absolute deviation from the median`` is
          used instead, as for the modified z-score.
    replace : {"clip", "location", "nan"}, default="clip"
        What :meth:`transform` puts in place of an outlying value:

        - ``"clip"``: the nearest bound, ``location_ ± threshold * scale_``,
          rounded towards ``location_`` where needed so that :meth:`predict`
          counts the clipped value as inlying;
        - ``"location"``: the column's ``location_``;
        - ``"nan"``: ``NaN`` (for a later imputer, or to drop rows with
          :meth:`pandas.DataFrame.dropna`).

    Attributes
    ----------
    location_ : ndarray of shape (`n_features_in_`,)
        Mean (``method="zscore"``) or median (``method="robust"``) of each
        column, ignoring NaN. NaN for a column that was entirely NaN.
    scale_ : ndarray of shape (`n_features_in_`,)
        Population standard deviation (``"zscore"``) or scaled MAD
        (``"robust"``) of each column, ignoring NaN. Exactly 0 for a constant
        column, NaN for a column that was entirely NaN.
    offset_ : float
        ``-threshold``, so that ``decision_function(X) = score_samples(X) -
        offset_`` is negative for outliers, as for scikit-learn's outlier
        detectors.
    n_features_in_ : int
        Number of columns seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen during :meth:`fit`. Defined only when ``X``
        has feature names that are all strings.

    See Also
    --------
    BeatNormalizer : Per-beat normalisation and resampling.
    sklearn.preprocessing.StandardScaler : Standardise columns without
        touching outlying values.
    sklearn.ensemble.IsolationForest : A multivariate outlier detector.

    Notes
    -----
    **Two ways to use it.** Inside a pipeline, :meth:`transform` keeps one row
    per input row and replaces outlying values as ``replace`` says, so that the
    rows stay aligned with their labels::

        make_pipeline(OutlierFilter(replace="clip"), StandardScaler(), model)

    Outside a pipeline, drop the outlying rows as with the pandas one-liner::

        X_clean = X[OutlierFilter().fit(X).predict(X) == 1]

    which equals ``X[(np.abs(scipy.stats.zscore(X)) < 3).all(axis=1)]`` on data
    without missing values and without constant columns (up to values whose
    ``|z|`` is exactly 3, which are inliers here and outliers there).

    **Missing values.** NaN values are ignored when the location and scale are
    learnt (``nanmean``, ``nanstd``, ``nanmedian``), are passed through
    unchanged by :meth:`transform`, and are never outlying: a row with NaN is
    an outlier only if one of its other values is. A row whose values are all
    NaN has ``score_samples`` 0 and is an inlier. (``scipy.stats.zscore``
    instead propagates NaN to the whole column, which the pandas one-liner then
    drops entirely.)

    **Constant columns.** A column that was constant during :meth:`fit` has
    ``scale_ = 0``: a later value equal to the constant has ``z = 0``, any
    other value is infinitely far (``|z| = inf``), hence outlying, and is
    replaced by the constant for ``replace="clip"`` or ``"location"``. No
    division-by-zero warning is raised. (``scipy.stats.zscore`` gives NaN for
    such a column, so the one-liner drops every row.)

    :meth:`score_samples` is minus the largest ``|z|`` of each row (lower is
    more abnormal); :meth:`predict` is +1 where ``decision_function(X) >= 0``,
    that is where no value has ``|z| > threshold``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.preprocessing import OutlierFilter
    >>> X = np.zeros((20, 2))
    >>> X[:, 0] = np.tile([-1.0, 1.0], 10)
    >>> X[:, 1] = np.tile([-2.0, 0.0, 2.0, 0.0], 5)
    >>> X[7, 0] = 30.0  # a spike in the first channel
    >>> filt = OutlierFilter(threshold=3.0).fit(X)
    >>> filt.predict(X)
    array([ 1,  1,  1,  1,  1,  1,  1, -1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,
            1,  1])
    >>> X_clean = X[filt.predict(X) == 1]  # drop the outlying row
    >>> X_clean.shape
    (19, 2)
    >>> X_clipped = filt.transform(X)  # or keep it, clipped
    >>> X_clipped.shape
    (20, 2)
    >>> bool(X_clipped[7, 0] == filt.location_[0] + 3.0 * filt.scale_[0])
    True
    >>> OutlierFilter(method="robust", replace="location").fit_transform(X)[7]
    array([0., 0.])
    """

    _parameter_constraints: dict = {
        "threshold": [Interval(Real, 0, None, closed="neither")],
        "method": [StrOptions({"zscore", "robust"})],
        "replace": [StrOptions({"clip", "location", "nan"})],
    }

    def __init__(self, threshold=3.0, *, method="zscore", replace="clip"):
        self.threshold = threshold
        self.method = method
        self.replace = replace

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn each column's location and scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; NaN values are ignored.
        y : None
            Ignored, present for API consistency.

        Returns
        -------
        self : OutlierFilter
            The fitted filter.
        """
        # One row has no spread: every column would be "constant" and every other
        # row flagged; a scale needs at least two rows.
        check_beat_columns(X, "OutlierFilter", beats=False)
        X = validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
            ensure_min_samples=2,
        )
        X = X.astype(np.float64, copy=False)
        n_features = X.shape[1]
        location = np.full(n_features, np.nan)
        scale = np.full(n_features, np.nan)

        # Only columns with at least one value are reduced, so that all-NaN
        # columns raise no "empty slice" warning.
        has_values = ~np.isnan(X).all(axis=0)
        Xv = X[:, has_values]
        if Xv.shape[1]:
            if self.method == "zscore":
                loc = np.nanmean(Xv, axis=0)
                scl = np.nanstd(Xv, axis=0)
            else:
                loc = np.nanmedian(Xv, axis=0)
                abs_dev = np.abs(Xv - loc)
                scl = _MAD_TO_STD * np.nanmedian(abs_dev, axis=0)
                mad_zero = scl == 0
                if mad_zero.any():
                    scl[mad_zero] = _MEANAD_TO_STD * np.nanmean(
                        abs_dev[:, mad_zero], axis=0
                    )
            # A constant column gets its value as location and a scale of
            # exactly 0, not a rounding residue such as 1e-17 that would turn
            # the last bit of a repeated value into a huge z-score.
            lo = np.nanmin(Xv, axis=0)
            constant = lo == np.nanmax(Xv, axis=0)
            loc[constant] = lo[constant]
            scl[constant] = 0.0
            location[has_values] = loc
            scale[has_values] = scl

        self.location_ = location
        self.scale_ = scale
        self.offset_ = -float(self.threshold)
        return self

    def _abs_z(self, X):
        """Absolute z-scores of ``X``; NaN where ``X`` or ``location_`` is NaN."""
        dev = np.abs(X.astype(np.float64, copy=False) - self.location_)
        positive = self.scale_ > 0
        # Zero-scale (constant) columns: no deviation is z = 0, any deviation inf.
        z = np.where(dev > 0, np.inf, 0.0)
        np.divide(dev, self.scale_, out=z, where=positive)
        z[np.isnan(dev)] = np.nan
        return z

    def _clip_bounds(self, dtype):
        """Lower and upper bound of each column, in ``dtype``, that are inlying.

        ``location_ ± threshold * scale_`` is rounded twice (in float64 and to
        ``dtype``) and can land an ulp beyond the threshold, where
        :meth:`predict` would still flag the clipped value. Each bound is moved
        towards ``location_`` one representable value at a time until
        :meth:`_abs_z`, the z-score every method uses, puts it within the
        threshold. A bound that reaches the location stays there: no value of
        ``dtype`` is closer.
        """
        target = self.location_.astype(dtype)
        bounds = []
        for sign in (-1.0, 1.0):
            bound = (self.location_ + sign * self.threshold * self.scale_).astype(
                dtype
            )
            while True:
                too_far = (self._abs_z(bound[np.newaxis])[0] > self.threshold) & (
                    bound != target
                )
                if not too_far.any():
                    break
                bound[too_far] = np.nextafter(bound[too_far], target[too_far])
            bounds.append(bound)
        return bounds

    def _validate_for_predict(self, X):
        check_is_fitted(self)
        check_beat_columns(X, "OutlierFilter", beats=False)
        return validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
            reset=False,
        )

    def transform(self, X):
        """Replace outlying values as ``replace`` says; keep every row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to filter; NaN values are passed through.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features)
            A copy of ``X`` in which every value with ``|z| > threshold`` is
            replaced. float32 input stays float32.
        """
        X = self._validate_for_predict(X)
        outlying = self._abs_z(X) > self.threshold
        X_out = X.copy()
        if not outlying.any():
            return X_out
        if self.replace == "nan":
            X_out[outlying] = np.nan
            return X_out
        if self.replace == "location":
            new = np.broadcast_to(self.location_, X.shape)
        else:
            # Constant columns: both bounds are the location.
            lower, upper = self._clip_bounds(X.dtype)
            new = np.where(X > self.location_, upper, lower)
        X_out[outlying] = new[outlying]
        return X_out

    def score_samples(self, X):
        """Minus the largest absolute z-score of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to score; NaN values are ignored.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``-max(|z|)`` over the row's non-missing values: 0 for a row at
            the columns' locations, lower for more abnormal rows, ``-inf`` for
            a row that leaves a constant column; 0 for an all-NaN row.
        """
        X = self._validate_for_predict(X)
        # fmax ignores NaN unless the whole row is NaN.
        worst = np.fmax.reduce(self._abs_z(X), axis=1)
        return -np.nan_to_num(worst, nan=0.0, posinf=np.inf)

    def decision_function(self, X):
        """Margin to the threshold: ``score_samples(X) - offset_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to score; NaN values are ignored.

        Returns
        -------
        decision : ndarray of shape (n_samples,)
            ``threshold - max(|z|)``: negative for outliers, non-negative for
            inliers.
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Tell inlying rows (+1) from outlying rows (-1).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to classify; NaN values are never outlying.

        Returns
        -------
        is_inlier : ndarray of shape (n_samples,)
            -1 for a row with any value of ``|z| > threshold``, +1 otherwise.
        """
        return np.where(self.decision_function(X) >= 0, 1, -1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
