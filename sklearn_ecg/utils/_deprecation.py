"""Renamed names kept working for a release: fields, keywords and parameters.

One message for every rename, in scikit-learn's words, and three ways to keep an old
name alive: :class:`RenamedFieldsBunch` (a record whose old field names still read),
:func:`renamed_kwargs` (a function whose old keywords still work) and
:func:`renamed_param` (an estimator parameter, resolved where ``fit`` reads it).
"""

import functools
import warnings

from sklearn.utils import Bunch

from ._vocabulary import RENAMED_RECORD_FIELDS

RENAMED_IN = "0.2"
REMOVED_IN = "0.4"

_NO_DEFAULT = object()


def renamed_message(old, new):
    """The FutureWarning of a rename: "`old` was renamed to `new` in 0.2 and will be removed in 0.4"."""
    return f"`{old}` was renamed to `{new}` in {RENAMED_IN} and will be removed in {REMOVED_IN}"


class RenamedFieldsBunch(Bunch):
    """A Bunch whose old field names, listed in ``_renamed_fields``, still read with a warning.

    Only the new names are stored (``keys()``, iteration, copies and pickles hold
    them alone); an old name reads, writes and deletes the new field and warns,
    by key (``rec["patient"]``), attribute (``rec.patient``) or ``get``, and
    ``"patient" in rec`` is still true.
    """

    _renamed_fields: dict = {}  # old name -> new name

    def _resolve(self, key, stacklevel):
        new = self._renamed_fields.get(key) if isinstance(key, str) else None
        if new is None:
            return key
        warnings.warn(renamed_message(key, new), FutureWarning, stacklevel=stacklevel + 1)
        return new

    def __getitem__(self, key):
        return super().__getitem__(self._resolve(key, 2))

    def __getattr__(self, key):
        try:
            return super().__getitem__(self._resolve(key, 2))
        except KeyError:
            raise AttributeError(key) from None

    def __setitem__(self, key, value):
        super().__setitem__(self._resolve(key, 2), value)

    def __setattr__(self, key, value):
        super().__setitem__(self._resolve(key, 2), value)

    def __delitem__(self, key):
        super().__delitem__(self._resolve(key, 2))

    def __delattr__(self, key):
        try:
            super().__delitem__(self._resolve(key, 2))
        except KeyError:
            raise AttributeError(key) from None

    def __contains__(self, key):
        new = self._renamed_fields.get(key) if isinstance(key, str) else None
        return super().__contains__(key if new is None else new)

    def get(self, key, default=None):
        key = self._resolve(key, 2)
        return super().get(key, default)


def renamed_kwargs(**renames):
    """Decorate a function so that each ``old=new`` keyword still works, with a FutureWarning.

    Passing both the old and the new keyword raises a TypeError, as Python does for
    a keyword given twice.
    """

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{func.__name__}() got both `{old}` and `{new}`; `{old}` was renamed "
                            f"to `{new}` in {RENAMED_IN}: pass only `{new}`"
                        )
                    warnings.warn(renamed_message(old, new), FutureWarning, stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper

    return decorator


def renamed_param(estimator, old, new, *, default=None, stacklevel=3):
    """The value of a renamed estimator parameter, scikit-learn's way.

    The old parameter defaults to ``"deprecated"``; set, it warns and gives its
    value, unless the new one is set too (not ``default``), which is an error.
    """
    old_value, new_value = getattr(estimator, old), getattr(estimator, new)
    if isinstance(old_value, str) and old_value == "deprecated":
        return new_value
    if new_value is not default:
        raise ValueError(
            f"{type(estimator).__name__} got both {old}={old_value!r} and {new}={new_value!r}; "
            f"`{old}` was renamed to `{new}` in {RENAMED_IN}: set only {new}"
        )
    warnings.warn(renamed_message(old, new), FutureWarning, stacklevel=stacklevel)
    return old_value


def renamed_state(state, old, new, *, fitted=None):
    """The ``__setstate__`` state of an estimator pickled before a parameter was renamed.

    The old parameter's value moves to the new one (the old one becomes
    ``"deprecated"``), and each old fitted attribute of ``fitted`` (old -> new)
    to its new name, so that a model saved before the rename loads and works
    without warning.
    """
    if new in state and not any(o in state for o in fitted or ()):
        return state
    state = dict(state)
    if new not in state:
        state[new] = state.get(old, None)
        state[old] = "deprecated"
    for old_attr, new_attr in (fitted or {}).items():
        if old_attr in state:
            state.setdefault(new_attr, state.pop(old_attr))
    return state


def has_field(rec, name):
    """Whether a record (a Bunch, a dict or any object) has the field ``name``."""
    return (isinstance(rec, dict) and name in rec) or hasattr(rec, name)


def record_field(rec, name, where, default=_NO_DEFAULT):
    """A record's field by its shared name, or by its name before 0.2 with a FutureWarning.

    Records of the readers answer the shared name; a record built by hand with an
    old name (``patient``, ``person``, ``beat_samples``, ``channel``) still serves.
    ``where`` names the record in the warning; without ``default`` a missing
    field raises KeyError.
    """
    if has_field(rec, name):
        return rec[name] if isinstance(rec, dict) and name in rec else getattr(rec, name)
    # A reader's record answers its old names as aliases of the (missing) new one.
    if not isinstance(rec, RenamedFieldsBunch):
        for old, new in RENAMED_RECORD_FIELDS.items():
            if new == name and has_field(rec, old):
                warnings.warn(f"{where}: {renamed_message(old, new)}", FutureWarning, stacklevel=3)
                return rec[old] if isinstance(rec, dict) and old in rec else getattr(rec, old)
    if default is _NO_DEFAULT:
        raise KeyError(name)
    return default


def missing_fields(rec, names):
    """The fields of ``names`` a record lacks, under its shared and its old names."""
    old = {new: [o for o, n in RENAMED_RECORD_FIELDS.items() if n == new] for new in names}
    return [name for name in names if not has_field(rec, name) and not (
        not isinstance(rec, RenamedFieldsBunch) and any(has_field(rec, o) for o in old[name]))]
