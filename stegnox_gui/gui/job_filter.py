"""Filtering of the job table: by status and by a search text (name, folder, summary, verdict, id).

Sorting is delegated to the source model (see job_model), which sorts its row list directly.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from stegnox_gui.gui.job_model import JobTableModel

# Status filter choices: label -> set of statuses (None = all).
STATUS_FILTERS: dict[str, frozenset[str] | None] = {
    "All jobs": None,
    "Active (pending + processing)": frozenset({"pending", "processing"}),
    "Pending": frozenset({"pending"}),
    "Processing": frozenset({"processing"}),
    "Completed": frozenset({"completed"}),
    "Hidden data found": frozenset({"completed:hidden_data"}),
    "Suspicious": frozenset({"completed:suspicious"}),
    "Failed": frozenset({"failed"}),
    "Cancelled": frozenset({"cancelled"}),
}


class JobFilterProxy(QSortFilterProxyModel):
    """Shows the rows whose status is in the chosen set and whose text contains every search word."""

    def __init__(self, source: JobTableModel, parent=None) -> None:
        super().__init__(parent)
        self._source = source
        self._statuses: frozenset[str] | None = None
        self._words: list[str] = []
        self.setSourceModel(source)

    def set_status_filter(self, statuses: frozenset[str] | None) -> None:
        self.beginFilterChange()
        self._statuses = statuses or None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_search_text(self, text: str) -> None:
        words = text.lower().split()
        if words != self._words:
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def active(self) -> bool:
        return self._statuses is not None or bool(self._words)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self._statuses is None and not self._words:
            return True
        row = self._source.row_at(source_row)
        if self._statuses is not None and row.status not in self._statuses \
                and f"{row.status}:{row.verdict}" not in self._statuses:
            return False
        return all(w in row.search for w in self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source.sort(column, order)

    def job_id(self, proxy_row: int) -> str:
        return self._source.job_id_at(self.mapToSource(self.index(proxy_row, 0)).row())
