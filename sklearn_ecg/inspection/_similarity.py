"""Displays for similarity models: score histograms and DET curves, similarity matrices.

A similarity model (such as a Siamese network) scores pairs of ECG segments:
high for two segments of the same person, low otherwise. :class:`SimilarityDisplay`
shows how well the scores separate same-person from different-person pairs, and
where the equal-error-rate threshold lies; :class:`SimilarityMatrixDisplay` shows
the similarity of every pair of segments, ordered by person, so that each person
should light up a block on the diagonal, or its mean by group (the channels or the
activities of a garment); :class:`VerificationDetDisplay` draws the trade-off between false
matches and false non-matches that biometrics reports.
"""

import numpy as np
from sklearn.metrics.pairwise import cosine_similarity, euclidean_distances
from sklearn.utils import check_array
from sklearn.utils.validation import check_consistent_length

from ..metrics import equal_error_rate
from ._base import check_matplotlib_support, figure_and_axes, style_kwargs


def _check_scores(scores, same):
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores.ravel()
    if scores.ndim != 1:
        raise ValueError(f"scores must be 1-D, one per pair, got shape {scores.shape}")
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores must be finite numbers, got NaN or infinite values")
    same = np.asarray(same).ravel()
    check_consistent_length(scores, same)
    if same.dtype != bool:
        if not np.isin(same, [0, 1]).all():
            raise ValueError(
                "same must be 1 (or True) for a same-person pair and 0 (or False) "
                f"for a different-person pair, got values {np.unique(same)[:5]!r}"
            )
        same = same.astype(bool)
    if same.all() or not same.any():
        raise ValueError(
            "same must hold both same-person (1) and different-person (0) pairs "
            "to find the equal error rate"
        )
    return scores, same


class SimilarityDisplay:
    """Histograms of the similarity scores of same-person and different-person pairs.

    It is recommended to create one with :meth:`from_predictions` or
    :meth:`from_estimator`, which also find the equal-error-rate threshold.
    All parameters are stored as attributes.

    Parameters
    ----------
    scores : array-like of shape (n_pairs,)
        Similarity score of each pair, higher for more similar pairs.
    same : array-like of bool or {0, 1} of shape (n_pairs,)
        Whether each pair comes from one person.
    eer : float, default=None
        The equal error rate, shown in the legend.
    threshold : float, default=None
        The score threshold at the equal error rate, drawn as a vertical line;
        None draws none.
    name : str, default=None
        The model's name, for the title.

    Attributes
    ----------
    hist_same_ : matplotlib BarContainer
        The bars of the same-person histogram.
    hist_different_ : matplotlib BarContainer
        The bars of the different-person histogram (same bins).
    threshold_line_ : matplotlib Line2D or None
        The EER threshold, None when ``threshold`` is None.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.

    See Also
    --------
    SimilarityMatrixDisplay : Similarity of every pair of segments.
    sklearn_ecg.model_selection.make_pairs : Same- and different-person pairs.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from sklearn_ecg.inspection import SimilarityDisplay
    >>> rng = np.random.default_rng(0)
    >>> same = np.repeat([1, 0], 200)
    >>> scores = np.clip(rng.normal(0.5 + 0.25 * (2 * same - 1), 0.15), 0, 1)
    >>> disp = SimilarityDisplay.from_predictions(same, scores)
    >>> [text.get_text() for text in disp.ax_.get_legend().get_texts()]
    ['same person (200)', 'different persons (200)', 'EER 4.0% at 0.514']
    >>> plt.close(disp.figure_)
    """

    def __init__(self, scores, same, *, eer=None, threshold=None, name=None):
        self.scores = scores
        self.same = same
        self.eer = eer
        self.threshold = threshold
        self.name = name

    def plot(
        self,
        ax=None,
        *,
        bins=30,
        density=False,
        title=None,
        same_kw=None,
        different_kw=None,
        threshold_kw=None,
    ):
        """Draw both histograms on the same bins, and the threshold.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        bins : int or sequence of float, default=30
            Number of bins, or their edges, shared by both histograms.
        density : bool, default=False
            Draw densities instead of counts, which compares the two shapes
            when one kind of pair is far more numerous.
        title : str, default=None
            Title; None uses ``name``.
        same_kw, different_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.hist`.
        threshold_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.axvline`.

        Returns
        -------
        display : SimilarityDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")

        scores = np.asarray(self.scores, dtype=float).ravel()
        same = np.asarray(self.same).ravel().astype(bool)
        check_consistent_length(scores, same)
        figure, ax = figure_and_axes(ax, figsize=(7, 4))
        edges = np.histogram_bin_edges(scores, bins=bins)
        common = {"bins": edges, "density": density, "alpha": 0.6}
        _, _, self.hist_same_ = ax.hist(
            scores[same],
            **style_kwargs({**common, "color": "C0",
                            "label": f"same person ({same.sum()})"}, same_kw),
        )
        _, _, self.hist_different_ = ax.hist(
            scores[~same],
            **style_kwargs({**common, "color": "C1",
                            "label": f"different persons ({(~same).sum()})"},
                           different_kw),
        )
        self.threshold_line_ = None
        if self.threshold is not None:
            label = f"threshold {self.threshold:.3g}" if self.eer is None else (
                f"EER {100 * self.eer:.1f}% at {self.threshold:.3g}"
            )
            self.threshold_line_ = ax.axvline(
                self.threshold,
                **style_kwargs({"color": "k", "linestyle": "--", "linewidth": 1.5,
                                "label": label}, threshold_kw),
            )
        default_title = "Similarity of same- and different-person pairs"
        if self.name:
            default_title = f"{self.name}: s{default_title[1:]}"
        ax.set(
            xlabel="similarity score",
            ylabel="density" if density else "pairs",
            title=default_title if title is None else title,
        )
        ax.legend(fontsize="small")
        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_predictions(
        cls,
        same,
        scores,
        *,
        name=None,
        ax=None,
        bins=30,
        density=False,
        title=None,
        same_kw=None,
        different_kw=None,
        threshold_kw=None,
    ):
        """Plot the scores of pairs and the equal-error-rate threshold.

        Parameters
        ----------
        same : array-like of bool or {0, 1} of shape (n_pairs,)
            Whether each pair comes from one person (the truth, first, as in
            scikit-learn's ``from_predictions(y_true, y_score)``); both kinds
            must occur.
        scores : array-like of shape (n_pairs,)
            Similarity score of each pair, higher for more similar pairs.
        name : str, default=None
            The model's name, for the title.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        bins : int or sequence of float, default=30
            Bins shared by both histograms.
        density : bool, default=False
            Draw densities instead of counts.
        title : str, default=None
            Title; None uses ``name``.
        same_kw, different_kw, threshold_kw : dict, default=None
            Keywords for the histograms and the threshold; see :meth:`plot`.

        Returns
        -------
        display : SimilarityDisplay
            The display, with its artists. ``display.eer`` and
            ``display.threshold`` hold the equal error rate and the score
            threshold (a pair is accepted when its score is at least the
            threshold) where the false acceptance and false rejection rates
            are equal, as :func:`~sklearn_ecg.metrics.equal_error_rate`
            interpolates them on the ROC curve.
        """
        check_matplotlib_support(f"{cls.__name__}.from_predictions")
        scores, same = _check_scores(scores, same)
        eer, threshold = equal_error_rate(same.astype(int), scores, return_threshold=True)
        display = cls(scores, same, eer=eer, threshold=threshold, name=name)
        return display.plot(
            ax=ax, bins=bins, density=density, title=title, same_kw=same_kw,
            different_kw=different_kw, threshold_kw=threshold_kw,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X_pairs,
        same,
        *,
        name=None,
        ax=None,
        bins=30,
        density=False,
        title=None,
        same_kw=None,
        different_kw=None,
        threshold_kw=None,
    ):
        """Score pairs with a fitted similarity model and plot the scores.

        Parameters
        ----------
        estimator : estimator
            A fitted similarity model whose ``predict(X_pairs)`` returns one
            score per pair row, higher for more similar pairs.
        X_pairs : array-like of shape (n_pairs, 2 * n_features)
            Pair rows ``[left | right]``, as
            :func:`~sklearn_ecg.model_selection.make_pairs` builds them.
        same : array-like of bool or {0, 1} of shape (n_pairs,)
            Whether each pair comes from one person.
        name : str, default=None
            The model's name; None uses the estimator's class name.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        bins : int or sequence of float, default=30
            Bins shared by both histograms.
        density : bool, default=False
            Draw densities instead of counts.
        title : str, default=None
            Title; None uses ``name``.
        same_kw, different_kw, threshold_kw : dict, default=None
            Keywords for the histograms and the threshold; see :meth:`plot`.

        Returns
        -------
        display : SimilarityDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        scores = np.asarray(estimator.predict(X_pairs), dtype=float)
        return cls.from_predictions(
            same, scores, name=type(estimator).__name__ if name is None else name,
            ax=ax, bins=bins, density=density, title=title, same_kw=same_kw,
            different_kw=different_kw, threshold_kw=threshold_kw,
        )


def _group_blocks(groups):
    """``(label, start, stop)`` of each run of equal consecutive groups."""
    change = np.flatnonzero(groups[1:] != groups[:-1]) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [groups.size]])
    return [(groups[a], int(a), int(b)) for a, b in zip(starts, stops)]


class SimilarityMatrixDisplay:
    """Pairwise similarity of segments as an image, segments grouped by person.

    It is recommended to create one with :meth:`from_matrix`,
    :meth:`from_embeddings` or :meth:`from_estimator`, which order the
    segments by person. All parameters are stored as attributes.

    Parameters
    ----------
    similarity : array-like of shape (n_segments, n_segments)
        Similarity of each pair of segments, drawn as is (row ``i``, column
        ``j``).
    groups : array-like of shape (n_segments,), default=None
        The person of each segment. Each run of equal consecutive values is
        one block, labelled on both axes and framed by lines; the ``from_*``
        methods sort the segments so that each person is one block.
    similarity_name : str, default=None
        What the values are, for the colour bar (e.g. ``"cosine
        similarity"``); None says ``"similarity"``.
    axis_label : str, default=None
        The label of both axes; None says ``"segments by person"`` (or
        ``"segment"`` without ``groups``).

    Attributes
    ----------
    im_ : matplotlib AxesImage
        The image of the matrix.
    text_ : ndarray of matplotlib Text of shape (n, n) or None
        The value written in each cell, None when the values are not written
        (``values_format=None``); empty (None) for a NaN cell.
    boundary_lines_ : list of matplotlib Line2D
        Horizontal and vertical lines between the blocks of persons.
    colorbar_ : matplotlib Colorbar or None
        The colour bar, None when not drawn.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.

    See Also
    --------
    SimilarityDisplay : Scores of same- and different-person pairs.
    VerificationDetDisplay : False non-match against false match rate.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from sklearn_ecg.inspection import SimilarityMatrixDisplay
    >>> rng = np.random.default_rng(0)
    >>> groups = np.array(["ann", "bob", "ann", "bob", "cy", "cy"])
    >>> centres = {"ann": [1, 0, 0], "bob": [0, 1, 0], "cy": [0, 0, 1]}
    >>> embeddings = np.array([centres[g] for g in groups]) + 0.1 * rng.random((6, 3))
    >>> disp = SimilarityMatrixDisplay.from_embeddings(embeddings, groups)
    >>> disp.groups.tolist()
    ['ann', 'ann', 'bob', 'bob', 'cy', 'cy']
    >>> disp.im_.get_array().shape
    (6, 6)
    >>> plt.close(disp.figure_)
    """

    def __init__(self, similarity, *, groups=None, similarity_name=None, axis_label=None):
        self.similarity = similarity
        self.groups = groups
        self.similarity_name = similarity_name
        self.axis_label = axis_label

    def plot(
        self, ax=None, *, cmap="viridis", colorbar=True, title=None, im_kw=None,
        values_format=None,
    ):
        """Draw the matrix, with one labelled block per person.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        cmap : str or matplotlib Colormap, default="viridis"
            Colour map of the image.
        colorbar : bool, default=True
            Whether to draw a colour bar.
        title : str, default=None
            Title; None gives the number of segments and persons.
        im_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.imshow`.
        values_format : str, default=None
            Format of the value written in each cell (e.g. ``".2f"``); None
            writes none, which suits a matrix of many segments.

        Returns
        -------
        display : SimilarityMatrixDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")

        matrix = _check_square(self.similarity)
        n = matrix.shape[0]
        figure, ax = figure_and_axes(ax, figsize=(6.5, 5.5))
        self.im_ = ax.imshow(
            matrix,
            **style_kwargs({"cmap": cmap, "interpolation": "nearest"}, im_kw),
        )
        self.colorbar_ = None
        if colorbar:
            self.colorbar_ = figure.colorbar(self.im_, ax=ax)
            self.colorbar_.set_label(self.similarity_name or "similarity")
        self.boundary_lines_ = []
        if self.groups is None:
            default_title = f"Pairwise similarity of {n} segments"
            label = self.axis_label or "segment"
            ax.set(xlabel=label, ylabel=label)
        else:
            groups = np.asarray(self.groups, dtype=object).ravel()
            check_consistent_length(matrix, groups)
            blocks = _group_blocks(groups)
            centres = [(start + stop - 1) / 2 for _, start, stop in blocks]
            names = [str(label) for label, _, _ in blocks]
            ax.set_xticks(centres, names, rotation=90 if len(blocks) > 6 else 0)
            ax.set_yticks(centres, names)
            for _, _, stop in blocks[:-1]:
                for line in (ax.axhline, ax.axvline):
                    self.boundary_lines_.append(
                        line(stop - 0.5, color="white", linewidth=1.0)
                    )
            n_persons = len(set(groups.tolist()))
            default_title = (
                f"Pairwise similarity of {n} segments of {n_persons} "
                f"person{'s' if n_persons != 1 else ''}"
            )
            label = self.axis_label or "segments by person"
            ax.set(xlabel=label, ylabel=label)
        ax.set_title(default_title if title is None else title)
        self.text_ = None if values_format is None else _write_values(
            ax, self.im_, matrix, values_format)
        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_matrix(
        cls,
        similarity,
        groups=None,
        *,
        similarity_name=None,
        ax=None,
        cmap="viridis",
        colorbar=True,
        title=None,
        im_kw=None,
    ):
        """Plot a similarity matrix, its segments sorted by person.

        Parameters
        ----------
        similarity : array-like of shape (n_segments, n_segments)
            Similarity of each pair of segments.
        groups : array-like of shape (n_segments,), default=None
            The person of each segment. Rows and columns are sorted by person
            (sorted labels; the order of the segments of a person is kept).
            None keeps the order and draws no blocks.
        similarity_name : str, default=None
            What the values are, for the colour bar.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        cmap : str or matplotlib Colormap, default="viridis"
            Colour map of the image.
        colorbar : bool, default=True
            Whether to draw a colour bar.
        title : str, default=None
            Title; None gives the number of segments and persons.
        im_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.imshow`.

        Returns
        -------
        display : SimilarityMatrixDisplay
            The display, with the sorted matrix and groups as ``similarity``
            and ``groups``.
        """
        check_matplotlib_support(f"{cls.__name__}.from_matrix")
        matrix = _check_square(similarity)
        if groups is not None:
            groups = np.asarray(groups).ravel()
            check_consistent_length(matrix, groups)
            _, codes = np.unique(groups, return_inverse=True)
            order = np.argsort(codes, kind="stable")
            matrix, groups = matrix[np.ix_(order, order)], groups[order]
        display = cls(matrix, groups=groups, similarity_name=similarity_name)
        return display.plot(
            ax=ax, cmap=cmap, colorbar=colorbar, title=title, im_kw=im_kw
        )

    @classmethod
    def from_embeddings(
        cls,
        embeddings,
        groups=None,
        *,
        metric="cosine",
        ax=None,
        cmap="viridis",
        colorbar=True,
        title=None,
        im_kw=None,
    ):
        """Plot the pairwise similarity of embeddings, sorted by person.

        Parameters
        ----------
        embeddings : array-like of shape (n_segments, n_dimensions)
            One embedding per segment, e.g. the ``transform`` of an encoder.
        groups : array-like of shape (n_segments,), default=None
            The person of each segment; see :meth:`from_matrix`.
        metric : {"cosine", "euclidean"}, default="cosine"
            The cosine similarity, or minus the Euclidean distance (so that,
            as for the cosine, brighter means more similar).
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        cmap : str or matplotlib Colormap, default="viridis"
            Colour map of the image.
        colorbar : bool, default=True
            Whether to draw a colour bar.
        title : str, default=None
            Title; None gives the number of segments and persons.
        im_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.imshow`.

        Returns
        -------
        display : SimilarityMatrixDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_embeddings")
        embeddings = check_array(embeddings, input_name="embeddings")
        if metric == "cosine":
            matrix, name = cosine_similarity(embeddings), "cosine similarity"
        elif metric == "euclidean":
            matrix = -euclidean_distances(embeddings)
            name = "minus Euclidean distance"
        else:
            raise ValueError(
                f"metric must be 'cosine' or 'euclidean', got {metric!r}"
            )
        return cls.from_matrix(
            matrix, groups, similarity_name=name, ax=ax, cmap=cmap,
            colorbar=colorbar, title=title, im_kw=im_kw,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        groups=None,
        *,
        response_method="auto",
        metric="cosine",
        ax=None,
        cmap="viridis",
        colorbar=True,
        title=None,
        im_kw=None,
    ):
        """Plot how a fitted similarity model scores every pair of segments.

        Parameters
        ----------
        estimator : estimator
            A fitted similarity model.
        X : array-like of shape (n_segments, n_features)
            One segment per row.
        groups : array-like of shape (n_segments,), default=None
            The person of each segment; see :meth:`from_matrix`.
        response_method : {"auto", "score_pairs", "predict", "transform"}, \
                default="auto"
            How the matrix is computed:

            - ``"score_pairs"``: ``estimator.score_pairs(X)``, which returns
              the ``(n_segments, n_segments)`` matrix of scores (as
              :class:`~sklearn_ecg.neural.SiameseSimilarityRegressor` does,
              embedding each segment once);
            - ``"predict"``: ``estimator.predict`` on each pair row
              ``[X[i] | X[j]]`` (all ``n_segments ** 2`` of them, in chunks;
              rows are joined along axis 1, so 3-D segments work too);
            - ``"transform"``: ``estimator.transform(X)`` embeds the
              segments, which are compared with ``metric``.

            ``"auto"`` takes the first of these that the estimator has.
        metric : {"cosine", "euclidean"}, default="cosine"
            How embeddings are compared, for ``"transform"``.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        cmap : str or matplotlib Colormap, default="viridis"
            Colour map of the image.
        colorbar : bool, default=True
            Whether to draw a colour bar.
        title : str, default=None
            Title; None gives the number of segments and persons.
        im_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.imshow`.

        Returns
        -------
        display : SimilarityMatrixDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        methods = ("score_pairs", "predict", "transform")
        if response_method == "auto":
            available = [m for m in methods if callable(getattr(estimator, m, None))]
            if not available:
                raise ValueError(
                    f"{type(estimator).__name__} has none of {list(methods)}: it "
                    "is not a similarity model or an encoder"
                )
            response_method = available[0]
        if response_method not in methods:
            raise ValueError(
                "response_method must be 'auto', 'score_pairs', 'predict' or "
                f"'transform', got {response_method!r}"
            )
        if response_method == "transform":
            return cls.from_embeddings(
                estimator.transform(X), groups, metric=metric, ax=ax, cmap=cmap,
                colorbar=colorbar, title=title, im_kw=im_kw,
            )
        from ..model_selection._protocols import _segment_scores

        kind = "estimator" if response_method == "score_pairs" else "pair_rows"
        matrix = _segment_scores(estimator, kind, X, None)
        return cls.from_matrix(
            matrix, groups,
            similarity_name=f"{type(estimator).__name__} score", ax=ax, cmap=cmap,
            colorbar=colorbar, title=title, im_kw=im_kw,
        )

    @classmethod
    def from_group_means(
        cls,
        similarity,
        groups,
        *,
        within=None,
        labels=None,
        group_name="group",
        similarity_name=None,
        ax=None,
        cmap="viridis",
        colorbar=True,
        title=None,
        values_format=".2f",
        im_kw=None,
    ):
        """Plot the mean similarity of the segments of each pair of groups.

        Where :meth:`from_matrix` draws every segment, this draws one cell per
        pair of groups: the mean similarity of the segments of one group with
        the segments of the other (a segment is never paired with itself), its
        value written in the cell. With ``within``, only pairs of segments
        that share a ``within`` label count, e.g. the channels of a garment
        compared during one activity at a time, or its activities compared
        channel by channel.

        Parameters
        ----------
        similarity : array-like of shape (n_segments, n_segments)
            Similarity of each pair of segments.
        groups : array-like of shape (n_segments,)
            The group of each segment (a person, a channel, an activity).
        within : array-like of shape (n_segments,), default=None
            Only segments with the same ``within`` label are paired; None
            pairs every two segments.
        labels : array-like, default=None
            The groups to show, in this order; None shows every group, sorted.
        group_name : str, default="group"
            What a group is, for the axes and the title (e.g. ``"channel"``).
        similarity_name : str, default=None
            What the values are, for the colour bar and the title; None says
            ``"similarity"``.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        cmap : str or matplotlib Colormap, default="viridis"
            Colour map of the image.
        colorbar : bool, default=True
            Whether to draw a colour bar.
        title : str, default=None
            Title; None says what is averaged.
        values_format : str, default=".2f"
            Format of the value written in each cell; None writes none.
        im_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.imshow`.

        Returns
        -------
        display : SimilarityMatrixDisplay
            The display: ``similarity`` is the ``(n_groups, n_groups)`` matrix
            of means (NaN where no pair of segments counts), ``groups`` the
            labels of its rows and columns.

        Examples
        --------
        Five channels recording the same beats, compared during one activity
        at a time:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from sklearn_ecg.inspection import SimilarityMatrixDisplay
        >>> channel = np.tile(["ecg1", "ecg2"], 4)
        >>> activity = np.repeat(["sitting", "walking"], 4)
        >>> rng = np.random.default_rng(0)
        >>> similarity = rng.uniform(size=(8, 8))
        >>> similarity = (similarity + similarity.T) / 2
        >>> disp = SimilarityMatrixDisplay.from_group_means(
        ...     similarity, channel, within=activity, group_name="channel")
        >>> disp.similarity.shape, disp.groups.tolist()
        ((2, 2), ['ecg1', 'ecg2'])
        >>> disp.ax_.get_xlabel(), disp.text_.shape
        ('channel', (2, 2))
        >>> plt.close(disp.figure_)
        """
        check_matplotlib_support(f"{cls.__name__}.from_group_means")
        from ..model_selection import group_mean_scores

        means, labels = group_mean_scores(_check_square(similarity), groups, within=within,
                                          labels=labels)
        name = similarity_name or "similarity"
        display = cls(means, groups=labels, similarity_name=f"mean {name}",
                      axis_label=group_name)
        default_title = f"Mean {name} of segments, by {group_name}"
        return display.plot(
            ax=ax, cmap=cmap, colorbar=colorbar,
            title=default_title if title is None else title, im_kw=im_kw,
            values_format=values_format,
        )


def _write_values(ax, image, matrix, values_format):
    """Write each cell's value, dark on light cells and light on dark ones."""
    texts = np.empty(matrix.shape, dtype=object)
    for (r, c), value in np.ndenumerate(matrix):
        if np.isnan(value):
            continue
        red, green, blue, _ = image.cmap(image.norm(value))
        light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
        texts[r, c] = ax.text(c, r, format(value, values_format), ha="center", va="center",
                              color="black" if light else "white", fontsize="small")
    return texts


class VerificationDetDisplay:
    """Detection error trade-off (DET) curve of a verification score.

    For every threshold on the score, a pair is accepted as "same person"
    when its score is at least the threshold: the false match rate (FMR,
    different-person pairs accepted) and the false non-match rate (FNMR,
    same-person pairs rejected) trade against each other. The DET curve draws
    one against the other on normal-deviate (probit) axes, on which two
    Gaussian score distributions give a straight line, as is customary in
    biometrics. The equal error rate lies where the curve crosses the
    diagonal, and is marked.

    It is recommended to create one with :meth:`from_predictions` or
    :meth:`from_estimator`. All parameters are stored as attributes.

    Parameters
    ----------
    fmr : ndarray
        False match rates, one per threshold, as
        :func:`sklearn.metrics.det_curve` gives them (its ``fpr``).
    fnmr : ndarray
        False non-match rates at the same thresholds (its ``fnr``).
    eer : float, default=None
        The equal error rate, marked on the diagonal; None marks nothing.
    name : str, default=None
        The model's name, for the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The DET curve.
    eer_point_ : matplotlib Line2D or None
        The marker of the equal error rate, None when ``eer`` is None.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.

    See Also
    --------
    SimilarityDisplay : Histograms of the same- and different-person scores.
    sklearn.metrics.det_curve : The curve's computation.
    sklearn.metrics.DetCurveDisplay : scikit-learn's DET display, for
        classifiers; this one speaks of matches and marks the EER.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from sklearn_ecg.inspection import VerificationDetDisplay
    >>> rng = np.random.default_rng(0)
    >>> same = np.repeat([1, 0], 200)
    >>> scores = rng.normal(loc=2.0 * same, scale=1.0)
    >>> disp = VerificationDetDisplay.from_predictions(same, scores, name="model")
    >>> round(disp.eer, 3)
    0.15
    >>> disp.ax_.get_xlabel()
    'false match rate (different persons accepted)'
    >>> plt.close(disp.figure_)
    """

    def __init__(self, *, fmr, fnmr, eer=None, name=None):
        self.fmr = fmr
        self.fnmr = fnmr
        self.eer = eer
        self.name = name

    def plot(self, ax=None, *, name=None, diagonal=True, eer_kw=None, **kwargs):
        """Draw the curve on normal-deviate axes, and the EER point.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on (another curve already there stays); None creates
            a figure.
        name : str, default=None
            Label of the curve; None uses ``self.name``.
        diagonal : bool, default=True
            Whether to draw the diagonal FMR = FNMR, on which the EER lies.
        eer_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.plot` for the EER
            marker.
        **kwargs : dict
            Keywords passed to :meth:`matplotlib.axes.Axes.plot` for the curve.

        Returns
        -------
        display : VerificationDetDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        from scipy.stats import norm

        figure, ax = figure_and_axes(ax, figsize=(5.5, 5.5))
        name = self.name if name is None else name
        # The probit of 0 and 1 is infinite: clip, as scikit-learn does.
        eps = np.finfo(float).eps
        fmr = np.clip(np.asarray(self.fmr, dtype=float), eps, 1 - eps)
        fnmr = np.clip(np.asarray(self.fnmr, dtype=float), eps, 1 - eps)
        label = name
        if self.eer is not None:
            label = f"{name + ', ' if name else ''}EER {100 * self.eer:.1f}%"
        (self.line_,) = ax.plot(
            norm.ppf(fmr), norm.ppf(fnmr),
            **style_kwargs({"label": label} if label else {}, kwargs),
        )
        self.eer_point_ = None
        if self.eer is not None:
            deviate = norm.ppf(np.clip(self.eer, eps, 1 - eps))
            self.eer_point_ = ax.plot(
                [deviate], [deviate],
                **style_kwargs({"marker": "o", "linestyle": "none",
                                "color": self.line_.get_color(),
                                "markeredgecolor": "black"}, eer_kw),
            )[0]
        ticks = np.array([0.001, 0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 0.999])
        locations = norm.ppf(ticks)
        names = [f"{100 * t:.1f}%" if (100 * t) % 1 else f"{100 * t:.0f}%" for t in ticks]
        if diagonal:
            ax.plot([-3.5, 3.5], [-3.5, 3.5], color="0.6", linestyle=":", linewidth=1,
                    zorder=0)
        ax.set(
            xticks=locations, xticklabels=names, yticks=locations, yticklabels=names,
            xlim=(-3.2, 3.2), ylim=(-3.2, 3.2),
            xlabel="false match rate (different persons accepted)",
            ylabel="false non-match rate (same person rejected)",
            title="Detection error trade-off",
        )
        ax.set_aspect("equal")
        ax.grid(True, alpha=0.3)
        if label:
            ax.legend(loc="upper right", fontsize="small")
        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_predictions(cls, same, scores, *, sample_weight=None, name=None, ax=None,
                         diagonal=True, eer_kw=None, **kwargs):
        """Plot the DET curve of scores of pairs, and their equal error rate.

        Parameters
        ----------
        same : array-like of bool or {0, 1} of shape (n_pairs,)
            Whether each pair comes from one person; both kinds must occur.
        scores : array-like of shape (n_pairs,)
            Similarity score of each pair, higher for more similar pairs; for
            a distance, pass its negative.
        sample_weight : array-like of shape (n_pairs,), default=None
            Weights of the pairs.
        name : str, default=None
            The model's name, for the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        diagonal : bool, default=True
            Whether to draw the diagonal FMR = FNMR.
        eer_kw : dict, default=None
            Keywords for the EER marker; see :meth:`plot`.
        **kwargs : dict
            Keywords for the curve; see :meth:`plot`.

        Returns
        -------
        display : VerificationDetDisplay
            The display, with its artists; ``display.eer`` holds the equal
            error rate as :func:`~sklearn_ecg.metrics.equal_error_rate` finds it.
        """
        check_matplotlib_support(f"{cls.__name__}.from_predictions")
        from sklearn.metrics import det_curve

        scores, same = _check_scores(scores, same)
        fmr, fnmr, _ = det_curve(same, scores, sample_weight=sample_weight)
        eer = equal_error_rate(same.astype(int), scores, sample_weight=sample_weight)
        return cls(fmr=fmr, fnmr=fnmr, eer=eer, name=name).plot(
            ax=ax, diagonal=diagonal, eer_kw=eer_kw, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, same, *, sample_weight=None, name=None, ax=None,
                       diagonal=True, eer_kw=None, **kwargs):
        """Score pairs with a fitted similarity model and plot their DET curve.

        Parameters
        ----------
        estimator : estimator
            A fitted similarity model whose ``predict(X)`` returns one score
            per pair row, higher for more similar pairs, such as
            :class:`~sklearn_ecg.neural.SiameseSimilarityRegressor`.
        X : array-like of shape (n_pairs, 2 * n_features)
            Pair rows ``[left | right]``.
        same : array-like of bool or {0, 1} of shape (n_pairs,)
            Whether each pair comes from one person.
        sample_weight : array-like of shape (n_pairs,), default=None
            Weights of the pairs.
        name : str, default=None
            The model's name; None uses the estimator's class name.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        diagonal : bool, default=True
            Whether to draw the diagonal FMR = FNMR.
        eer_kw : dict, default=None
            Keywords for the EER marker; see :meth:`plot`.
        **kwargs : dict
            Keywords for the curve; see :meth:`plot`.

        Returns
        -------
        display : VerificationDetDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        scores = np.asarray(estimator.predict(X), dtype=float)
        return cls.from_predictions(
            same, scores, sample_weight=sample_weight,
            name=type(estimator).__name__ if name is None else name, ax=ax,
            diagonal=diagonal, eer_kw=eer_kw, **kwargs)


def _check_square(similarity):
    matrix = check_array(similarity, dtype=np.float64, input_name="similarity",
                         ensure_all_finite="allow-nan")
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(
            "similarity must be a square matrix (n_segments, n_segments), got "
            f"shape {matrix.shape}"
        )
    return matrix
