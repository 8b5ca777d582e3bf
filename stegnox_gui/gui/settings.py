"""Typed access to the app's persisted settings (QSettings), with defaults in one place."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from stegnox_gui.paths import default_data_dir

PRIORITIES = ("high", "normal", "low")
DEFAULT_TIME_LIMIT = 120.0
DEFAULT_PIXEL_LIMIT = 100_000_000
DEFAULT_RETENTION_DAYS = 30


def default_workers() -> int:
    """One worker per core: analyses run in separate processes, so cores are the limit."""
    return max(1, os.cpu_count() or 1)


class AppSettings:
    """Workers, default priority, data folder, limits, retention, last folders, window layout.

    Pass a QSettings to use another store (tests use an INI file in a temporary folder).
    """

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings()

    def _get(self, key: str, default, kind):
        value = self.store.value(key, default)
        try:
            return kind(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    @property
    def workers(self) -> int:
        return max(1, min(64, self._get("processing/workers", default_workers(), int)))

    @workers.setter
    def workers(self, value: int) -> None:
        self.store.setValue("processing/workers", max(1, min(64, int(value))))

    @property
    def default_priority(self) -> str:
        value = str(self._get("processing/default_priority", "normal", str)).lower()
        return value if value in PRIORITIES else "normal"

    @default_priority.setter
    def default_priority(self, value: str) -> None:
        value = str(value).lower()
        if value not in PRIORITIES:
            raise ValueError(f"Unknown priority {value!r}; use one of {', '.join(PRIORITIES)}")
        self.store.setValue("processing/default_priority", value)

    @property
    def time_limit(self) -> float:
        return max(1.0, self._get("processing/time_limit", DEFAULT_TIME_LIMIT, float))

    @time_limit.setter
    def time_limit(self, value: float) -> None:
        self.store.setValue("processing/time_limit", max(1.0, float(value)))

    @property
    def pixel_limit(self) -> int:
        return max(1, self._get("processing/pixel_limit", DEFAULT_PIXEL_LIMIT, int))

    @pixel_limit.setter
    def pixel_limit(self, value: int) -> None:
        self.store.setValue("processing/pixel_limit", max(1, int(value)))

    @property
    def retention_days(self) -> int:
        """Finished jobs older than this are removed (0 keeps everything)."""
        return max(0, self._get("storage/retention_days", DEFAULT_RETENTION_DAYS, int))

    @retention_days.setter
    def retention_days(self, value: int) -> None:
        self.store.setValue("storage/retention_days", max(0, int(value)))

    @property
    def wordlist(self) -> str:
        """A file of passphrases to try on steghide and OutGuess before the built-in common passwords ('' for none)."""
        return self._get("processing/wordlist", "", str)

    @wordlist.setter
    def wordlist(self, value: str | Path | None) -> None:
        self.store.setValue("processing/wordlist", str(value) if value else "")

    def engine_options(self) -> dict:
        """What the engine processes are given: the word list, when it exists."""
        path = Path(self.wordlist).expanduser() if self.wordlist else None
        return {"wordlists": [str(path)] if path is not None and path.is_file() else []}

    @property
    def data_dir(self) -> Path:
        value = self._get("storage/data_dir", "", str)
        return Path(value).expanduser() if value else default_data_dir()

    @data_dir.setter
    def data_dir(self, value: str | Path | None) -> None:
        self.store.setValue("storage/data_dir", str(value) if value else "")

    @property
    def last_image_folder(self) -> str:
        return self._get("ui/last_image_folder", "", str)

    @last_image_folder.setter
    def last_image_folder(self, value: str) -> None:
        self.store.setValue("ui/last_image_folder", str(value))

    @property
    def last_export_folder(self) -> str:
        return self._get("ui/last_export_folder", "", str)

    @last_export_folder.setter
    def last_export_folder(self, value: str) -> None:
        self.store.setValue("ui/last_export_folder", str(value))

    def window_state(self, name: str) -> QByteArray | None:
        """A saved geometry/state blob (window geometry, splitter, header), or None."""
        value = self.store.value(f"ui/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_window_state(self, name: str, blob: QByteArray) -> None:
        self.store.setValue(f"ui/{name}", blob)

    def sync(self) -> None:
        self.store.sync()
