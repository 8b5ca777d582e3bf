"""The job table model: rows kept in a list plus a job-id index, updated incrementally.

The change feed hands over batches of changed rows and removed ids; the model turns them into
minimal insert/remove/dataChanged signals, never a reset per tick. Sorting happens here (a Python
sort of the row list with precomputed keys) because a proxy sorting 100,000 rows through data()
calls would freeze the window; rows that change keep their place until the next sort, and new rows
are inserted at their sorted place.
"""
from __future__ import annotations

import bisect
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from stegnox_gui.gui.job_rows import PRIORITY_RANK, STATUS_RANK, VERDICT_RANK, JobRow

COLUMNS = ("Name", "Folder", "Priority", "Status", "Verdict", "Score", "Summary", "Created", "Finished")
COL_NAME, COL_FOLDER, COL_PRIORITY, COL_STATUS, COL_VERDICT, COL_SCORE, COL_SUMMARY, COL_CREATED, COL_FINISHED = range(9)

JOB_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
VERDICT_ROLE = Qt.ItemDataRole.UserRole + 3
ROW_ROLE = Qt.ItemDataRole.UserRole + 4

# A full re-sort is cheaper than this many single sorted inserts.
_BULK_INSERT = 200

_TOOLTIPS = {
    COL_NAME: "Image file name",
    COL_FOLDER: "Folder of the image",
    COL_PRIORITY: "High jobs run before Normal, Normal before Low",
    COL_STATUS: "pending → processing → completed / failed / cancelled",
    COL_VERDICT: "Clean, Suspicious or Hidden data",
    COL_SCORE: "How sure the engine is that data is hidden (0 to 1)",
    COL_SUMMARY: "The verdict's message, or the error",
    COL_CREATED: "When the job was added (local time)",
    COL_FINISHED: "When the job finished (local time)",
}


def _sort_key(column: int) -> Callable[[JobRow], Any]:
    if column == COL_NAME:
        return lambda r: (r.name.lower(), r.seq)
    if column == COL_FOLDER:
        return lambda r: (r.folder.lower(), r.name.lower(), r.seq)
    if column == COL_PRIORITY:
        return lambda r: (-PRIORITY_RANK.get(r.priority, 0), r.seq)
    if column == COL_STATUS:
        return lambda r: (STATUS_RANK.get(r.status, 9), r.seq)
    if column == COL_VERDICT:
        return lambda r: (VERDICT_RANK.get(r.verdict or "", 9), r.seq)
    if column == COL_SCORE:
        return lambda r: (r.score if r.score is not None else -1.0, r.seq)
    if column == COL_SUMMARY:
        return lambda r: (r.summary.lower(), r.seq)
    if column == COL_FINISHED:
        return lambda r: (r.finished_iso or "~", r.seq)
    return lambda r: (r.created_iso, r.seq)


class _Desc:
    """Reverses comparisons, so bisect works on a list sorted in descending order."""

    __slots__ = ("k",)

    def __init__(self, k: Any) -> None:
        self.k = k

    def __lt__(self, other: "_Desc") -> bool:
        return other.k < self.k


class JobTableModel(QAbstractTableModel):
    """Read-only table of jobs. Use apply() with rows from the change feed."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[JobRow] = []
        self._index: dict[str, int] = {}
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # --- Qt model interface -------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return _TOOLTIPS.get(section)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = index.row()
        if r >= len(self._rows):
            return None
        row = self._rows[r]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_NAME:
                return row.path
            if col == COL_SUMMARY:
                return row.summary or None
            return self._display(row, col) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == COL_SCORE:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == JOB_ID_ROLE:
            return row.job_id
        if role == STATUS_ROLE:
            return row.status
        if role == VERDICT_ROLE:
            return row.verdict
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[col]}: {self._display(row, col)}"
        return None

    @staticmethod
    def _display(row: JobRow, col: int) -> str:
        if col == COL_NAME:
            return row.name
        if col == COL_FOLDER:
            return row.folder
        if col == COL_PRIORITY:
            return row.priority.capitalize()
        if col == COL_STATUS:
            if row.status == "processing" and row.progress is not None:
                return f"Processing {row.progress:.0%}"
            return row.status.capitalize()
        if col == COL_VERDICT:
            return row.verdict_label
        if col == COL_SCORE:
            return f"{row.score:.2f}" if row.score is not None else ""
        if col == COL_SUMMARY:
            if row.status == "processing" and row.method:
                return f"Analysing… ({row.method} done)"
            return row.summary
        if col == COL_CREATED:
            return row.created
        if col == COL_FINISHED:
            return row.finished
        return ""

    # --- lookups --------------------------------------------------------------------------------
    def row_of(self, job_id: str) -> int | None:
        return self._index.get(job_id)

    def row_at(self, row: int) -> JobRow:
        return self._rows[row]

    def job_id_at(self, row: int) -> str:
        return self._rows[row].job_id

    def rows(self) -> list[JobRow]:
        """The rows in model order (read-only view for stats and tests)."""
        return self._rows

    # --- updates --------------------------------------------------------------------------------
    def apply(self, changed: list[JobRow], removed: list[str] = ()) -> None:
        """Apply one batch from the change feed: updates in place, inserts, removals."""
        if removed:
            self._remove(removed)
        updated: list[int] = []
        new: list[JobRow] = []
        seen_new: dict[str, int] = {}
        for row in changed:
            at = self._index.get(row.job_id)
            if at is not None:
                old = self._rows[at]
                if row.status == "processing" and old.status == "processing":
                    row.progress, row.method = old.progress, old.method
                self._rows[at] = row
                updated.append(at)
            elif row.job_id in seen_new:
                new[seen_new[row.job_id]] = row  # the same job twice in one batch: keep the last
            else:
                seen_new[row.job_id] = len(new)
                new.append(row)
        if updated:
            self._emit_changed(updated)
        if new:
            self._insert(new)

    def _emit_changed(self, rows: list[int]) -> None:
        rows = sorted(set(rows))
        last = len(COLUMNS) - 1
        start = prev = rows[0]
        for r in rows[1:]:
            if r != prev + 1:
                self.dataChanged.emit(self.index(start, 0), self.index(prev, last))
                start = r
            prev = r
        self.dataChanged.emit(self.index(start, 0), self.index(prev, last))

    def _insert(self, new: list[JobRow]) -> None:
        if self._sort_column < 0:
            new.sort(key=lambda r: r.seq)  # the feed orders by revision; unsorted means oldest first
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            for i, row in enumerate(new, first):
                self._index[row.job_id] = i
            self.endInsertRows()
            return
        if len(new) > _BULK_INSERT:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            self.endInsertRows()
            self._reindex(first)
            self.sort(self._sort_column, self._sort_order)
            return
        keyfn = _sort_key(self._sort_column)
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            key = lambda r: _Desc(keyfn(r))  # noqa: E731
        else:
            key = keyfn
        lowest = len(self._rows)
        for row in new:
            pos = bisect.bisect_right(self._rows, key(row), key=key)
            self.beginInsertRows(QModelIndex(), pos, pos)
            self._rows.insert(pos, row)
            self.endInsertRows()
            lowest = min(lowest, pos)
        self._reindex(lowest)

    def _remove(self, job_ids: list[str]) -> None:
        rows = sorted({self._index[j] for j in job_ids if j in self._index}, reverse=True)
        if not rows:
            return
        end = start = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and r == start - 1:
                start = r
                continue
            self.beginRemoveRows(QModelIndex(), start, end)
            for row in self._rows[start:end + 1]:
                self._index.pop(row.job_id, None)
            del self._rows[start:end + 1]
            self.endRemoveRows()
            if r is not None:
                end = start = r
        self._reindex(rows[-1])

    def _reindex(self, first: int = 0) -> None:
        index = self._index
        for i in range(first, len(self._rows)):
            index[self._rows[i].job_id] = i

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._index = {}
        self.endResetModel()

    def set_progress(self, job_id: str, fraction: float, method: str) -> None:
        """Live progress of a running job (from the workers), shown in its Status and Summary."""
        at = self._index.get(job_id)
        if at is None:
            return
        row = self._rows[at]
        row.progress, row.method = max(0.0, min(1.0, fraction)), method
        self.dataChanged.emit(self.index(at, COL_STATUS), self.index(at, COL_SUMMARY))

    # --- sorting --------------------------------------------------------------------------------
    @property
    def sort_column(self) -> int:
        return self._sort_column

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort rows by a column (stable; ties in insertion order). Selections follow their rows."""
        if not 0 <= column < len(COLUMNS):
            self._sort_column = -1
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [(self._rows[p.row()].job_id, p.column()) if p.row() < len(self._rows) else None
               for p in persistent]
        self._rows.sort(key=_sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        self._reindex(0)
        if persistent:
            new = [self.index(self._index[i[0]], i[1]) if i else QModelIndex() for i in ids]
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()
