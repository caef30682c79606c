"""
=====================================================
Exploring the smart-garment jacket's recordings
=====================================================

A sensing jacket records five ECG channels (``ecg1`` ... ``ecg5``, in volts, at
500 Hz) while its wearer sits, walks and climbs stairs. Before any model sees
such data, look at it: :func:`~sklearn_ecg.inspection.signal_report` gives, for
each channel, the missing values, the range, the flat, saturated and outlying
samples and the heart rate its R peaks give; the displays of
:mod:`sklearn_ecg.inspection` draw the channels, the R peaks and what
:class:`~sklearn_ecg.OutlierFilter` does to them.

The example runs on the first 10 s of each recording, bundled with the package.
For the whole recordings, point ``SKLEARN_ECG_DATA`` at a data home and use
:func:`~sklearn_ecg.datasets.load_garment` instead of ``load_garment_sample``.
"""

import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen needed: the figures are written to files

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sklearn_ecg import OutlierFilter
from sklearn_ecg.datasets import GARMENT_ACTIVITIES, load_garment_sample
from sklearn_ecg.inspection import (
    RPeakDisplay,
    SignalDisplay,
    signal_report,
    write_html_report,
)
from sklearn_ecg.segmentation import detect_r_peaks

output = tempfile.TemporaryDirectory()
folder = Path(output.name)

# %%
# One report per recording
# ------------------------
# ``read_garment_csv`` (and the loaders built on it) put the sampling frequency
# in ``frame.attrs["fs"]``, so the report needs nothing else.
sitting = load_garment_sample("sitting")
print(f"sitting: {len(sitting)} rows x {sitting.shape[1]} channels at "
      f"{sitting.attrs['fs']:g} Hz")
report = signal_report(sitting)
print(report.to_string(float_format="{:.3g}".format))

# %%
# Sitting against moving
# ----------------------
# Sitting, every channel agrees on the heart rate. Walking fast and climbing
# stairs, motion artefacts tens to hundreds of times larger than the ECG swamp
# most channels, and the rates found in them disagree: a detector cannot be
# trusted there without cleaning first.
rows = {}
for activity in GARMENT_ACTIVITIES:
    rep = signal_report(load_garment_sample(activity))
    rows[activity] = {
        "std (mV), median": 1000 * rep["std"].median(),
        "max |x| (mV)": 1000 * np.maximum(-rep["min"], rep["max"]).max(),
        "outliers (%)": 100 * rep["outlier_share"].mean(),
        "heart rate, lowest": rep["heart_rate"].min(),
        "heart rate, highest": rep["heart_rate"].max(),
    }
print("\nOne row per 10-s recording (statistics over its five channels):")
print(pd.DataFrame(rows).T.round(1).to_string())

# %%
# The channels over time
# ----------------------
# A rolling mean over 0.2 s follows the baseline: when walking fast, it swings
# far more than the QRS complexes, except on ``ecg2``.
walking = load_garment_sample("walking_fast")
display = SignalDisplay.from_signal(
    walking, window=0.2, title="Walking fast: five channels, 0.2-s rolling mean"
)
display.figure_.savefig(folder / "channels.png")

# %%
# R peaks, sitting and walking
# ----------------------------
# The same detector on the same channel: regular beats when sitting, a detector
# chasing artefacts when walking fast.
figure, axes = plt.subplots(2, 1, figsize=(10, 5.5), layout="constrained")
for ax, (name, frame) in zip(axes, [("sitting", sitting), ("walking fast", walking)]):
    peaks = RPeakDisplay.from_signal(frame["ecg1"], ax=ax)
    ax.set_title(f"{name}, ecg1: {peaks.peaks_.get_xdata().size} R peaks "
                 "(fast_pan_tompkins)")
figure.savefig(folder / "r_peaks.png")

# %%
# What a 3-sigma outlier filter does to raw ECG
# ---------------------------------------------
# On a clean recording the samples more than three standard deviations from the
# mean are not artefacts: they are the R waves. Clipping them flattens every
# QRS complex. Filter beat features, or use ``method="robust"`` with a larger
# threshold, rather than clipping the raw signal.
fs = sitting.attrs["fs"]
flagged = OutlierFilter(threshold=3.0).fit(sitting).predict(sitting) == -1
near_r_peak = np.zeros(len(sitting), dtype=bool)
for channel in sitting:
    for peak in detect_r_peaks(sitting[channel].to_numpy(), fs):
        near_r_peak[max(0, peak - 25):peak + 25] = True  # +-50 ms
print(f"\nSitting: OutlierFilter flags {flagged.sum()} of {len(sitting)} rows; "
      f"{100 * (flagged & near_r_peak).sum() / flagged.sum():.0f}% of them lie within "
      "50 ms of an R peak.")
clipped = pd.DataFrame(OutlierFilter(threshold=3.0).fit_transform(sitting),
                       index=sitting.index, columns=sitting.columns)
clipped.attrs["fs"] = fs
first_3_s = slice(0, int(3 * fs))
raw = SignalDisplay.from_signal(
    sitting.iloc[first_3_s], channels=["ecg1", "ecg3"], signal_kw={"label": "raw"},
    title="Sitting: raw, and clipped at 3 standard deviations",
)
SignalDisplay.from_signal(
    clipped.iloc[first_3_s], channels=["ecg1", "ecg3"], ax=raw.axes_,
    signal_kw={"label": "clipped", "color": "C3"},
)
raw.figure_.savefig(folder / "outlier_filter.png")
plt.close("all")

# %%
# Everything in one HTML file
# ---------------------------
# ``write_html_report`` writes the table, the definition of each column and the
# plots, embedded, into one file that opens anywhere.
write_html_report(walking, folder / "walking_fast.html", title="Walking fast (10 s)")
print("\nWritten:", ", ".join(
    f"{path.name} ({path.stat().st_size // 1024} kB)"
    for path in sorted(folder.iterdir())
))
output.cleanup()
