"""RecordBeatClassifier: a beat classifier that carries its own segmentation, for whole records."""

import inspect
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.utils import Bunch
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import check_is_fitted

from ..segmentation import RPeakSegmenter, SignalQualityClassifier, peak_quality
from ..utils import beat_feature_names
from ..utils._vocabulary import AAMI_EVALUATION_CLASSES, RR_FEATURE_NAMES

_N_RELATIVE = 10  # the 9 relative measurements and template_corr of BeatFeatureExtractor


class RecordBeatClassifier(MetaEstimatorMixin, BaseEstimator):
    """Classify every beat of whole records with a beat classifier that knows how they are cut.

    A beat classifier is trained on beats cut with given settings (sampling
    rate, detector, window, resampling) and described by given features; a
    saved beat model without them cannot be applied to a new record. This
    meta-estimator keeps them together: :meth:`fit` takes annotated records,
    cuts and labels their beats with
    :func:`~sklearn_ecg.datasets.make_beat_dataset` (the R peaks found by the
    segmenter's detector, as in use), and fits ``estimator`` on them;
    :meth:`predict_record` segments a new signal with the same settings and
    returns one row per beat. ``sklearn-ecg predict`` and
    :func:`predict_records` (locally or on a Dask cluster) apply a saved one
    to files.

    The beat model sees one row per beat: the beat's samples (lead after lead
    for several leads), then the ten RR-interval features
    (:data:`~sklearn_ecg.segmentation.RR_FEATURE_NAMES`), then, with
    ``relative_features=True``, ten measurements of the beat relative to its
    record's median beat (:class:`~sklearn_ecg.preprocessing.BeatFeatureExtractor`
    with ``relative=True``, on min-max scaled beats), computed per record
    without labels, so that training and new records are described alike.

    Parameters
    ----------
    estimator : estimator object
        The beat classifier or pipeline, fitted on the rows described above
        (in a Pipeline, route the RR and relative columns around a step that
        treats a whole row as a beat).
    segmenter : RPeakSegmenter, default=None
        The cutting settings; its ``fs`` must be the records'. None uses
        ``RPeakSegmenter(fs=...)`` at the records' rate with its defaults.
    relative_features : bool, default=False
        Add the ten measurements relative to the record's median beat.
    classes : sequence of str, default=("N", "S", "V", "F")
        AAMI classes to train on; beats of other classes are left out.
    tolerance : float, default=0.15
        Seconds within which a detected peak takes the label of an annotated
        beat in :meth:`fit`.
    quality : "shipped", SignalQualityClassifier or None, default="shipped"
        Rates the signal in 5-s windows in :meth:`predict_record` (the first
        lead): each beat gets the usability of its window (``proba_usable``,
        ``quality``), and a beat in an ``"unusable"`` window is labelled
        ``"Q"`` (unclassifiable, as AAMI EC57 does) instead of being forced into
        a class. ``"shipped"`` is
        :func:`~sklearn_ecg.segmentation.load_signal_quality`; a fitted
        :class:`~sklearn_ecg.segmentation.SignalQualityClassifier` may be
        given; None rates nothing.
    polarity : {"warn", "auto", "keep"}, default="warn"
        What :meth:`predict_record` does with a lead whose QRS complexes
        point the other way than the training records' (an inverted lead,
        swapped electrodes; a model of raw beat samples then calls every
        normal beat ventricular): ``"warn"`` classifies it as given and warns,
        ``"auto"`` turns it over and warns, ``"keep"`` classifies it as given
        silently. Some records point down in earnest (3 of the 26 MIT-BIH
        records of the data home in lead MLII: 108, 207, 217), which is why
        turning over is not the default.

    Attributes
    ----------
    estimator_ : estimator object
        The fitted beat classifier.
    segmenter_ : RPeakSegmenter
        The segmenter used, at ``fs_``.
    fs_ : float
        Sampling rate of the training records, required of new signals.
    n_leads_ : int
        Leads per beat.
    lead_ : str or None
        The signal name of the training records' lead, when they share one
        (the lead :func:`predict_records` reads by default).
    classes_ : ndarray of str
        The classes the estimator predicts.
    feature_names_ : ndarray of str
        Names of the columns the estimator sees.
    n_beats_ : int
        Beats the estimator was fitted on.
    polarity_ : ndarray of shape (n_leads,)
        +1 where the training records' median QRS complex points up, -1 where
        it points down, per lead.

    See Also
    --------
    predict_records : Apply a fitted one to many records or files, optionally on Dask.
    sklearn_ecg.datasets.make_beat_dataset : The labelled beats of :meth:`fit`.

    Notes
    -----
    The patient of each training beat is passed to ``estimator.fit`` as
    ``groups`` when it asks for it: by metadata routing
    (``sklearn.set_config(enable_metadata_routing=True)`` and
    ``set_fit_request(groups=True)`` on the step that takes them, for example
    a :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier` that stops early on
    patients it does not train on), or directly to an estimator whose ``fit``
    takes ``groups`` when routing is off.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_ecg import RPeakSegmenter
    >>> from sklearn_ecg.datasets import load_mitdb_sample
    >>> from sklearn_ecg.pipeline import RecordBeatClassifier
    >>> records = load_mitdb_sample()
    >>> model = RecordBeatClassifier(
    ...     LogisticRegression(max_iter=1000),
    ...     segmenter=RPeakSegmenter(fs=360, beat_length=64)).fit(records[:6])
    >>> table = model.predict_record(records[6].signal, fs=360)
    >>> table.columns.tolist()[:3]
    ['sample', 'time_s', 'class']
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "segmenter": [RPeakSegmenter, None],
        "relative_features": ["boolean"],
        "classes": ["array-like"],
        "tolerance": [Interval(Real, 0, None, closed="neither")],
        "quality": [StrOptions({"shipped"}), SignalQualityClassifier, None],
        "polarity": [StrOptions({"warn", "auto", "keep"})],
    }

    def __init__(self, estimator, *, segmenter=None, relative_features=False,
                 classes=AAMI_EVALUATION_CLASSES, tolerance=0.15, quality="shipped",
                 polarity="warn"):
        self.estimator = estimator
        self.segmenter = segmenter
        self.relative_features = relative_features
        self.classes = classes
        self.tolerance = tolerance
        self.quality = quality
        self.polarity = polarity

    def __setstate__(self, state):
        # Saved before quality or polarity existed: such a model rates nothing and
        # classifies leads as given.
        state = dict(state)
        state.setdefault("quality", None)
        state.setdefault("polarity", "keep")
        super().__setstate__(state)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, records, y=None, **fit_params):
        """Cut and label the beats of annotated records, then fit the estimator on them.

        Parameters
        ----------
        records : list of record
            Annotated records, as read by
            :func:`~sklearn_ecg.datasets.read_mitdb_record` or
            :func:`~sklearn_ecg.datasets.load_mitdb_sample`, all at one rate.
        y : None
            Ignored: the labels are the records' annotations.
        **fit_params : dict
            Passed to ``estimator.fit`` (by metadata routing when it is
            enabled).

        Returns
        -------
        self : object
            The fitted classifier.
        """
        from ..datasets import make_beat_dataset

        check_records(records)
        rates = sorted({float(getattr(rec, "fs", np.nan)) for rec in records})
        if len(rates) != 1 or not np.isfinite(rates[0]):
            raise ValueError(f"records must share one sampling rate fs, got {rates}")
        fs = rates[0]
        if self.segmenter is None:
            segmenter = RPeakSegmenter(fs=fs)
        elif float(self.segmenter.fs) != fs:
            raise ValueError(
                f"segmenter has fs={self.segmenter.fs:g} Hz but the records are at {fs:g} Hz"
            )
        else:
            segmenter = clone(self.segmenter)
        data = make_beat_dataset(
            records, peaks=segmenter.detector, before=segmenter.before, after=segmenter.after,
            beat_length=segmenter.beat_length, classes=self.classes, tolerance=self.tolerance,
        )
        if len(data.y) == 0:
            raise ValueError(f"the records hold no beat of the classes {tuple(self.classes)}")
        self.segmenter_ = segmenter.set_params(rr_features=True)
        self.fs_ = fs
        self.n_leads_ = 1 if data.X.ndim == 2 else data.X.shape[2]
        leads = {getattr(rec, "lead", None) for rec in records}
        self.lead_ = leads.pop() if len(leads) == 1 else None
        self.polarity_ = _qrs_polarity(data.X, self._r_index(data.X))
        X = self._features(data.X, data.rr, data.record)
        if _routing_enabled():
            params = process_routing(self, "fit", groups=data.groups, **fit_params).estimator.fit
        else:
            params = dict(fit_params)
            if "groups" in inspect.signature(self.estimator.fit).parameters:
                params.setdefault("groups", data.groups)
        self.estimator_ = clone(self.estimator).fit(X, data.y, **params)
        self.classes_ = np.asarray(self.estimator_.classes_)
        self.n_beats_ = len(data.y)
        return self

    def _features(self, beats, rr, records):
        """The rows the estimator sees: beat samples, RR features, relative morphology."""
        n = len(beats)
        flat = beats if beats.ndim == 2 else beats.transpose(0, 2, 1).reshape(n, -1)
        parts = [flat, rr]
        if self.relative_features and n == 0:
            parts.append(np.empty((0, _N_RELATIVE * self.n_leads_)))
        elif self.relative_features:
            parts.append(relative_morphology(beats, records, fs=self._beat_fs(beats),
                                             r_offset=self.segmenter_.before))
        return np.hstack(parts)

    def _r_index(self, beats):
        """The sample of the R peak in a beat window."""
        before, after = self.segmenter_.before, self.segmenter_.after
        return int(round(beats.shape[1] * before / (before + after)))

    def _beat_fs(self, beats):
        return beats.shape[1] / (self.segmenter_.before + self.segmenter_.after)

    @property
    def feature_names_(self):
        check_is_fitted(self, "estimator_")
        length = self.segmenter_._beat_length()
        names = beat_feature_names(length * self.n_leads_) + list(RR_FEATURE_NAMES)
        if self.relative_features:
            names += relative_feature_names(self.n_leads_)
        return np.asarray(names, dtype=object)

    def beat_features(self, signal, *, fs=None):
        """Segment one signal and describe its beats as the estimator expects.

        Parameters
        ----------
        signal : array-like of shape (n_samples,) or (n_samples, n_leads)
            One record at ``fs_``, without NaN.
        fs : float, default=None
            The signal's sampling rate, checked against ``fs_``; None assumes it.

        Returns
        -------
        result : :class:`~sklearn.utils.Bunch`
            ``X`` (one row per beat, columns ``feature_names_``), ``peaks``
            (the R peak of each row), ``dropped`` (peaks too near an end) and
            ``template_corr`` (each beat's correlation with the record's median
            beat, see :meth:`RPeakSegmenter.segment`).
        """
        check_is_fitted(self, "estimator_")
        if fs is not None and float(fs) != self.fs_:
            raise ValueError(
                f"fs: the model was fitted on records at {self.fs_:g} Hz, the signal is at "
                f"{float(fs):g} Hz; resample it to {self.fs_:g} Hz first"
            )
        x = np.asarray(signal, dtype=float)
        if x.ndim == 2 and x.shape[1] == 1:
            x = x[:, 0]
        n_leads = 1 if x.ndim == 1 else (x.shape[1] if x.ndim == 2 else -1)
        if n_leads != self.n_leads_:
            raise ValueError(
                f"signal must hold {self.n_leads_} lead{'s' * (self.n_leads_ > 1)} as the model "
                f"was fitted on ({'a 1-D array' if self.n_leads_ == 1 else 'columns'}), got an "
                f"array of shape {x.shape}"
            )
        if np.isnan(x).any():
            raise ValueError(
                f"signal has {int(np.isnan(x).sum())} NaN samples; fill them first "
                "(sklearn_ecg.utils.fill_gaps) or cut them out"
            )
        result = self.segmenter_.segment(x)
        # Polarity means something for heartbeats only: not for "beats" found in noise.
        if (self.polarity != "keep" and hasattr(self, "polarity_") and len(result.beats) >= 5
                and np.median(result.template_corr) >= 0.5):
            polarity = _qrs_polarity(result.beats, self._r_index(result.beats))
            turned = np.flatnonzero(polarity != self.polarity_)
            if turned.size:
                import warnings

                leads = f"lead{'s' * (turned.size > 1)} {', '.join(map(str, turned))}"
                if self.polarity == "auto":
                    beats = result.beats.copy()
                    if beats.ndim == 2:
                        beats = -beats
                    else:
                        beats[:, :, turned] *= -1
                    result.beats = beats
                    done = "classified turned over (polarity='keep' classifies it as given)"
                else:
                    done = ("classified as given; if the lead is inverted, polarity='auto' turns "
                            "it over")
                warnings.warn(
                    f"signal: the QRS complexes of {leads} point the other way than the "
                    f"training records' (an inverted lead or swapped electrodes?): {done}",
                    UserWarning, stacklevel=3,
                )
        X = self._features(result.beats, result.rr, np.zeros(len(result.beats), dtype=int))
        return Bunch(X=X, peaks=result.peaks, dropped=result.dropped,
                     template_corr=result.template_corr, signal=x)

    def predict_record(self, signal, *, fs=None):
        """Classify every beat of one signal: one row per beat.

        Parameters
        ----------
        signal : array-like of shape (n_samples,) or (n_samples, n_leads)
            One record at ``fs_``, without NaN.
        fs : float, default=None
            The signal's sampling rate, checked against ``fs_``; None assumes it.

        Returns
        -------
        table : pandas.DataFrame
            ``sample`` and ``time_s`` of each R peak, the predicted ``class``,
            ``proba_<class>`` for each class when the estimator has
            ``predict_proba``, and ``template_corr``, how alike the beat is to
            the record's median beat (low for all rows when the "beats" are
            detections in noise). With ``quality``: ``proba_usable`` and
            ``quality`` (``"excellent"``, ``"acceptable"`` or ``"unusable"``,
            ``"unrated"`` where the signal is shorter than 2 s or sampled
            below 100 Hz) of the window holding each beat, and ``class`` is
            ``"Q"`` for the beats of unusable windows. Beats too near an end
            of the signal to cut are not rows.
        """
        import pandas as pd

        features = self.beat_features(signal, fs=fs)
        table = pd.DataFrame({"sample": features.peaks.astype(np.int64),
                              "time_s": features.peaks / self.fs_})
        if len(features.X) == 0:
            table["class"] = pd.Series(dtype=object)
            if hasattr(self.estimator_, "predict_proba"):
                for label in self.classes_:
                    table[f"proba_{label}"] = pd.Series(dtype=float)
            table["template_corr"] = pd.Series(dtype=float)
            if self.quality is not None:
                table["proba_usable"] = pd.Series(dtype=float)
                table["quality"] = pd.Series(dtype=object)
            return table
        if hasattr(self.estimator_, "predict_proba"):
            proba = self.estimator_.predict_proba(features.X)
            table["class"] = self.classes_[proba.argmax(axis=1)]
            for k, label in enumerate(self.classes_):
                table[f"proba_{label}"] = proba[:, k]
        else:
            table["class"] = self.estimator_.predict(features.X)
        table["template_corr"] = features.template_corr
        if self.quality is not None:
            table["proba_usable"], table["quality"] = self._beat_quality(features.signal, features.peaks)
            table["class"] = table["class"].astype(object).where(table["quality"] != "unusable", "Q")
        return table

    def _beat_quality(self, x, peaks):
        lead = x if x.ndim == 1 else x[:, 0]
        return peak_quality(lead, self.fs_, peaks,
                            quality=None if isinstance(self.quality, str) else self.quality)

    def get_metadata_routing(self):
        """Routing of ``fit``'s metadata to the estimator.

        Returns
        -------
        routing : MetadataRouter
        """
        return MetadataRouter(owner=self).add(
            estimator=self.estimator, method_mapping=MethodMapping().add(caller="fit", callee="fit")
        )


def check_records(records):
    """Refuse anything but a non-empty list of annotated records, naming ``records``."""
    if isinstance(records, (dict, str)) or not hasattr(records, "__len__") or not len(records):
        raise ValueError(
            "records must be a non-empty list of annotated records (read_mitdb_record, "
            f"load_mitdb_sample), got {type(records).__name__}"
        )


def _qrs_polarity(beats, r_index):
    """+1 or -1 per lead: whether the median beat's largest deflection near the R peak is up.

    ``beats`` is ``(n, length)`` or ``(n, length, n_leads)``; the QRS is taken
    as a tenth of the window either side of ``r_index``.
    """
    beats = beats[:, :, None] if beats.ndim == 2 else beats
    median = np.median(beats, axis=0)  # (length, n_leads)
    median = median - np.median(median, axis=0, keepdims=True)
    half = max(1, beats.shape[1] // 10)
    qrs = median[max(0, r_index - half):r_index + half + 1]
    return np.where(qrs.max(axis=0) >= -qrs.min(axis=0), 1, -1)


def relative_morphology(beats, records, *, fs, r_offset):
    """Each beat's morphology relative to its record's median beat, on min-max scaled beats.

    The ten relative columns of
    :class:`~sklearn_ecg.preprocessing.BeatFeatureExtractor` (``relative=True``)
    per lead: what makes a beat ectopic is how it differs from the usual beat
    of its record. Computed without labels, record by record.

    Parameters
    ----------
    beats : ndarray of shape (n_beats, n_samples) or (n_beats, n_samples, n_leads)
    records : array-like of shape (n_beats,)
        The record (or patient) of each beat.
    fs : float
        Sampling rate of the beats, after any resampling.
    r_offset : float
        Seconds from the start of each beat to its R peak.

    Returns
    -------
    relative : ndarray of shape (n_beats, 10 * n_leads)
    """
    from ..preprocessing import BeatFeatureExtractor, BeatNormalizer

    n_leads = 1 if beats.ndim == 2 else beats.shape[2]
    scaled = BeatNormalizer("minmax").fit_transform(beats)
    extractor = BeatFeatureExtractor(fs=fs, r_offset=r_offset, n_points=0, relative=True)
    return extractor.fit(scaled).transform(scaled, groups=records)[:, -_N_RELATIVE * n_leads:]


def relative_feature_names(n_leads=1):
    """Names of the columns of :func:`relative_morphology` for beats of ``n_leads`` leads."""
    from ..preprocessing import BeatFeatureExtractor

    extractor = BeatFeatureExtractor(n_points=0, n_leads=n_leads, relative=True)
    extractor.fit(np.zeros((2, 8 * n_leads)))
    return list(extractor.get_feature_names_out()[-_N_RELATIVE * n_leads:])
