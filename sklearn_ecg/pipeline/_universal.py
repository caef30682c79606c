"""UniversalBeatClassifier: beats of any record, any rate, any leads, classified without TensorFlow."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, check_random_state

from ..segmentation import (
    SignalQualityClassifier,
    beat_quality,
    detect_r_peaks_on_stretches,
    load_signal_quality,
    peak_quality,
)
from ..segmentation._detectors import MAX_FS, check_detector, refine_peaks
from ..segmentation._learned import peaks_at_signal_rate
from ..utils import fill_gaps
from ..utils._vocabulary import AAMI_EVALUATION_CLASSES
from ._beat_context import beat_context_feature_names, beat_context_features
from ._record import check_records

MIN_FS = 100.0
"""The lowest sampling rate :class:`UniversalBeatClassifier` accepts (Hz)."""

def _shift_to_record_priors(proba, shift, *, n_iter=20):
    """Class probabilities moved a power ``shift`` of the way to the record's own priors.

    The beat models are fitted with balanced classes, so their probabilities
    assume equal class priors; a record has its own (most records hold few S
    or V beats, some many). The record's priors are estimated by EM (Saerens,
    Latinne and Decaestecker 2002: reweight the probabilities by the ratio of
    the current estimate to the assumed priors, take their mean, repeat), no
    prior falling under one beat's share, and each beat's probabilities are
    multiplied by that ratio to the power ``shift`` (0: unchanged, 1: the full
    EM correction) and normalised.
    """
    if shift == 0 or len(proba) == 0:
        return proba
    assumed = np.full(proba.shape[1], 1.0 / proba.shape[1])
    prior, floor = assumed, 1.0 / len(proba)
    for _ in range(n_iter):
        weighted = proba * (prior / assumed)
        weighted /= weighted.sum(axis=1, keepdims=True)
        prior = np.maximum(weighted.mean(axis=0), floor)
    shifted = proba * (prior / assumed) ** shift
    return shifted / shifted.sum(axis=1, keepdims=True)


def default_beat_estimator(random_state=None):
    """The gradient boosting of the recipe, before it is fitted.

    Parameters
    ----------
    random_state : int or None, default=None

    Returns
    -------
    estimator : HistGradientBoostingClassifier
    """
    return HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.1, max_leaf_nodes=31, l2_regularization=1.0,
        max_features=0.5, class_weight="balanced", early_stopping=False,
        random_state=random_state,
    )


class UniversalBeatClassifier(ClassifierMixin, BaseEstimator):
    """Classify every beat of any ECG record: any rate from 100 Hz, any leads, in any order.

    The model behind :func:`sklearn_ecg.pretrained.load_beat_classifier`. A
    record is read as a cardiologist reads it: R peaks are found on its
    cleanest lead (the shipped signal-quality rating picks it) with the
    library's detector; every lead is resampled to 128 Hz, band-passed, turned
    so that its usual QRS points up and scaled by its usual QRS amplitude, so
    that a beat reads the same from any lead, device or rate; each beat of each
    lead is then described by its shape, its difference from the record's
    median beat, its P wave against the usual one, its RR intervals relative to
    the surrounding rhythm and that rhythm's irregularity over the surrounding
    half minute (:func:`beat_context_features`). An ensemble of gradient
    boostings (one per seed) gives each beat of each lead its class
    probabilities, averaged over the leads. With ``adaptation="self"``,
    each record then teaches itself: its confidently classified beats label a
    nearest-neighbour model of that record alone, which shares out, half and
    half with the ensemble, the probability of the classes it was taught (those
    of at least five confident beats); the record's rarer classes keep the
    ensemble's probability (unsupervised adaptation to the test record, as Chen
    et al. 2021 adapt beat classifiers to a new patient). It imports no deep-learning
    framework.

    Parameters
    ----------
    estimator : estimator object, default=None
        The beat classifier fitted on the rows (one per beat and lead), with
        ``predict_proba``; None uses :func:`default_beat_estimator`. Each of
        the ``n_seeds`` copies gets its own ``random_state`` when it has one.
    n_seeds : int, default=3
        Copies of ``estimator`` fitted with seeds ``0 .. n_seeds - 1`` (drawn
        from ``random_state``) and averaged: one seed is not a result.
    adaptation : {"self"} or None, default="self"
        Unsupervised adaptation to each record at prediction time, see above.
    confidence : float, default=0.9
        Smallest probability of a beat that teaches its record under
        ``adaptation="self"``.
    prior_shift : float in [0, 1], default=0.0
        How far each record's class probabilities move toward the class
        priors estimated in that record (by EM, as Saerens et al. 2002 adapt a
        classifier to new priors), before the self adaptation: 0 leaves the
        ensemble's probabilities as they are, 1 applies the full EM
        correction. A shift makes a record with no S beat stop calling a few
        beats S, and a record of few S beats lose some of them: on patients
        left out it raised the per-patient macro-F1 and lowered the pooled S
        sensitivity (``benchmarks/bench_beat_techniques.py``, in the model
        card), so the recipe leaves it at 0.
    normal_share : float, default=0.3
        Share of the N beats kept for fitting (all S, V and F beats are
        kept): N beats are most of every record and alike.
    detector : str, default="cnn"
        The R-peak detector, see :data:`~sklearn_ecg.segmentation.DETECTORS`.
    classes : sequence of str, default=("N", "S", "V", "F")
        The AAMI classes learnt; annotated beats of other classes and
        detections that match no annotated beat are left out of fitting.
    tolerance : float, default=0.15
        Seconds within which a detection takes the label of an annotated beat.
    quality : "shipped", SignalQualityClassifier or None, default="shipped"
        Rates the detection lead in 5-s windows: each beat gets
        ``proba_usable`` and ``quality``, and a beat of an ``"unusable"``
        window is labelled ``"Q"`` (unclassifiable). None rates nothing and
        detects on the first lead.
    memory : str or joblib.Memory, default=None
        Caches each training record's detected, labelled and described beats
        (as :class:`~sklearn.pipeline.Pipeline`'s ``memory``): refitting on the
        same records skips that work. None caches nothing.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling of N beats and the estimators' seeds.

    Attributes
    ----------
    estimators_ : list of estimator
        The fitted copies of ``estimator``.
    classes_ : ndarray of str
        The classes, in the order of the ``proba_<class>`` columns.
    feature_names_in_ : ndarray of str
        The columns of a row: :func:`beat_context_feature_names`.
    n_features_in_ : int
    n_beats_ : int
        Rows (beats times leads) the estimators were fitted on.
    training_records_ : ndarray of str
        The records fitted on, as ``fit`` was given them (``record`` fields).
    patient_model_ : estimator or None
        Set by :meth:`adapt`: the model of one patient's labelled beats.

    See Also
    --------
    sklearn_ecg.pretrained.load_beat_classifier : This model, fitted on every labelled record.
    RecordBeatClassifier : Any beat model, for records at one rate and lead set.
    holter_summary : The summary of the table :meth:`predict_record` returns.

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_mitdb_sample
    >>> from sklearn_ecg.pipeline import UniversalBeatClassifier
    >>> records = load_mitdb_sample()
    >>> model = UniversalBeatClassifier(n_seeds=1, random_state=0).fit(records[:6])
    >>> table = model.predict_record(records[6].signal, fs=records[6].fs)
    >>> table.columns.tolist()[:3]
    ['sample', 'time_s', 'class']
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "n_seeds": [Interval(Integral, 1, None, closed="left")],
        "adaptation": [StrOptions({"self"}), None],
        "confidence": [Interval(Real, 0, 1, closed="neither")],
        "prior_shift": [Interval(Real, 0, 1, closed="both")],
        "normal_share": [Interval(Real, 0, 1, closed="right")],
        "detector": [str],
        "classes": ["array-like"],
        "tolerance": [Interval(Real, 0, None, closed="neither")],
        "quality": [StrOptions({"shipped"}), SignalQualityClassifier, None],
        "memory": [None, str, HasMethods(["cache"])],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, n_seeds=3, adaptation="self", confidence=0.9,
                 prior_shift=0.0, normal_share=0.3, detector="cnn",
                 classes=AAMI_EVALUATION_CLASSES, tolerance=0.15, quality="shipped", memory=None,
                 random_state=None):
        self.estimator = estimator
        self.n_seeds = n_seeds
        self.adaptation = adaptation
        self.confidence = confidence
        self.prior_shift = prior_shift
        self.normal_share = normal_share
        self.detector = detector
        self.classes = classes
        self.tolerance = tolerance
        self.quality = quality
        self.memory = memory
        self.random_state = random_state

    # ----------------------------------------------------------------- fitting
    def _described(self, records):
        """Each annotated record's beats: features per lead, labels (None: no beat), name."""
        from sklearn.utils.validation import check_memory

        describe = check_memory(self.memory).cache(_describe_record)
        described = []
        for i, rec in enumerate(records):
            for field in ("signal", "fs", "r_peaks", "beat_labels"):
                if not hasattr(rec, field) and not (isinstance(rec, dict) and field in rec):
                    raise ValueError(
                        f"records[{i}] has no field {field!r}: give annotated records as "
                        "read_mitdb_record or load_mitdb_sample return them"
                    )
            signal, fs = self._check_signal(rec["signal"], rec["fs"], name=f"records[{i}].signal")
            features, y_rec = describe(
                signal, fs, np.asarray(rec["r_peaks"], dtype=np.int64),
                np.asarray(rec["beat_labels"], dtype=object), detector=self.detector,
                tolerance=self.tolerance, quality=self.quality)
            described.append((features, y_rec, str(rec.get("record", i))))
        return described

    def _rows(self, described, rng):
        """Rows (one per beat and lead) and labels of described records, N beats subsampled."""
        classes = np.asarray(self.classes, dtype=object)
        X, y = [], []
        for features, y_rec, _ in described:
            keep = np.isin(y_rec, classes)
            keep &= (y_rec != "N") | (rng.random_sample(y_rec.size) < self.normal_share)
            for lead in features:
                X.append(lead[keep])
                y.append(y_rec[keep])
        return np.vstack(X), np.concatenate(y).astype(str)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, records, y=None):
        """Find, label and describe the beats of annotated records, then fit the ensemble.

        Parameters
        ----------
        records : list of record
            Annotated records at any rates and with any leads, as
            :func:`~sklearn_ecg.datasets.read_mitdb_record` (with
            ``all_leads=True`` for both leads) or
            :func:`~sklearn_ecg.datasets.load_mitdb_sample` return them:
            ``signal``, ``fs``, ``r_peaks``, ``beat_labels``, and ``subject``
            and ``record`` when known. Every lead becomes rows of its own.
        y : None
            Ignored: the labels are the records' annotations.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        check_records(records)
        check_detector(self.detector)
        rng = check_random_state(self.random_state)
        described = self._described(records)
        X, y = self._rows(described, rng)
        present = np.unique(y)
        if present.size < 2:
            raise ValueError(
                f"records hold beats of {present.size} of the classes {tuple(self.classes)}; "
                "at least two are needed"
            )
        seeds = rng.randint(np.iinfo(np.int32).max, size=self.n_seeds)
        base = default_beat_estimator() if self.estimator is None else self.estimator
        self.estimators_ = []
        for seed in seeds:
            est = clone(base)
            if "random_state" in est.get_params():
                est.set_params(random_state=int(seed))
            self.estimators_.append(est.fit(X, y))
        self.classes_ = np.asarray(self.estimators_[0].classes_)
        self.feature_names_in_ = np.asarray(beat_context_feature_names(), dtype=object)
        self.n_features_in_ = X.shape[1]
        self.n_beats_ = X.shape[0]
        self.training_records_ = np.asarray([d[2] for d in described], dtype=object)
        self.patient_model_ = None
        return self

    def adapt(self, record, *, weight=0.5, n_neighbors=7):
        """A copy of this classifier adapted to one patient from a few labelled minutes.

        As the patient-specific protocol of AAMI EC57: the patient's annotated
        beats (for example the first five minutes of the record) fit a
        nearest-neighbour model of that patient, on the same rows, whose
        probabilities are blended with the ensemble's in
        :meth:`predict_record`. This classifier is not changed.

        Parameters
        ----------
        record : record
            One annotated stretch of the patient, as for :meth:`fit`.
        weight : float, default=0.5
            Weight of the patient's model in the blend.
        n_neighbors : int, default=7

        Returns
        -------
        adapted : UniversalBeatClassifier
        """
        from sklearn.neighbors import KNeighborsClassifier
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        check_is_fitted(self, "estimators_")
        if not 0 < weight <= 1:
            raise ValueError(f"weight must be in (0, 1], got {weight!r}")
        saved_share = self.normal_share
        self.normal_share = 1.0
        try:
            X, y = self._rows(self._described([record]), check_random_state(0))
        finally:
            self.normal_share = saved_share
        if not np.isin(y, self.classes_).all():
            raise ValueError(f"record holds classes {sorted(set(y) - set(self.classes_))} "
                             f"that the model does not know ({list(self.classes_)})")
        if len(y) < n_neighbors:
            raise ValueError(f"record has {len(y)} labelled beats; at least n_neighbors="
                             f"{n_neighbors} are needed")
        adapted = clone(self)
        for name, value in vars(self).items():
            if name.endswith("_") and not name.startswith("_"):
                setattr(adapted, name, value)
        model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors))
        adapted.patient_model_ = model.fit(np.nan_to_num(X), y)
        adapted.patient_weight_ = float(weight)
        return adapted

    # ----------------------------------------------------------------- prediction
    def _check_signal(self, signal, fs, name="signal"):
        from ..utils import check_fs

        fs = check_fs(fs)
        if fs < MIN_FS:
            raise ValueError(
                f"fs: the signal is sampled at {fs:g} Hz; at least {MIN_FS:g} Hz is needed to "
                "tell beat shapes apart"
            )
        if fs > MAX_FS:
            raise ValueError(f"fs must be at most {MAX_FS:g} Hz, got {fs:g}: is it the sampling "
                             "rate in Hz?")
        try:
            x = np.asarray(signal, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be an array of numbers: {exc}") from None
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[1] == 0:
            raise ValueError(
                f"{name} must be (n_samples,) or (n_samples, n_leads), got shape {x.shape}"
            )
        if x.shape[1] > x.shape[0]:
            raise ValueError(
                f"{name} has shape {x.shape}: more leads than samples; give one column per "
                "lead (transpose a leads-by-samples array)"
            )
        if np.isinf(x).any():
            raise ValueError(f"{name} holds infinite values")
        if x.shape[0] < 2 * fs:
            raise ValueError(f"{name} lasts {x.shape[0] / fs:.2f} s; at least 2 s is needed")
        return x, fs

    def _detect(self, x, fs, ratings=None):
        """The R peaks (on the cleanest lead) and that lead's index.

        ``ratings``, a dict, receives each gap-free lead's quality table.
        """
        finite = np.isfinite(x).all(axis=0)
        if not np.isfinite(x).any(axis=0).any():
            raise ValueError("signal holds no valid sample (all NaN)")
        lead, detections = 0, {}
        if x.shape[1] > 1 and self.quality is not None:
            rater = load_signal_quality() if isinstance(self.quality, str) else self.quality
            check_is_fitted(rater)
            tables = _rate_leads(rater, x, fs, detections)
            scores = []
            for j, table in enumerate(tables):
                if table is None:
                    scores.append(-1.0)
                    continue
                if ratings is not None and finite[j]:
                    ratings[j] = table
                scores.append(float(np.nanmean(table["proba_usable"])) - (not finite[j]) * 1e-3)
            lead = int(np.argmax(scores))
        if self.detector == "cnn" and finite[lead] and lead in detections:
            # The rating ran the lead through the network already: its peaks, as
            # detect_r_peaks gives them on a signal without gaps.
            found = detections[lead]
            peaks = (peaks_at_signal_rate(found["cnn"], found["n_cnn"], x.shape[0])
                     if found["n_cnn"] else np.zeros(0, np.int64))
            return refine_peaks(x[:, lead], np.unique(peaks), fs), lead
        result = detect_r_peaks_on_stretches(x[:, lead], fs, self.detector)
        return result.peaks, lead

    def _proba(self, features):
        """Class probabilities of each beat, averaged over the seeds and the leads.

        Each seed's model predicts each of as many parts of the rows as there
        are processors, every part in a thread of its own (as many threads as
        processors): each prediction is a single-threaded OpenMP loop (see
        :meth:`predict_record`), so that threads never wait for each other, and
        three seeds on two processors keep both busy to the end.
        """
        import os

        from threadpoolctl import threadpool_limits

        from ..utils._threads import thread_map

        n_leads, n_beats = features.shape[:2]
        # every lead's rows in one call, in the boostings' own float64 (cast once)
        rows = features.reshape(n_leads * n_beats, -1).astype(np.float64)
        parts = np.array_split(rows, min(os.cpu_count() or 1, max(1, rows.shape[0] // 256)))

        def predict(task):
            est, part = task
            # OpenMP's thread count is set per thread: a new thread sets its own.
            with threadpool_limits(limits=1, user_api="openmp"):
                return est.predict_proba(part)

        done = thread_map(predict, [(est, part) for est in self.estimators_ for part in parts])
        probas = [np.vstack(done[i:i + len(parts)]) for i in range(0, len(done), len(parts))]
        return np.mean(probas, axis=0).reshape(n_leads, n_beats, -1).mean(axis=0)

    def _self_adapt(self, features, proba):
        import os

        from sklearn.neighbors import KNeighborsClassifier
        from sklearn.preprocessing import StandardScaler
        from threadpoolctl import threadpool_limits

        pred = proba.argmax(axis=1)
        sure = proba.max(axis=1) >= self.confidence
        labels, counts = np.unique(pred[sure], return_counts=True)
        if (counts >= 5).sum() < 2:
            return proba
        taught = labels[counts >= 5]
        teach = sure & np.isin(pred, taught)
        X = StandardScaler().fit_transform(np.nan_to_num(np.hstack(list(features))))
        knn = KNeighborsClassifier(7).fit(X[teach], pred[teach])
        # The record's own beats share out the probability of the classes they
        # teach; a class too rare in the record to be taught keeps the model's.
        local = proba.copy()
        # The neighbour search is one parallel loop over all the beats: every
        # processor helps (predict_record runs one OpenMP thread otherwise).
        with threadpool_limits(limits=os.cpu_count() or 1, user_api="openmp"):
            neighbours = knn.predict_proba(X)
        local[:, taught] = neighbours * proba[:, taught].sum(axis=1, keepdims=True)
        return 0.5 * proba + 0.5 * local

    def predict_record(self, signal, *, fs):
        """Classify every beat of one record: one row per R peak.

        Parameters
        ----------
        signal : array-like of shape (n_samples,) or (n_samples, n_leads)
            One record: any leads, in any order, any unit. NaN marks missing
            samples: no beat is looked for in a gap (a warning says how many
            samples were missing).
        fs : float
            Its sampling rate in Hz, at least 100.

        Returns
        -------
        table : pandas.DataFrame
            ``sample`` and ``time_s`` of each R peak, ``class``,
            ``proba_<class>`` for each of ``classes_``, ``template_corr`` (the
            beat's correlation with its record's median beat on the detection
            lead), and with ``quality`` ``proba_usable`` and ``quality``, the
            class being ``"Q"`` for beats of unusable windows.
        """
        from threadpoolctl import threadpool_limits

        # Gradient boosting predicts tree after tree, each an OpenMP loop over a few
        # thousand rows: on a busy machine waiting for threads costs 30 times the
        # work (19 s against 0.5 s for a 30-minute record), so one thread does it.
        with threadpool_limits(limits=1, user_api="openmp"):
            return self._predict_record(signal, fs)

    def _predict_record(self, signal, fs):
        import pandas as pd

        check_is_fitted(self, "estimators_")
        self._validate_params()  # the prediction-time ones may be set after fit
        x, fs = self._check_signal(signal, fs)
        n_missing = int(np.isnan(x).any(axis=1).sum())
        flat = [j for j in range(x.shape[1]) if np.isfinite(x[:, j]).any()
                and np.nanmax(x[:, j]) == np.nanmin(x[:, j])]
        if len(flat) == x.shape[1]:
            raise ValueError("signal is a flat line in every lead: there are no beats to classify")
        if not np.isfinite(x).any():
            raise ValueError("signal holds no valid sample (all NaN)")
        usable = [j for j in range(x.shape[1]) if j not in flat and np.isfinite(x[:, j]).any()]
        if len(usable) < x.shape[1]:
            warnings.warn(f"signal: lead(s) {sorted(set(range(x.shape[1])) - set(usable))} are "
                          "flat or empty and were left out", UserWarning, stacklevel=3)
            x = x[:, usable]
        if n_missing:
            warnings.warn(
                f"signal: {n_missing} samples ({100 * n_missing / x.shape[0]:.1f} %) are missing "
                "(NaN); no beat was looked for in them", UserWarning, stacklevel=3)
        ratings = {}
        peaks, lead = self._detect(x, fs, ratings)
        filled = np.column_stack([fill_gaps(x[:, j])[0] for j in range(x.shape[1])])
        table = pd.DataFrame({"sample": peaks.astype(np.int64), "time_s": peaks / fs})
        if peaks.size:
            features = beat_context_features(filled, fs, peaks).astype(np.float32)
            proba = _shift_to_record_priors(self._proba(features), self.prior_shift)
            if self.adaptation == "self":
                proba = self._self_adapt(features, proba)
            if getattr(self, "patient_model_", None) is not None:
                local = np.zeros_like(proba)
                cols = np.searchsorted(self.classes_, self.patient_model_.classes_)
                local[:, cols] = np.mean(
                    [self.patient_model_.predict_proba(np.nan_to_num(f)) for f in features], axis=0)
                proba = (1 - self.patient_weight_) * proba + self.patient_weight_ * local
            corr = features[lead, :, list(self.feature_names_in_).index("corr_median")]
        else:
            proba = np.empty((0, len(self.classes_)))
            corr = np.empty(0)
        table["class"] = self.classes_[proba.argmax(axis=1)].astype(object)
        for k, label in enumerate(self.classes_):
            table[f"proba_{label}"] = proba[:, k]
        table["template_corr"] = corr.astype(float)
        if self.quality is not None and lead in ratings:  # rated already, without gaps
            table["proba_usable"], level = beat_quality(peaks, ratings[lead])
            table["quality"] = level.astype(object)
        elif self.quality is not None:
            rater = None if isinstance(self.quality, str) else self.quality
            table["proba_usable"], table["quality"] = peak_quality(
                x[:, lead], fs, peaks, quality=rater)
        if self.quality is not None:
            table["class"] = table["class"].where(table["quality"] != "unusable", "Q")
        return table

    # ----------------------------------------------------------------- persistence
    def __getstate__(self):
        """The state, each gradient boosting's trees packed into a few arrays.

        A fitted ensemble holds some two thousand trees, each an object with its
        own node array: saved as they are (skops, pickle) they make thousands
        of small entries, most of the loading time. Packed, each boosting's
        trees are one node array, its bitsets and their offsets
        (:func:`_pack_trees`); :meth:`__setstate__` rebuilds the same trees.
        """
        import copy

        state = super().__getstate__()
        if state.get("estimators_"):
            estimators, packed = [], []
            for est in state["estimators_"]:
                trees = _pack_trees(est)
                if trees is not None:
                    est = copy.copy(est)
                    est._predictors = None
                estimators.append(est)
                packed.append(trees)
            state = {**state, "estimators_": estimators, "_packed_trees": packed}
        return state

    def __setstate__(self, state):
        packed = state.pop("_packed_trees", None)
        super().__setstate__(state)
        if packed is not None:
            for est, trees in zip(self.estimators_, packed):
                if trees is not None:
                    est._predictors = _unpack_trees(trees)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # fitted on records, not on an array
        return tags


def _pack_trees(est):
    """A fitted histogram gradient boosting's trees as plain arrays, or None for another model.

    Returns a dict: ``nodes`` (every tree's node records, one after another),
    ``binned_bitsets`` and ``raw_bitsets`` (their categorical bitsets), the
    offsets of each tree in those three, and ``shape`` (iterations, trees per
    iteration).
    """
    from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor

    trees = getattr(est, "_predictors", None)
    if not trees or not all(isinstance(t, TreePredictor) for row in trees for t in row):
        return None
    flat = [t for row in trees for t in row]
    packed = {"shape": np.asarray([len(trees), len(trees[0])], dtype=np.int64)}
    for key, attr in (("nodes", "nodes"), ("binned_bitsets", "binned_left_cat_bitsets"),
                      ("raw_bitsets", "raw_left_cat_bitsets")):
        parts = [getattr(t, attr) for t in flat]
        packed[key] = np.concatenate(parts)
        packed[f"{key}_offsets"] = np.cumsum([0] + [len(p) for p in parts]).astype(np.int64)
    return packed


def _unpack_trees(packed):
    """The trees :func:`_pack_trees` packed, as ``_predictors`` holds them."""
    from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor

    def part(key, i):
        offsets = packed[f"{key}_offsets"]
        return packed[key][offsets[i]:offsets[i + 1]]

    n_iter, per_iter = (int(v) for v in packed["shape"])
    return [[TreePredictor(part("nodes", i), part("binned_bitsets", i), part("raw_bitsets", i))
             for i in range(it * per_iter, (it + 1) * per_iter)] for it in range(n_iter)]


def _rate_leads(rater, x, fs, detections):
    """Each lead's quality table (None for an empty or flat lead), the leads side by side.

    ``detections[j]`` receives lead ``j``'s network peaks (see
    :func:`~sklearn_ecg.segmentation._quality._record_features`). The leads are
    rated in threads, as many as there are processors, each matrix product on
    one BLAS thread: most of the rating (the network's matrix products, the
    filters, the spectra) runs outside Python's lock.
    """
    from ..utils._threads import thread_map

    def rate(j):
        col, _ = fill_gaps(x[:, j]) if np.isfinite(x[:, j]).any() else (None, 0)
        if col is None or np.ptp(col) == 0:
            return None
        detections[j] = {}  # col: gap-free, at least 2 s at 100 Hz or more
        return rater._rate(col, fs, 5.0, detections=detections[j])

    return thread_map(rate, range(x.shape[1]), one_blas_thread=True)


def _describe_record(signal, fs, r_peaks, beat_labels, *, detector, tolerance, quality):
    """Detect, label (None: no annotated beat) and describe the beats of one annotated record."""
    from ..datasets import label_peaks

    model = UniversalBeatClassifier(detector=detector, quality=quality)
    peaks, _ = model._detect(signal, fs)
    y_rec = label_peaks(r_peaks, beat_labels, peaks, fs, tolerance=tolerance)
    filled = np.column_stack([fill_gaps(signal[:, j])[0] for j in range(signal.shape[1])])
    return beat_context_features(filled, fs, peaks).astype(np.float32), y_rec
