"""Noise stress records as the MIT-BIH Noise Stress Test Database builds them.

A clean annotated record plus a recorded noise (baseline wander ``bw`` or muscle
artefact ``ma``) scaled to a chosen signal-to-noise ratio, switched on in
alternate two-minute stretches after the first five minutes: the annotations of the
clean record stay true, so detectors and quality estimators are scored where the
truth is known (Moody, Muldrow & Mark 1984).
"""

import numpy as np
from sklearn.utils import Bunch

from ..utils import check_fs, resample_rows
from ._base import _check_record_files, get_data_home, read_wfdb_header, read_wfdb_signals

NSTDB_URL = "https://physionet.org/content/nstdb/1.0.0/"
NSTDB_NOISES = ("bw", "ma", "em")
"""Noise records of the MIT-BIH Noise Stress Test Database: baseline wander, muscle
artefact and electrode motion."""


def read_nstdb_noise(name, data_home=None):
    """Read one noise record of the MIT-BIH Noise Stress Test Database.

    Parameters
    ----------
    name : {"bw", "ma", "em"}
        Baseline wander, muscle artefact or electrode motion, read from
        ``<data home>/nstdb-noise/<name>.hea`` and ``.dat``.
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home`.

    Returns
    -------
    noise : :class:`~sklearn.utils.Bunch`
        ``signal`` (ndarray of shape (n_samples, 2), mV), ``fs`` (360.0) and
        ``name``.
    """
    if name not in NSTDB_NOISES:
        raise ValueError(f"name must be one of {list(NSTDB_NOISES)}, got {name!r}")
    folder = get_data_home(data_home) / "nstdb-noise"
    _check_record_files(folder, name, what=f"noise record {name!r}", url=NSTDB_URL,
                        fetch=f"wfdb.dl_database('nstdb', {str(folder)!r}, records=[{name!r}])",
                        extensions=("hea", "dat"))
    path = str(folder / name)
    header = read_wfdb_header(path)
    signals = read_wfdb_signals(path)
    return Bunch(signal=np.asarray(signals.p_signal, dtype=np.float64), fs=float(header.fs), name=name)


def _trimmed_mean(values, share=0.05):
    values = np.sort(np.asarray(values, dtype=float))
    cut = int(share * values.size)
    kept = values[cut:values.size - cut] if values.size > 2 * cut else values
    return float(kept.mean()) if kept.size else float("nan")


def qrs_signal_power(signal, r_peaks, fs):
    """Signal power as NSTDB defines it: the squared QRS peak-to-peak amplitude / 8.

    The peak-to-peak amplitude of each beat is measured within 50 ms of its R
    peak; the largest and smallest 5 % are discarded and the rest averaged. A
    sine of that peak-to-peak amplitude has this power.

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
    r_peaks : array-like of int
        The annotated beats.
    fs : float
        Sampling frequency in Hz.

    Returns
    -------
    power : float
    """
    x = np.asarray(signal, dtype=float)
    fs = check_fs(fs)
    peaks = np.asarray(r_peaks, dtype=np.int64)
    half = max(1, round(0.05 * fs))
    peaks = peaks[(peaks >= half) & (peaks < x.size - half)]
    if peaks.size == 0:
        raise ValueError("r_peaks must hold at least one beat inside the signal to measure its amplitude")
    windows = np.lib.stride_tricks.sliding_window_view(x, 2 * half + 1)[peaks - half]
    return _trimmed_mean(np.ptp(windows, axis=1)) ** 2 / 8.0


def noise_power(noise, fs):
    """Noise power as NSTDB defines it: mean square in 1-s windows, mean removed, trimmed."""
    x = np.asarray(noise, dtype=float)
    n = max(1, round(fs))
    windows = x[: x.size // n * n].reshape(-1, n)
    if windows.size == 0:
        raise ValueError("noise must be at least one second long")
    return _trimmed_mean(windows.var(axis=1))


def noise_on_mask(n_samples, fs, *, start=300.0, period=120.0):
    """Samples where the noise is on: alternate stretches of ``period`` s from ``start`` s."""
    t = np.arange(n_samples) / fs
    return (t >= start) & (((t - start) // period) % 2 == 0)


def make_noise_stress_record(record, noise, snr, *, channel=0, offset=0.0, start=300.0, period=120.0):
    """Add a noise record to a clean annotated record at a signal-to-noise ratio.

    As the MIT-BIH Noise Stress Test Database does: the noise is scaled so that
    ``10 log10(S / N) = snr``, ``S`` from the QRS peak-to-peak amplitude
    (:func:`qrs_signal_power`) and ``N`` the noise's power
    (:func:`noise_power`), and added in alternate stretches of ``period``
    seconds from ``start`` seconds on (two minutes on, two off, after the
    first five minutes). The noise is resampled to the record's rate and
    repeated if it is shorter.

    Parameters
    ----------
    record : Bunch
        With ``signal`` (one lead, shape (n_samples,)), ``fs`` and ``r_peaks``,
        as :func:`read_mitdb_record` returns.
    noise : Bunch
        As :func:`read_nstdb_noise` returns.
    snr : float
        Signal-to-noise ratio in dB (NSTDB uses 24, 18, 12, 6, 0 and -6).
    channel : int, default=0
        The noise channel added.
    offset : float, default=0.0
        Seconds into the noise record where the added noise begins.
    start, period : float, default=300.0, 120.0
        When the noise first switches on, and the length of each on and off
        stretch, in seconds.

    Returns
    -------
    stressed : Bunch
        A copy of ``record`` whose ``signal`` holds the noise, with
        ``noise_on`` (bool per sample), ``snr`` and ``noise`` (its name).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.utils import Bunch
    >>> from sklearn_ecg.datasets import make_noise_stress_record
    >>> fs = 360.0
    >>> clean = np.zeros(int(600 * fs)); clean[::360] = 1.0
    >>> record = Bunch(signal=clean, fs=fs, r_peaks=np.arange(0, clean.size, 360))
    >>> noise = Bunch(signal=np.random.default_rng(0).normal(size=(clean.size, 2)), fs=fs, name="white")
    >>> stressed = make_noise_stress_record(record, noise, snr=0)
    >>> bool(np.allclose(stressed.signal[: int(300 * fs)], clean[: int(300 * fs)]))
    True
    """
    x = np.asarray(record.signal, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"record.signal must be one lead, a 1-D array, got shape {x.shape}")
    fs = check_fs(record.fs)
    if not np.isfinite(snr):
        raise ValueError(f"snr must be a finite number of dB, got {snr!r}")
    source = np.asarray(noise.signal, dtype=float)
    source = source[:, channel] if source.ndim == 2 else source
    skip = int(round(offset * noise.fs))
    source = np.roll(source, -skip)
    if noise.fs != fs:
        source = resample_rows(source[None, :], max(2, round(source.size * fs / noise.fs)))[0]
    reps = int(np.ceil(x.size / source.size))
    source = np.tile(source, reps)[: x.size]
    source = source - source.mean()
    scale = np.sqrt(qrs_signal_power(x, record.r_peaks, fs) / (noise_power(source, fs) * 10 ** (snr / 10)))
    on = noise_on_mask(x.size, fs, start=start, period=period)
    stressed = Bunch(**record)
    stressed.signal = x + scale * source * on
    stressed.noise_on = on
    stressed.snr = float(snr)
    stressed.noise = getattr(noise, "name", "noise")
    return stressed
