"""Where StegnoX keeps its data: the per-user data folder, or STEGNOX_DATA_DIR."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "StegnoX"


def default_data_dir() -> Path:
    """The per-user data folder (env STEGNOX_DATA_DIR overrides); never the install folder."""
    env = os.environ.get("STEGNOX_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resources_dir() -> Path:
    """The project's `resources/` folder, in a source checkout or inside a frozen build."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
