"""Report exports of analysed jobs (JSON, CSV, self-contained HTML). No Qt here."""
from stegnox_gui.reports.export import FORMATS, export_jobs

__all__ = ["FORMATS", "export_jobs"]
