"""100,000 jobs: the window loads them in the background, scrolls and sorts without freezing."""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication

from stegnox_gui.gui.job_model import COL_NAME
from stegnox_gui.steg_queue.job_queue import JobQueue

N = 100_000


class StallMeter:
    """A 10 ms QTimer on the GUI thread; the longest gap between ticks is the worst freeze."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.clock = QElapsedTimer()
        self.last = 0
        self.worst = 0
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.clock.start()
        self.last = 0
        self.worst = 0
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def stop(self) -> int:
        self.timer.stop()
        return self.worst


@pytest.mark.slow
def test_hundred_thousand_jobs_load_scroll_and_sort(qtbot, make_window, data_dir):
    q = JobQueue(data_dir)
    q.add_jobs([f"/evidence/batch{i // 1000:03d}/image{i:06d}.png" for i in range(N)])
    meter = StallMeter()
    t0 = time.perf_counter()
    w = make_window(queue=q, wait_loaded=False)
    meter.start()  # from the first shown window: rows arrive page by page while it stays live
    qtbot.waitUntil(lambda: w.model.rowCount() >= 2000, timeout=60_000)
    first_rows = time.perf_counter() - t0
    qtbot.waitUntil(lambda: w.model.rowCount() == N, timeout=60_000)
    load = time.perf_counter() - t0
    load_stall = meter.stop()

    # Scroll through the table as a user would: page by page, then jump to the end and back.
    bar = w.table.verticalScrollBar()
    steps = []
    for target in [*range(0, bar.maximum(), max(1, bar.maximum() // 40)), bar.maximum(), 0]:
        t = time.perf_counter()
        bar.setValue(target)
        QApplication.processEvents()
        w.table.viewport().repaint()
        steps.append(time.perf_counter() - t)
    worst_scroll = max(steps)

    t = time.perf_counter()
    w.table.horizontalHeader().setSortIndicator(COL_NAME, Qt.SortOrder.DescendingOrder)
    QApplication.processEvents()
    sort = time.perf_counter() - t
    assert w.model.row_at(0).name == f"image{N - 1:06d}.png"
    print(f"\n100k jobs: first rows after {first_rows:.2f} s, all loaded in {load:.2f} s "
          f"(longest GUI stall while loading {load_stall} ms), "
          f"worst scroll step {worst_scroll * 1000:.0f} ms, sort {sort * 1000:.0f} ms")
    # Generous bounds for a loaded 2-core machine; a per-row reload would be 10-100x over them.
    assert load < 45 and first_rows < load
    assert load_stall < 1000  # loading pages never freezes the window for long
    assert worst_scroll < 0.5
    assert sort < 5
