"""A record's beat table summarised as a cardiologist reads a Holter report."""

import html

import numpy as np
from sklearn.utils import Bunch

_HR_WINDOW = 10.0  # seconds over which the heart rate's min and max are taken
_CLASS_COLOURS = {"N": "#4c72b0", "S": "#dd8452", "V": "#c44e52", "F": "#8172b3", "Q": "#999999"}


def _runs(is_class):
    """Lengths of the runs of consecutive True values."""
    x = np.concatenate([[0], np.asarray(is_class, dtype=np.int8), [0]])
    edges = np.flatnonzero(np.diff(x))
    return edges[1::2] - edges[::2]


def holter_summary(table, *, duration=None):
    """Summarise a record's beat table as a Holter report does.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per beat, in time order, with ``time_s`` and ``class``, as
        :meth:`~sklearn_ecg.pipeline.UniversalBeatClassifier.predict_record` or
        :meth:`~sklearn_ecg.pipeline.RecordBeatClassifier.predict_record`
        return it. Class ``"Q"`` marks beats too noisy to classify.
    duration : float, default=None
        The record's length in seconds; None takes the last beat's time.

    Returns
    -------
    summary : :class:`~sklearn.utils.Bunch`
        - ``n_beats`` and ``counts`` (beats per class, a dict);
        - ``s_burden`` and ``v_burden``: S and V beats in % of the classified
          beats (every class but Q);
        - ``v_couplets``, ``v_triplets``, ``v_runs`` (runs of exactly two, of
          exactly three, of four or more consecutive V beats) and
          ``longest_v_run``; ``s_couplets`` and ``s_runs`` (three or more S
          beats in a row) and ``longest_s_run``;
        - ``heart_rate_mean`` (beats per minute over the classified stretch),
          ``heart_rate_min`` and ``heart_rate_max`` (of the median RR interval
          of each 10-s window holding at least 3 beats, Q beats left out);
        - ``unusable_share``: the share of beats (%) labelled Q;
        - ``duration``: seconds covered.

    Raises
    ------
    ValueError
        If ``table`` lacks the ``time_s`` or ``class`` column, or its times
        are not in order.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_ecg.inspection import holter_summary
    >>> table = pd.DataFrame({"time_s": [0.0, 1.0, 1.5, 2.0, 2.5, 3.5],
    ...                       "class": ["N", "V", "V", "V", "N", "N"]})
    >>> s = holter_summary(table)
    >>> s.v_triplets, round(s.v_burden, 1)
    (1, 50.0)
    """
    missing = [c for c in ("time_s", "class") if c not in getattr(table, "columns", ())]
    if missing:
        raise ValueError(f"table must have the columns time_s and class; missing {missing}")
    t = np.asarray(table["time_s"], dtype=float)
    labels = np.asarray(table["class"], dtype=object).astype(str)
    if t.size and (not np.isfinite(t).all() or (np.diff(t) < 0).any()):
        raise ValueError("table's time_s must be finite and in increasing order")
    classes, counts = np.unique(labels, return_counts=True)
    counts = {str(c): int(n) for c, n in zip(classes, counts)}
    classified = labels != "Q"
    n_classified = int(classified.sum())

    def burden(c):
        return 100.0 * counts.get(c, 0) / n_classified if n_classified else float("nan")

    v_runs, s_runs = _runs(labels == "V"), _runs(labels == "S")
    # Heart rate from the RR intervals between consecutive classified beats (an interval
    # that ends or starts at a Q beat, or spans a gap of more than 3 s, is not one).
    rr = np.diff(t)
    valid = classified[1:] & classified[:-1] & (rr > 0.2) & (rr < 3.0)
    mean_hr = 60.0 / rr[valid].mean() if valid.any() else float("nan")
    window_hr = []
    if valid.sum() >= 2:
        bins = np.floor(t[1:][valid] / _HR_WINDOW).astype(np.int64)
        for b in np.unique(bins):
            w = rr[valid][bins == b]
            if w.size >= 2:
                window_hr.append(60.0 / np.median(w))
    return Bunch(
        n_beats=int(labels.size), counts=counts, s_burden=burden("S"), v_burden=burden("V"),
        v_couplets=int((v_runs == 2).sum()), v_triplets=int((v_runs == 3).sum()),
        v_runs=int((v_runs >= 4).sum()), longest_v_run=int(v_runs.max(initial=0)),
        s_couplets=int((s_runs == 2).sum()), s_runs=int((s_runs >= 3).sum()),
        longest_s_run=int(s_runs.max(initial=0)),
        heart_rate_mean=float(mean_hr),
        heart_rate_min=float(min(window_hr)) if window_hr else float("nan"),
        heart_rate_max=float(max(window_hr)) if window_hr else float("nan"),
        unusable_share=100.0 * counts.get("Q", 0) / labels.size if labels.size else 0.0,
        duration=float(duration if duration is not None else (t[-1] if t.size else 0.0)),
    )


def holter_summary_lines(summary, name="record"):
    """The summary as the lines ``sklearn-ecg predict`` prints.

    Parameters
    ----------
    summary : Bunch
        From :func:`holter_summary`.
    name : str, default="record"

    Returns
    -------
    lines : list of str
    """
    s = summary
    counts = ", ".join(f"{c} {n}" for c, n in sorted(s.counts.items()))
    return [
        f"{name}: {s.n_beats} beats in {s.duration / 60:.1f} min ({counts or 'none'})",
        f"  ectopic burden: S {s.s_burden:.2f} %, V {s.v_burden:.2f} %",
        f"  V: {s.v_couplets} couplets, {s.v_triplets} triplets, {s.v_runs} runs of 4+ "
        f"(longest {s.longest_v_run}); S: {s.s_couplets} couplets, {s.s_runs} runs of 3+ "
        f"(longest {s.longest_s_run})",
        f"  heart rate: mean {s.heart_rate_mean:.0f}, min {s.heart_rate_min:.0f}, "
        f"max {s.heart_rate_max:.0f} bpm (10-s windows); too noisy to classify: "
        f"{s.unusable_share:.1f} % of beats",
    ]


def write_holter_report(table, signal, fs, path, *, title=None):
    """Write a record's Holter summary, heart-rate trend and abnormal beats to one HTML file.

    The page holds the :func:`holter_summary` table, the heart rate of every
    beat over time coloured by its class, and a strip of signal around the
    first beat of each class other than N. The plots are PNG images embedded
    in the file.

    Parameters
    ----------
    table : pandas.DataFrame
        The record's beat table (``sample``, ``time_s``, ``class``).
    signal : array-like of shape (n_samples,) or (n_samples, n_leads)
        The record (the strips show its first lead).
    fs : float
    path : str or path-like
        The HTML file to write.
    title : str, default=None

    Returns
    -------
    summary : Bunch
        :func:`holter_summary` of ``table``.

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install "sklearn-ecg[plot]"``).
    """
    from pathlib import Path

    from ._base import check_matplotlib_support
    from ._report import _HTML_STYLE, _png_tag

    check_matplotlib_support("write_holter_report")
    from matplotlib.figure import Figure

    x = np.asarray(signal, dtype=float)
    lead = x if x.ndim == 1 else x[:, 0]
    summary = holter_summary(table, duration=lead.size / fs)
    title = title or Path(path).stem
    t = np.asarray(table["time_s"], dtype=float)
    labels = np.asarray(table["class"], dtype=object).astype(str)
    images = []
    fig = Figure(figsize=(10, 3))
    ax = fig.subplots()
    if t.size > 1:
        hr = np.full(t.size, np.nan)
        rr = np.diff(t)
        hr[1:] = np.where((rr > 0.2) & (rr < 3.0), 60.0 / np.maximum(rr, 1e-9), np.nan)
        for label in np.unique(labels):
            sel = labels == label
            ax.scatter(t[sel] / 60, hr[sel], s=4 if label == "N" else 10, label=label,
                       color=_CLASS_COLOURS.get(label, "black"))
        ax.legend(loc="upper right", markerscale=2)
    ax.set_xlabel("time (min)")
    ax.set_ylabel("heart rate (bpm)")
    ax.set_title("Heart rate of every beat, by class")
    images.append(_png_tag(fig, "heart-rate trend"))
    for label in [c for c in ("S", "V", "F", "Q") if c in labels]:
        i = int(np.flatnonzero(labels == label)[0])
        centre = int(table["sample"].iloc[i])
        lo, hi = max(centre - int(3 * fs), 0), min(centre + int(3 * fs), lead.size)
        fig = Figure(figsize=(10, 2))
        ax = fig.subplots()
        ax.plot(np.arange(lo, hi) / fs, lead[lo:hi], color="black", lw=0.8)
        near = (t * fs >= lo) & (t * fs < hi)
        for j in np.flatnonzero(near):
            ax.annotate(labels[j], (t[j], np.nanmax(lead[lo:hi])), ha="center",
                        color=_CLASS_COLOURS.get(labels[j], "black"))
        ax.axvline(t[i], color=_CLASS_COLOURS.get(label, "black"), alpha=0.4, lw=6)
        ax.set_xlabel("time (s)")
        ax.set_title(f"First {label} beat, at {t[i] / 60:.1f} min")
        images.append(_png_tag(fig, f"first {label} beat"))
        rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in [
            ("beats", f"{summary.n_beats} in {summary.duration / 60:.1f} min"),
            ("beats per class", ", ".join(f"{c} {n}" for c, n in sorted(summary.counts.items()))),
            ("S burden", f"{summary.s_burden:.2f} %"), ("V burden", f"{summary.v_burden:.2f} %"),
            ("V couplets / triplets / runs of 4+",
             f"{summary.v_couplets} / {summary.v_triplets} / {summary.v_runs} "
             f"(longest {summary.longest_v_run})"),
            ("S couplets / runs of 3+", f"{summary.s_couplets} / {summary.s_runs} "
             f"(longest {summary.longest_s_run})"),
            ("heart rate mean / min / max (bpm)",
             f"{summary.heart_rate_mean:.0f} / {summary.heart_rate_min:.0f} / "
             f"{summary.heart_rate_max:.0f}"),
            ("too noisy to classify", f"{summary.unusable_share:.1f} % of beats"),
        ]
    )
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_HTML_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<table>{rows}</table>{''.join(images)}"
        "<p>Beat classes from sklearn-ecg; research use only, not a medical device.</p>"
        "</body></html>"
    )
    Path(path).write_text(page, encoding="utf-8")
    return summary
