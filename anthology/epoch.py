"""The build's time: SOURCE_DATE_EPOCH when set (reproducible builds), else now; read in this one place."""

from __future__ import annotations

import datetime as dt
import os


def build_epoch() -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value and value.strip().isdigit():
        return int(value)
    return int(dt.datetime.now(dt.UTC).timestamp())


def epoch_key() -> str:
    """What of the build time reaches the outputs' cache key: SOURCE_DATE_EPOCH when set, else the
    day (a rebuild of an unchanged book on the same day keeps the first build's timestamps)."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value and value.strip().isdigit():
        return value.strip()
    return dt.datetime.now(dt.UTC).date().isoformat()
