"""The main window without workers: dropping, adding, pasting, priority change, cancel, retry,
remove, filters, restart over the same data folder, and the close question."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from stegnox_gui.gui.dialogs import CLOSE_CANCEL
from stegnox_gui.gui.job_model import COL_PRIORITY, COL_STATUS
from stegnox_gui.steg_queue.job_queue import JobQueue


def _drop(qtbot, widget, paths):
    mime = QMimeData()  # kept in a variable: the events do not own it
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPoint(widget.width() // 2, widget.height() // 2)
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()
    return mime


def _wait_rows(qtbot, w, n):
    qtbot.waitUntil(lambda: w.model.rowCount() == n, timeout=10_000)


def test_dropping_files_and_a_folder_on_the_window_and_the_drop_area(qtbot, make_window, tmp_path, png):
    w = make_window()
    folder = tmp_path / "case"
    (folder / "deeper").mkdir(parents=True)
    png(folder / "a.png")
    png(folder / "deeper" / "b.bmp")
    (folder / "readme.txt").write_text("not an image")
    single = png(tmp_path / "single.png")
    with qtbot.waitSignal(w.jobs_added, timeout=10_000) as got:
        _drop(qtbot, w, [folder, single])
    result = got.args[0]
    assert len(result.job_ids) == 3 and result.collection.skipped == 1
    assert "1 non-image file skipped" in w.statusBar().currentMessage()
    _wait_rows(qtbot, w, 3)
    names = sorted(w.model.row_at(r).name for r in range(3))
    assert names == ["a.png", "b.bmp", "single.png"]
    # The drop banner takes drops too.
    with qtbot.waitSignal(w.jobs_added, timeout=10_000):
        _drop(qtbot, w.drop_area, [png(tmp_path / "c.png")])
    _wait_rows(qtbot, w, 4)


def test_add_dialogs_paste_and_new_job_priority(qtbot, make_window, tmp_path, png):
    w = make_window()
    w.dialogs.images = [str(png(tmp_path / "x.png"))]
    w.priority_combo.setCurrentIndex(0)  # High
    with qtbot.waitSignal(w.jobs_added, timeout=10_000):
        w.actions_by_name["add_images"].trigger()
    (tmp_path / "f").mkdir()
    png(tmp_path / "f" / "y.png")
    w.dialogs.folder = str(tmp_path / "f")
    with qtbot.waitSignal(w.jobs_added, timeout=10_000):
        w.actions_by_name["add_folder"].trigger()
    z = png(tmp_path / "z.png")
    QGuiApplication.clipboard().setText(f"{z}\n")
    w.table.setFocus()
    with qtbot.waitSignal(w.jobs_added, timeout=10_000):
        w.actions_by_name["paste"].trigger()
    _wait_rows(qtbot, w, 3)
    assert {w.model.row_at(r).priority for r in range(3)} == {"high"}
    assert w.settings.default_priority == "high"
    assert w.settings.last_image_folder == str(tmp_path / "f")


def test_priority_change_and_cancel_from_the_table(qtbot, make_window, tmp_path):
    q = JobQueue(tmp_path / "data")
    ids = q.add_jobs([str(tmp_path / f"{i}.png") for i in range(4)])
    claimed = q.get_next_job("someone")  # one running job
    w = make_window(queue=q)
    _wait_rows(qtbot, w, 4)
    w.table.selectAll()
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # Ctrl+1: high
    assert {q.get_job(i)["priority"] for i in ids[1:]} == {"high"}
    assert q.get_job(claimed["job_id"])["priority"] == "normal"  # running: unchanged
    assert "only pending jobs" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: w.model.index(w.model.row_of(ids[2]), COL_PRIORITY).data() == "High", timeout=5000)

    # Cancel two jobs (one of them running) through the context menu's action.
    w.table.clearSelection()
    w.select_job(claimed["job_id"])
    w.table.selectionModel().select(w.proxy.mapFromSource(w.model.index(w.model.row_of(ids[3]), 0)),
                                    w.table.selectionModel().SelectionFlag.Select | w.table.selectionModel().SelectionFlag.Rows)
    assert sorted(w.selected_job_ids()) == sorted([claimed["job_id"], ids[3]])
    w.actions_by_name["cancel"].trigger()
    assert q.get_job(claimed["job_id"])["status"] == "cancelled"
    assert q.get_job(ids[3])["status"] == "cancelled"
    qtbot.waitUntil(lambda: w.model.index(w.model.row_of(ids[3]), COL_STATUS).data() == "Cancelled", timeout=5000)

    # Retry one, remove the other.
    w.table.clearSelection()
    w.select_job(ids[3])
    w.actions_by_name["retry"].trigger()
    assert q.get_job(ids[3])["status"] == "pending"
    w.table.clearSelection()
    w.select_job(claimed["job_id"])
    w.actions_by_name["remove"].trigger()
    assert q.get_job(claimed["job_id"]) is None
    _wait_rows(qtbot, w, 3)
    assert w.model.row_of(claimed["job_id"]) is None


def test_status_filter_and_search(qtbot, make_window, tmp_path):
    q = JobQueue(tmp_path / "data")
    ids = q.add_jobs([str(tmp_path / "cat.png"), str(tmp_path / "dog.png"), str(tmp_path / "cow.png")])
    job = q.get_next_job("w")
    q.mark_job_complete(job["job_id"], {"verdict": "hidden_data", "score": 0.9, "message": "zip after IEND"})
    w = make_window(queue=q)
    _wait_rows(qtbot, w, 3)
    w.status_filter.setCurrentText("Hidden data found")
    assert w.proxy.rowCount() == 1 and w.proxy.job_id(0) == ids[0]
    assert w.shown_label.text() == "1 of 3 jobs"
    w.status_filter.setCurrentText("All jobs")
    qtbot.keyClicks(w.search, "dog")
    qtbot.waitUntil(lambda: w.proxy.rowCount() == 1, timeout=3000)
    assert w.proxy.job_id(0) == ids[1]


def test_restart_over_the_same_data_folder_restores_every_job(qtbot, make_window, tmp_path, data_dir, png):
    w = make_window()
    folder = tmp_path / "imgs"
    folder.mkdir()
    for i in range(25):
        png(folder / f"{i}.png")
    with qtbot.waitSignal(w.jobs_added, timeout=10_000):
        w.add_paths([str(folder)])
    _wait_rows(qtbot, w, 25)
    before = {w.model.row_at(r).job_id: w.model.row_at(r).path for r in range(25)}
    w.close()
    w.shutdown()
    w.queue.close()
    w2 = make_window(queue=JobQueue(data_dir))
    _wait_rows(qtbot, w2, 25)
    after = {w2.model.row_at(r).job_id: w2.model.row_at(r).path for r in range(25)}
    assert after == before


def test_jobs_added_by_another_process_show_up_live(qtbot, make_window, data_dir, tmp_path):
    w = make_window()
    other = JobQueue(data_dir)  # another connection, like `stegnox queue add`
    other.add_jobs([str(tmp_path / f"{i}.png") for i in range(7)])
    _wait_rows(qtbot, w, 7)
    other.close()


def test_close_with_pending_work_asks_and_cancel_keeps_the_window(qtbot, make_window, tmp_path, data_dir):
    q = JobQueue(data_dir)
    q.add_jobs([str(tmp_path / "a.png")])
    w = make_window(queue=q)
    w.workers.start = lambda: None  # no engine needed to ask the question
    w.workers._engine_pool = object()
    qtbot.waitUntil(lambda: w.stats.counts["pending"] == 1, timeout=5000)
    w.dialogs.close_answer = CLOSE_CANCEL
    w.close()
    assert w.isVisible()
    assert w.dialogs.asked[-1] == ("close", 0, 1)
    w.workers._engine_pool = None


def test_ctrl_c_in_the_table_copies_the_selected_image_paths(qtbot, make_window, tmp_path):
    q = JobQueue(tmp_path / "data")
    ids = q.add_jobs([str(tmp_path / "one.png"), str(tmp_path / "two.png")])
    w = make_window(queue=q)
    _wait_rows(qtbot, w, 2)
    w.table.setFocus()
    w.table.selectAll()
    qtbot.keyClick(w.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text().splitlines() == [str(tmp_path / "one.png"), str(tmp_path / "two.png")]
    assert len(ids) == 2


def test_clicking_a_status_count_filters_the_table(qtbot, make_window, tmp_path):
    q = JobQueue(tmp_path / "data")
    q.add_jobs([str(tmp_path / f"{i}.png") for i in range(3)])
    q.cancel_job(q.list_jobs(limit=1)[0]["job_id"])
    w = make_window(queue=q)
    qtbot.waitUntil(lambda: w.stats.counts["cancelled"] == 1, timeout=5000)
    label = w.stats.count_labels["cancelled"]
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    assert w.status_filter.currentText() == "Cancelled" and w.proxy.rowCount() == 1
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    assert w.status_filter.currentText() == "All jobs" and w.proxy.rowCount() == 3
