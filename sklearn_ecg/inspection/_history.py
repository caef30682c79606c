"""Display of the training history (loss per epoch) of a Keras-backed estimator."""

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline

from ._base import check_matplotlib_support, figure_and_axes, style_kwargs

_VALIDATION_PREFIX = "val_"


def _check_history(history):
    if not hasattr(history, "items"):
        raise ValueError(
            "history must be a dict of per-epoch values such as "
            f"{{'loss': [...], 'val_loss': [...]}}, got {type(history).__name__}"
        )
    checked = {}
    for key, values in history.items():
        try:
            values = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"history[{key!r}] must be a list of numbers, one per epoch ({exc})"
            ) from exc
        if values.ndim != 1:
            raise ValueError(
                f"history[{key!r}] must be a list of numbers, one per epoch, got "
                f"shape {values.shape}"
            )
        checked[str(key)] = values
    if not checked:
        raise ValueError("history is empty: there is no epoch to plot")
    return checked


class TrainingHistoryDisplay:
    """Loss and metrics per epoch, as a Keras-backed estimator records them.

    It is recommended to create one with :meth:`from_estimator`. All
    parameters are stored as attributes.

    Parameters
    ----------
    history : dict of list of float
        Values per epoch, keyed by name, as the ``history_`` of the estimators
        of :mod:`sklearn_ecg.neural` (``"loss"``, ``"val_loss"`` ...) or the
        ``history`` of a :class:`keras.callbacks.History`.
    name : str, default=None
        The model's name, for the title.

    Attributes
    ----------
    lines_ : dict of matplotlib Line2D
        One line per key drawn, keyed by it. A validation key
        (``"val_<key>"``) has the colour of ``<key>`` and a dashed line.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.

    See Also
    --------
    sklearn_ecg.neural.HeartbeatCNNClassifier : A Keras-backed estimator
        that records ``history_``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn_ecg.inspection import TrainingHistoryDisplay
    >>> history = {"loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.6, 0.5]}
    >>> disp = TrainingHistoryDisplay(history, name="CNN").plot()
    >>> sorted(disp.lines_), disp.ax_.get_xlabel()
    (['loss', 'val_loss'], 'epoch')
    >>> plt.close(disp.figure_)
    """

    def __init__(self, history, *, name=None):
        self.history = history
        self.name = name

    def plot(self, ax=None, *, keys=None, title=None, logy=False, line_kw=None):
        """Draw one line per key against the epoch number.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        keys : list of str, default=None
            The keys to draw, e.g. ``["loss", "val_loss"]``; None draws all.
        title : str, default=None
            Title; None uses ``name`` and the number of epochs.
        logy : bool, default=False
            Whether to use a logarithmic y axis.
        line_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.plot` for every line.

        Returns
        -------
        display : TrainingHistoryDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        from matplotlib.ticker import MaxNLocator

        history = _check_history(self.history)
        if keys is None:
            keys = list(history)
        else:
            keys = [keys] if isinstance(keys, str) else list(keys)
            unknown = [key for key in keys if key not in history]
            if unknown:
                raise ValueError(
                    f"keys must be keys of the history, {list(history)!r}; got "
                    f"{unknown!r}"
                )
        figure, ax = figure_and_axes(ax, figsize=(7, 4))

        # A training key and its validation twin share a colour.
        colors = {}
        for key in keys:
            base = key.removeprefix(_VALIDATION_PREFIX)
            colors.setdefault(base, f"C{len(colors) % 10}")
        lines = {}
        for key in keys:
            values = history[key]
            validation = key.startswith(_VALIDATION_PREFIX)
            style = style_kwargs(
                {
                    "color": colors[key.removeprefix(_VALIDATION_PREFIX)],
                    "linestyle": "--" if validation else "-",
                    "marker": "o" if values.size <= 30 else None,
                    "markersize": 3,
                    "label": key,
                },
                line_kw,
            )
            lines[key] = ax.plot(np.arange(1, values.size + 1), values, **style)[0]
        if logy:
            ax.set_yscale("log")
        n_epochs = max(history[key].size for key in keys)
        default_title = f"training history, {n_epochs} epoch{'s' * (n_epochs != 1)}"
        default_title = (
            f"{self.name}: {default_title}" if self.name
            else default_title.capitalize()
        )
        ax.set(
            xlabel="epoch",
            ylabel="loss" if all("loss" in key for key in keys) else "value",
            title=default_title if title is None else title,
        )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize="small")
        self.lines_ = lines
        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, *, keys=None, ax=None, title=None, logy=False, line_kw=None
    ):
        """Plot the training history of a fitted Keras-backed estimator.

        Parameters
        ----------
        estimator : estimator
            A fitted estimator with a ``history_`` dict, such as
            :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier`, or a
            :class:`~sklearn.pipeline.Pipeline` ending in one.
        keys : list of str, default=None
            The keys to draw; None draws all.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        title : str, default=None
            Title; None names the estimator.
        logy : bool, default=False
            Whether to use a logarithmic y axis.
        line_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.plot`.

        Returns
        -------
        display : TrainingHistoryDisplay
            The display, with its artists.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator has no ``history_``: it is not fitted, or it is
            not Keras-backed.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if isinstance(estimator, Pipeline):
            estimator = estimator[-1]
        history = getattr(estimator, "history_", None)
        if history is None:
            raise NotFittedError(
                f"{type(estimator).__name__} has no history_: fit it first. Only "
                "the Keras-backed estimators of sklearn_ecg.neural record one."
            )
        return cls(history, name=type(estimator).__name__).plot(
            ax=ax, keys=keys, title=title, logy=logy, line_kw=line_kw
        )
