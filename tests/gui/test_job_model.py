"""The job table model: incremental updates, removal, sorting, filtering, checked by qtmodeltester."""
import time

from PySide6.QtCore import Qt

from stegnox_gui.gui.job_filter import STATUS_FILTERS, JobFilterProxy
from stegnox_gui.gui.job_model import COL_NAME, COL_PRIORITY, COL_SCORE, COL_STATUS, COL_VERDICT, JobTableModel
from stegnox_gui.gui.job_rows import JobRow
from stegnox_gui.gui.stats_panel import BatchTracker


def job(i, status="pending", priority="normal", verdict=None, score=None, message=None, folder="/cases/a"):
    return {"job_id": f"job-{i}", "image_path": f"{folder}/img{i:03d}.png", "priority": priority,
            "status": status, "verdict": verdict, "score": score, "message": message, "error": None,
            "created_at": f"2026-12-03T10:{i // 60 % 60:02d}:{i % 60:02d}.000Z", "completed_at": None, "seq": i}


def rows(*jobs):
    return [JobRow(j) for j in jobs]


def test_model_passes_qtmodeltester_through_inserts_updates_removals(qtmodeltester):
    model = JobTableModel()
    qtmodeltester.check(model, force_py=True)
    model.apply(rows(*(job(i) for i in range(20))))
    model.apply(rows(job(3, "completed", verdict="hidden_data", score=0.97, message="Text after IEND")))
    model.apply([], ["job-5", "job-6", "job-10"])
    model.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    model.apply(rows(job(100), job(101, "processing")))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 19
    row = model.row_of("job-3")
    assert model.index(row, COL_STATUS).data() == "Completed"
    assert model.index(row, COL_VERDICT).data() == "Hidden data"
    assert model.index(row, COL_SCORE).data() == "0.97"
    assert model.row_of("job-5") is None
    # The index stays consistent with the row order after every operation.
    assert all(model.row_of(model.job_id_at(r)) == r for r in range(model.rowCount()))


def test_updates_emit_data_changed_not_reset(qtbot):
    model = JobTableModel()
    model.apply(rows(*(job(i) for i in range(10))))
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.apply(rows(job(4, "processing")))
    top, bottom = blocker.args[0], blocker.args[1]
    assert top.row() == bottom.row() == 4
    assert resets == []


def test_sorting_keeps_new_rows_in_order_and_selection_follows(qtbot):
    model = JobTableModel()
    model.apply(rows(job(1, priority="low"), job(2, priority="high"), job(3)))
    model.sort(COL_PRIORITY, Qt.SortOrder.AscendingOrder)
    assert [model.row_at(r).priority for r in range(3)] == ["high", "normal", "low"]
    model.apply(rows(job(4, priority="high")))  # inserted at its sorted place
    assert [model.row_at(r).job_id for r in range(4)] == ["job-2", "job-4", "job-3", "job-1"]
    model.sort(COL_PRIORITY, Qt.SortOrder.DescendingOrder)
    assert [model.row_at(r).priority for r in range(4)] == ["low", "normal", "high", "high"]


def test_status_and_search_filter(qtmodeltester):
    model = JobTableModel()
    model.apply(rows(job(1), job(2, "completed", verdict="hidden_data", message="zip archive after IEND"),
                     job(3, "failed"), job(4, "completed", verdict="clean", folder="/other")))
    proxy = JobFilterProxy(model)
    proxy.set_status_filter(STATUS_FILTERS["Completed"])
    assert proxy.rowCount() == 2
    proxy.set_status_filter(STATUS_FILTERS["Hidden data found"])
    assert proxy.rowCount() == 1 and proxy.job_id(0) == "job-2"
    proxy.set_status_filter(None)
    proxy.set_search_text("ZIP iend")
    assert proxy.rowCount() == 1
    proxy.set_search_text("/other")
    assert proxy.rowCount() == 1 and proxy.job_id(0) == "job-4"
    qtmodeltester.check(proxy, force_py=True)


def test_hundred_thousand_rows_apply_and_sort_quickly(qtbot):
    batch = rows(*(job(i) for i in range(100_000)))
    model = JobTableModel()
    t0 = time.perf_counter()
    model.apply(batch)
    insert = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.apply(rows(*(job(i, "completed", verdict="clean") for i in range(0, 100_000, 97))))
    update = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    sort = time.perf_counter() - t0
    print(f"100k rows: insert {insert*1000:.0f} ms, 1031 updates {update*1000:.0f} ms, sort {sort*1000:.0f} ms")
    assert model.rowCount() == 100_000
    # Generous bounds: these are tens of milliseconds here; seconds would mean a per-row Qt reset.
    assert insert < 2.0 and update < 2.0 and sort < 3.0


def test_batch_tracker_counts_a_batch():
    clock = [0.0]
    b = BatchTracker(clock=lambda: clock[0])
    b.update({"pending": 0, "completed": 7})
    assert not b.active
    clock[0] = 1
    b.update({"pending": 50, "completed": 7})
    clock[0] = 11
    b.update({"pending": 30, "processing": 1, "completed": 26})
    assert (b.done, b.total) == (19, 50)
    assert abs(b.rate - 1.9) < 1e-9
    assert abs(b.eta - 31 / 1.9) < 1e-9
    clock[0] = 21
    b.update({"pending": 0, "processing": 0, "completed": 57})
    assert not b.active and (b.done, b.total) == (50, 50)


def test_live_progress_shows_in_status_and_survives_feed_updates(qtbot):
    model = JobTableModel()
    model.apply(rows(job(1, "processing")))
    with qtbot.waitSignal(model.dataChanged):
        model.set_progress("job-1", 0.45, "lsb")
    assert model.index(0, COL_STATUS).data() == "Processing 45%"
    assert "lsb" in model.index(0, 6).data()
    model.apply(rows(job(1, "processing")))  # a lease renewal re-sends the job
    assert model.index(0, COL_STATUS).data() == "Processing 45%"
    model.apply(rows(job(1, "completed", verdict="clean", message="Nothing hidden found")))
    assert model.index(0, COL_STATUS).data() == "Completed"
    assert model.index(0, 6).data() == "Nothing hidden found"
