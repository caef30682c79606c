"""Fields of a record, whatever holds them: a reader's Bunch, a dict or any object."""

_NO_DEFAULT = object()


def has_field(rec, name):
    """Whether a record (a Bunch, a dict or any object) has the field ``name``."""
    return (isinstance(rec, dict) and name in rec) or hasattr(rec, name)


def record_field(rec, name, default=_NO_DEFAULT):
    """A record's field ``name``; without ``default`` a missing field raises KeyError."""
    if isinstance(rec, dict) and name in rec:
        return rec[name]
    if hasattr(rec, name):
        return getattr(rec, name)
    if default is _NO_DEFAULT:
        raise KeyError(name)
    return default


def missing_fields(rec, names):
    """The fields of ``names`` a record lacks."""
    return [name for name in names if not has_field(rec, name)]
