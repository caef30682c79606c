"""The similarity protocol: what an estimator that scores pairs of segments offers."""

import numpy as np
from sklearn.utils.validation import check_array, check_is_fitted


class SimilarityMixin:
    """The similarity protocol of the estimators that score pairs of ECG segments.

    A fitted similarity estimator has three methods:

    - ``embed(X)``: one embedding per segment of ``X``;
    - ``score_embeddings(A, B=None)``: the ``(len(A), len(B))`` scores of
      embeddings, higher for more alike, also of embeddings no single segment
      has (the mean embedding of a recording's segments, a person's template);
    - ``score_pairs(X, Y=None)``: ``score_embeddings(embed(X), embed(Y))``, the
      scores of every segment of ``X`` with every one of ``Y`` (``X`` with
      itself when ``Y`` is None). Each segment is embedded once, so ``n``
      queries against a gallery of ``m`` cost ``n + m`` encoder passes.

    :func:`~sklearn_ecg.model_selection.recording_scores`,
    :func:`~sklearn_ecg.model_selection.verification_scores`,
    :func:`~sklearn_ecg.model_selection.identification_accuracy` and
    :meth:`~sklearn_ecg.inspection.SimilarityMatrixDisplay.from_estimator` take
    any object with these methods. This mixin gives ``embed``,
    ``score_pairs`` and the checks of ``score_embeddings``; an estimator
    implements ``_embedded(X, name)`` (its validated segments' embeddings,
    errors naming ``name``) and, to score otherwise than by the cosine of the
    embeddings, ``_score_embeddings(a, b)`` on two checked 2-D float arrays.
    :class:`~sklearn_ecg.neural.SiameseSimilarityRegressor` scores with its
    learned head, :class:`~sklearn_ecg.neural.MetricEncoder` and
    :class:`~sklearn_ecg.neural.ContrastiveEncoder` with the cosine.
    """

    def embed(self, X):
        """Embed each segment.

        Parameters
        ----------
        X : array-like of shape (n_segments, n_samples) or (n_segments, n_samples, n_leads)
            Segments, shaped as in ``fit`` (one half of a pair row for a
            regressor of pair rows).

        Returns
        -------
        embeddings : ndarray of shape (n_segments, n_dimensions)
        """
        return self._embedded(X, "X")

    def score_pairs(self, X, Y=None):
        """Similarity of every segment of ``X`` with every segment of ``Y``.

        Parameters
        ----------
        X : array-like of shape (n_segments_X, n_samples) or (n_segments_X, n_samples, n_leads)
            Segments, e.g. queries.
        Y : array-like of shape (n_segments_Y, ...), default=None
            Segments, e.g. a gallery; ``None`` scores ``X`` against itself.

        Returns
        -------
        scores : ndarray of shape (n_segments_X, n_segments_Y)
            Higher means more alike: ``score_embeddings(embed(X), embed(Y))``.
        """
        a = self._embedded(X, "X")
        b = a if Y is None else self._embedded(Y, "Y")
        return self._score_embeddings(np.asarray(a, dtype=np.float64),
                                      np.asarray(b, dtype=np.float64))

    def score_embeddings(self, A, B=None):
        """Score every embedding of ``A`` with every embedding of ``B``.

        The second half of :meth:`score_pairs`, for embeddings that no single
        segment has, such as the mean embedding of the segments of a recording
        (see :func:`~sklearn_ecg.model_selection.recording_scores` with
        ``fusion="embedding"``).

        Parameters
        ----------
        A : array-like of shape (n_A, n_dimensions)
            Embeddings, e.g. from :meth:`embed`.
        B : array-like of shape (n_B, n_dimensions), default=None
            Embeddings; ``None`` scores ``A`` against itself.

        Returns
        -------
        scores : ndarray of shape (n_A, n_B)
        """
        check_is_fitted(self)
        a = check_array(A, dtype=np.float64, input_name="A")
        b = a if B is None else check_array(B, dtype=np.float64, input_name="B")
        width = self._embedding_width()
        what = "embedding_dim" if getattr(self, "embedding_dim", None) is not None \
            else "its pooled features"
        for name, emb in (("A", a), ("B", b)):
            if emb.shape[1] != width:
                raise ValueError(
                    f"{name} has embeddings of {emb.shape[1]} dimensions, but "
                    f"{type(self).__name__} embeds in {width} ({what}); pass the output of "
                    "embed()."
                )
        return self._score_embeddings(a, b)

    def _embedding_width(self):
        width = getattr(self, "embedding_dim", None)
        return int(width) if width is not None else int(self._n_features_out)

    def _score_embeddings(self, a, b):
        """The cosine of every row of ``a`` with every row of ``b``."""
        return unit_rows(a) @ unit_rows(b).T


def unit_rows(X):
    """Rows scaled to unit Euclidean norm (a zero row stays zero)."""
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)
