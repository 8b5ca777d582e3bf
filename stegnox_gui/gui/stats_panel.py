"""The stats strip: counts by status and priority, throughput, elapsed, ETA, and batch progress.

A batch starts when work appears while the queue was idle and ends when nothing is pending or
processing; its progress is counted from the finished-job counts, so it needs no per-job tracking.
"""
from __future__ import annotations

import time
from typing import Any, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from stegnox_gui.gui.badge_delegate import STATUS_COLOURS

STATUSES = ("pending", "processing", "completed", "failed", "cancelled")
FINISHED = ("completed", "failed", "cancelled")


def format_duration(seconds: float | None) -> str:
    """'1:02:03', '2:05' or '–' for unknown."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def status_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """Counts per status from get_queue_stats(), whether nested under 'by_status' or top-level."""
    nested = stats.get("by_status") or stats.get("counts") or stats.get("status") or {}
    out = {}
    for s in STATUSES:
        value = nested.get(s, stats.get(s, 0)) if isinstance(nested, Mapping) else stats.get(s, 0)
        out[s] = int(value or 0)
    return out


def pending_by_priority(stats: Mapping[str, Any]) -> dict[str, int]:
    nested = stats.get("pending_by_priority") or stats.get("pending_per_priority") or {}
    return {p: int(nested.get(p, 0) or 0) for p in ("high", "normal", "low")}


class BatchTracker:
    """Progress of the current batch from successive status counts (no Qt; unit-tested)."""

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self.active = False
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self._done_base = 0
        self.done = 0
        self.total = 0

    def update(self, counts: Mapping[str, int], now: float | None = None) -> None:
        now = self.clock() if now is None else now
        open_work = counts.get("pending", 0) + counts.get("processing", 0)
        finished = sum(counts.get(s, 0) for s in FINISHED)
        if open_work and not self.active:
            self.active, self.started_at, self.ended_at = True, now, None
            self._done_base = finished
        if self.active:
            # Removing finished jobs lowers `finished`; never count below the start.
            self._done_base = min(self._done_base, finished)
            self.done = finished - self._done_base
            self.total = self.done + open_work
            if not open_work:
                self.active, self.ended_at = False, now

    @property
    def elapsed(self) -> float | None:
        if self.started_at is None:
            return None
        return (self.ended_at if self.ended_at is not None else self.clock()) - self.started_at

    @property
    def rate(self) -> float | None:
        """Jobs per second in this batch, once at least one finished."""
        elapsed = self.elapsed
        if not self.done or not elapsed:
            return None
        return self.done / elapsed

    @property
    def eta(self) -> float | None:
        rate = self.rate
        if not self.active or rate is None:
            return None
        return (self.total - self.done) / rate


class _CountLabel(QLabel):
    """A status count that filters the table when clicked (or activated with Enter/Space)."""

    clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class StatsPanel(QFrame):
    """Counts, throughput, times and batch progress; update_stats() with get_queue_stats() output.
    Clicking a status count emits `status_clicked(status)`."""

    status_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsPanel")
        self.setAccessibleName("Queue statistics")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.batch = BatchTracker()
        # Two rows, so the window stays usable at ~700 px wide: counts on top, progress below.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 6, 10, 6)
        outer.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(14)
        bottom = QHBoxLayout()
        bottom.setSpacing(14)
        outer.addLayout(top)
        outer.addLayout(bottom)
        self.count_labels: dict[str, QLabel] = {}
        for s in STATUSES:
            label = _CountLabel()
            label.clicked.connect(lambda s=s: self.status_clicked.emit(s))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setToolTip(f"Jobs that are {s}: click to show only them, click again to show all")
            label.setAccessibleName(f"{s.capitalize()} jobs")
            self.count_labels[s] = label
            top.addWidget(label)
        top.addStretch(1)
        self.priority_label = QLabel()
        self.priority_label.setToolTip("Pending jobs by priority")
        self.priority_label.setAccessibleName("Pending jobs by priority")
        top.addWidget(self.priority_label)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Batch progress")
        self.progress.setToolTip("Jobs finished in the current batch")
        self.progress.setMinimumWidth(160)
        self.progress.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.progress.setTextVisible(True)
        bottom.addWidget(self.progress, 1)
        self.rate_label = QLabel()
        self.rate_label.setToolTip("Jobs finished per minute in the current batch")
        self.rate_label.setAccessibleName("Throughput")
        bottom.addWidget(self.rate_label)
        bottom.addWidget(self._separator())
        self.time_label = QLabel()
        self.time_label.setToolTip("Time since the batch started, and estimated time to finish the pending work")
        self.time_label.setAccessibleName("Elapsed time and estimate")
        bottom.addWidget(self.time_label)
        self.counts = {s: 0 for s in STATUSES}
        self.update_stats({})

    @staticmethod
    def _separator() -> QFrame:
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        return line

    def update_stats(self, stats: Mapping[str, Any]) -> None:
        self.counts = status_counts(stats)
        self.batch.update(self.counts)
        for s, label in self.count_labels.items():
            label.setText(f'<span style="color:{STATUS_COLOURS[s]}">●</span> {s.capitalize()} '
                          f"<b>{self.counts[s]:,}</b>")
        prio = pending_by_priority(stats)
        self.priority_label.setText(f"Waiting: High {prio['high']:,} · Normal {prio['normal']:,} · Low {prio['low']:,}")
        self.refresh_times()

    def refresh_times(self) -> None:
        b = self.batch
        rate = b.rate
        self.rate_label.setText(f"{rate * 60:.1f} jobs/min" if rate else "– jobs/min")
        self.time_label.setText(f"Elapsed {format_duration(b.elapsed)} · ETA {format_duration(b.eta) if b.active else '–'}")
        total = max(b.total, 0)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(b.done, max(total, 1)) if total else 0)
        self.progress.setFormat(f"{b.done:,}/{total:,} completed" if total else "No batch")
