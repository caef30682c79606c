"""Displays of beats: the beats of each class overlaid, the AAMI confusion matrix."""

import numpy as np
from sklearn.base import is_classifier
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.utils import check_array
from sklearn.utils.validation import check_consistent_length

from ..utils import check_fs
from ._base import (
    check_matplotlib_support,
    class_color,
    class_order,
    figure_and_axes,
    style_kwargs,
)

_ALL_BEATS = "all beats"


class BeatsDisplay:
    """Beats overlaid by class, with the median beat of each class in bold.

    It is recommended to create one with :meth:`from_beats`. All parameters
    are stored as attributes.

    Parameters
    ----------
    beats : array-like of shape (n_beats, n_samples)
        One beat per row, e.g. from :meth:`~sklearn_ecg.RPeakSegmenter.segment`
        or :func:`~sklearn_ecg.datasets.make_beat_dataset`.
    labels : array-like of shape (n_beats,), default=None
        The class of each beat; None puts all beats in one class.
    fs : float, default=None
        Sampling frequency of the beats in Hz: the x axis is then in seconds
        from the start of the window, else in samples.

    Attributes
    ----------
    lines_ : dict of matplotlib LineCollection
        The beats of each class, one collection per class, keyed by class.
    median_lines_ : dict of matplotlib Line2D
        The median beat of each class, keyed by class; its legend label is
        ``"<class> (n=<beats>)"``.
    classes_ : list
        The classes, in the order drawn: the AAMI classes N, S, V, F, Q that
        are present, then any other label.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.

    See Also
    --------
    AAMIConfusionMatrixDisplay : How a classifier confuses these classes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn_ecg.datasets import load_mitdb_sample, make_beat_dataset
    >>> from sklearn_ecg.inspection import BeatsDisplay
    >>> beats = make_beat_dataset(load_mitdb_sample()[5:6])  # record 208
    >>> disp = BeatsDisplay.from_beats(beats.X, beats.y, fs=360)
    >>> disp.classes_
    ['N', 'S', 'V', 'F']
    >>> [text.get_text() for text in disp.ax_.get_legend().get_texts()]
    ['N (n=214)', 'S (n=2)', 'V (n=189)', 'F (n=71)']
    >>> plt.close(disp.figure_)
    """

    def __init__(self, beats, labels=None, *, fs=None):
        self.beats = beats
        self.labels = labels
        self.fs = fs

    def plot(self, ax=None, *, title=None, beat_kw=None, median_kw=None):
        """Draw the beats of each class and their median.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        title : str, default=None
            Title; None gives the number of beats and classes.
        beat_kw : dict, default=None
            Keywords passed to :class:`matplotlib.collections.LineCollection`
            for the beats. By default they are thin, and the more beats a
            class has, the more transparent they are (alpha ``10 / n``,
            between 0.02 and 0.3).
        median_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.plot` for the
            median beats.

        Returns
        -------
        display : BeatsDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        from matplotlib.collections import LineCollection

        beats = check_array(self.beats, dtype=np.float64, input_name="beats")
        if self.labels is None:
            labels = np.full(beats.shape[0], _ALL_BEATS, dtype=object)
        else:
            labels = np.asarray(self.labels, dtype=object).ravel()
            check_consistent_length(beats, labels)
        if self.fs is None:
            x, xlabel = np.arange(beats.shape[1], dtype=float), "sample"
        else:
            x = np.arange(beats.shape[1]) / check_fs(self.fs)
            xlabel = "time from the start of the window (s)"
        figure, ax = figure_and_axes(ax, figsize=(7, 4.5))

        classes = class_order(labels)
        lines, medians = {}, {}
        for label in classes:
            rows = beats[labels == label]
            color = class_color(label, classes) if self.labels is not None else "C0"
            segments = np.stack([np.broadcast_to(x, rows.shape), rows], axis=-1)
            style = style_kwargs(
                {"color": color, "linewidth": 0.5,
                 "alpha": float(np.clip(10 / len(rows), 0.02, 0.3))},
                beat_kw,
            )
            lines[label] = ax.add_collection(LineCollection(segments, **style))
        for label in classes:
            rows = beats[labels == label]
            color = class_color(label, classes) if self.labels is not None else "C0"
            medians[label] = ax.plot(
                x, np.median(rows, axis=0),
                **style_kwargs({"color": color, "linewidth": 2.5, "zorder": 3,
                                "label": f"{label} (n={len(rows)})"}, median_kw),
            )[0]
        ax.autoscale_view()
        default_title = (
            f"{beats.shape[0]} beats, {len(classes)} "
            f"{'class' if len(classes) == 1 else 'classes'}: median beat in bold"
        )
        ax.set(
            xlabel=xlabel,
            ylabel="amplitude",
            title=default_title if title is None else title,
        )
        ax.legend(loc="upper right", fontsize="small")
        self.lines_ = lines
        self.median_lines_ = medians
        self.classes_ = classes
        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_beats(
        cls, X, y=None, *, fs=None, ax=None, title=None, beat_kw=None, median_kw=None
    ):
        """Plot beats overlaid by class, with the median beat of each class.

        Parameters
        ----------
        X : array-like of shape (n_beats, n_samples)
            One beat per row, without NaN; only the beat samples (leave out
            RR-interval columns).
        y : array-like of shape (n_beats,), default=None
            The class of each beat (e.g. AAMI classes); None draws all beats
            as one class.
        fs : float, default=None
            Sampling frequency of the beats in Hz, for an x axis in seconds.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        title : str, default=None
            Title; None gives the number of beats and classes.
        beat_kw, median_kw : dict, default=None
            Keywords for the beats and the medians; see :meth:`plot`.

        Returns
        -------
        display : BeatsDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_beats")
        return cls(X, y, fs=fs).plot(
            ax=ax, title=title, beat_kw=beat_kw, median_kw=median_kw
        )


_NORMALIZE_TITLES = {
    None: "AAMI confusion matrix (beats)",
    "true": "AAMI confusion matrix, by true class (sensitivity on the diagonal)",
    "pred": "AAMI confusion matrix, by predicted class (+P on the diagonal)",
    "all": "AAMI confusion matrix (share of all beats)",
}


class AAMIConfusionMatrixDisplay(ConfusionMatrixDisplay):
    """Confusion matrix of beat classes, in the AAMI order N, S, V, F, Q.

    A :class:`sklearn.metrics.ConfusionMatrixDisplay` whose class methods
    order the classes as the arrhythmia literature does: the AAMI classes
    present in ``y_true`` or ``y_pred`` in the order N, S, V, F, Q, then any
    other label. Everything else, including :meth:`plot` and the attributes
    ``im_``, ``text_``, ``ax_`` and ``figure_``, is scikit-learn's.

    Parameters
    ----------
    confusion_matrix : ndarray of shape (n_classes, n_classes)
        The confusion matrix, true classes in rows.
    display_labels : ndarray of shape (n_classes,), default=None
        The class of each row and column.

    See Also
    --------
    sklearn_ecg.metrics.aami_report : Sensitivity and positive predictivity
        of each class.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn_ecg.inspection import AAMIConfusionMatrixDisplay
    >>> y_true = ["V", "N", "N", "S", "V", "N"]
    >>> y_pred = ["V", "N", "S", "N", "N", "N"]
    >>> disp = AAMIConfusionMatrixDisplay.from_predictions(y_true, y_pred)
    >>> [label.get_text() for label in disp.ax_.get_xticklabels()]
    ['N', 'S', 'V']
    >>> disp.confusion_matrix
    array([[2, 1, 0],
           [1, 0, 0],
           [1, 0, 1]])
    >>> plt.close(disp.figure_)
    """

    @classmethod
    def from_predictions(
        cls, y_true, y_pred, *, labels=None, normalize=None, title=None, **kwargs
    ):
        """Plot the confusion matrix of true and predicted beat classes.

        Parameters
        ----------
        y_true : array-like of shape (n_beats,)
            True classes.
        y_pred : array-like of shape (n_beats,)
            Predicted classes.
        labels : array-like of shape (n_classes,), default=None
            The classes, in order. None takes those present in ``y_true`` or
            ``y_pred``: the AAMI classes in the order N, S, V, F, Q, then any
            other label, sorted.
        normalize : {"true", "pred", "all"}, default=None
            Normalise over the true classes (rows: the diagonal is the
            sensitivity), the predicted classes (columns: the diagonal is the
            positive predictivity), or all beats; None shows counts.
        title : str, default=None
            Title; None says what the numbers are.
        **kwargs : dict
            Other keywords of
            :meth:`sklearn.metrics.ConfusionMatrixDisplay.from_predictions`
            (``sample_weight``, ``display_labels``, ``cmap``, ``ax``,
            ``colorbar``, ``values_format`` ...).

        Returns
        -------
        display : AAMIConfusionMatrixDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_predictions")
        if normalize not in _NORMALIZE_TITLES:
            raise ValueError(
                "normalize must be 'true', 'pred', 'all' or None, got "
                f"{normalize!r}"
            )
        check_consistent_length(y_true, y_pred)
        if labels is None:
            labels = class_order(
                np.concatenate([
                    np.asarray(y_true, dtype=object).ravel(),
                    np.asarray(y_pred, dtype=object).ravel(),
                ])
            )
        display = super().from_predictions(
            y_true, y_pred, labels=labels, normalize=normalize, **kwargs
        )
        display.ax_.set_title(_NORMALIZE_TITLES[normalize] if title is None else title)
        return display

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, labels=None, normalize=None, title=None, **kwargs
    ):
        """Plot the confusion matrix of a fitted classifier on beats ``X``.

        Parameters
        ----------
        estimator : classifier
            A fitted classifier (such as
            :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier`) or a
            pipeline ending in one.
        X : array-like of shape (n_beats, n_features)
            The beats.
        y : array-like of shape (n_beats,)
            Their true classes.
        labels : array-like of shape (n_classes,), default=None
            The classes, in order; None takes those present, in AAMI order.
        normalize : {"true", "pred", "all"}, default=None
            Normalisation; see :meth:`from_predictions`.
        title : str, default=None
            Title; None says what the numbers are.
        **kwargs : dict
            Other keywords of :meth:`from_predictions`.

        Returns
        -------
        display : AAMIConfusionMatrixDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if not is_classifier(estimator):
            raise ValueError(
                f"{cls.__name__}.from_estimator needs a classifier, got "
                f"{type(estimator).__name__}"
            )
        return cls.from_predictions(
            y, estimator.predict(X), labels=labels, normalize=normalize,
            title=title, **kwargs,
        )
