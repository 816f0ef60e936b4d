"""DataFrames from the columns the native module builds. pandas is an optional extra."""

from __future__ import annotations

from typing import Any, List, Tuple

_HINT = (
    "chamdiem's to_pandas() needs pandas, which is an optional extra: "
    "install it with  pip install 'chamdiem[pandas]'  (or  pip install pandas)"
)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - exercised by a test that hides pandas
        raise ImportError(_HINT, name="pandas") from e
    return pandas


def make_frame(columns: List[Tuple[str, str, Any]]) -> Any:
    """Builds a DataFrame from ``(name, kind, data)`` columns.

    Kinds: ``str`` (list of str or None), ``int``, ``bool``, ``time_ms`` (milliseconds since
    the epoch, UTC), ``decimal`` (list of Decimal or None, kept as objects) and ``f64le``
    (little-endian float64 bytes, NaN for missing).
    """
    pd = _pandas()
    import numpy as np

    data = {}
    for name, kind, values in columns:
        if kind == "f64le":
            data[name] = np.frombuffer(values, dtype="<f8").copy()
        elif kind == "time_ms":
            data[name] = pd.to_datetime(np.asarray(values, dtype="int64"), unit="ms", utc=True)
        elif kind == "int":
            data[name] = np.asarray(values, dtype="int64")
        elif kind == "bool":
            data[name] = np.asarray(values, dtype="bool")
        elif kind == "decimal":
            data[name] = pd.Series(values, dtype="object")
        else:
            data[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(data)
