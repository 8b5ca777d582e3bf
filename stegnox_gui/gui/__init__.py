"""The desktop app (PySide6): main window, job table, workers bridge, results and reports."""
