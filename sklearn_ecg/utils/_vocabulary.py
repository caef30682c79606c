"""The names the whole library shares: AAMI beat classes and RR feature columns.

Segmentation writes these columns, datasets return them, preprocessing and the
estimators recognise them; they are defined once, here, upstream of all of them.
"""

RR_FEATURE_NAMES = (
    "rr_prev", "rr_next", "rr_local", "rr_prev_ratio", "rr_next_ratio",
    "rr_prev_record", "rr_next_record", "rr_local_record",
    "rr_prev_running", "rr_next_running",
)
"""Names of the per-beat RR-interval features, in column order (seconds or ratios).

The first three are seconds; the others are ratios that carry across patients
because each is relative to the patient's own rhythm: ``*_ratio`` over the local
average, ``*_record`` over the mean RR of the whole signal, ``*_running`` over
the running mean of the intervals up to the beat (causal, so it can be computed
on a stream).
"""

WINDOW_RR_FEATURE_NAMES = ("n_beats", "rr_mean", "rr_std", "rr_rmssd")
"""RR statistics appended by :meth:`RPeakSegmenter.transform`, one value per window."""

RR_COLUMNS = frozenset(RR_FEATURE_NAMES) | frozenset(WINDOW_RR_FEATURE_NAMES)
"""Every RR column name the library writes, per beat or per window."""

AAMI_CLASSES = ("N", "S", "V", "F", "Q")
"""The five beat classes of ANSI/AAMI EC57: normal and bundle-branch-block (N),
supraventricular ectopic (S), ventricular ectopic (V), fusion (F), paced or
unclassifiable (Q)."""

AAMI_EVALUATION_CLASSES = ("N", "S", "V", "F")
"""The classes of the AAMI evaluation protocol: Q beats are too rare to learn or score."""

RECORD_FIELDS = ("signal", "fs", "record", "subject", "lead", "leads", "r_peaks")
"""The fields every record reader returns (:func:`~sklearn_ecg.datasets.read_mitdb_record`,
:func:`~sklearn_ecg.datasets.read_ecgid_record`, :func:`~sklearn_ecg.datasets.read_signal`):
the subject (patient or person) the signal comes from, the lead read (``leads``: every
column of ``signal``) and the annotated R peaks, as sample indices."""

