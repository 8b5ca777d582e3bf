"""The main window: drop area, job table with filter, stats strip, results view, workers.

It owns no business logic: jobs go to the JobQueue, the table follows the queue's change feed, and
background work runs in the WorkerPool, which reports through the WorkerBridge.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMainWindow, QMenu,
    QMessageBox, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from stegnox_gui import __version__
from stegnox_gui.gui import desktop
from stegnox_gui.gui.actions import build_actions, shortcut_table
from stegnox_gui.gui.badge_delegate import STATUS_COLOURS, VERDICT_COLOURS, BadgeDelegate
from stegnox_gui.gui.bridge import WorkerBridge
from stegnox_gui.gui.change_feed import ChangeFeed
from stegnox_gui.gui.dialogs import CLOSE_CANCEL, CLOSE_FINISH, CLOSE_PAUSE, Dialogs
from stegnox_gui.gui.drop_area import DropArea, accepts, paths_from_mime
from stegnox_gui.gui.elide_delegate import ElideLeftDelegate
from stegnox_gui.gui.export_dialog import export_jobs
from stegnox_gui.gui.enqueue_task import EnqueueResult, EnqueueSignals, EnqueueTask
from stegnox_gui.gui.job_filter import STATUS_FILTERS, JobFilterProxy
from stegnox_gui.gui.job_model import (
    COL_CREATED, COL_FINISHED, COL_FOLDER, COL_NAME, COL_PRIORITY, COL_SCORE, COL_STATUS, COL_SUMMARY,
    COL_VERDICT, STATUS_ROLE, VERDICT_ROLE, JobTableModel,
)
from stegnox_gui.gui.job_rows import JobRow
from stegnox_gui.gui.results_view import ResultsView
from stegnox_gui.gui.settings import PRIORITIES, AppSettings
from stegnox_gui.gui.stats_panel import StatsPanel
from stegnox_gui.gui.workers import WorkerPool
from stegnox_gui.paths import default_data_dir
from stegnox_gui.worker.results_dirs import job_results_dir
from stegnox_gui.worker.retention import cleanup

COLUMN_WIDTHS = {COL_NAME: 200, COL_FOLDER: 170, COL_PRIORITY: 70, COL_STATUS: 106, COL_VERDICT: 116,
                 COL_SCORE: 54, COL_SUMMARY: 320, COL_CREATED: 140, COL_FINISHED: 140}
RETENTION_INTERVAL_MS = 24 * 3600 * 1000
MAX_OPEN = 5  # file-manager windows opened at once for a multi-selection


class _RetentionTask(QRunnable):
    """Removes finished jobs older than `days` and their result folders."""

    def __init__(self, queue: Any, results_root: Path, days: int) -> None:
        super().__init__()
        self.queue, self.results_root, self.days = queue, results_root, days

    def run(self) -> None:
        try:
            cleanup(self.queue, self.results_root, self.days)
        except Exception as exc:  # housekeeping: the next day's run tries again
            print(f"stegnox: retention cleanup failed: {exc}", file=sys.stderr)


class MainWindow(QMainWindow):
    """The app window over one queue and data folder."""

    jobs_added = Signal(object)  # EnqueueResult, after each drop/paste/add finished queueing

    def __init__(self, queue: Any, settings: AppSettings, *, data_dir: str | Path,
                 dialogs: Dialogs | None = None, start_workers: bool = True,
                 engine_pool_factory: Callable[..., Any] | None = None, poll_ms: int = 150) -> None:
        super().__init__()
        self.queue = queue
        self.settings = settings
        self.data_dir = Path(data_dir)
        self.results_root = self.data_dir / "results"
        self.dialogs = dialogs or Dialogs(self)
        self._force_close = False
        self._quit_when = None  # "idle" (finish everything) or "running_done" (pause and quit)
        self._shown_job: str | None = None
        self.recovered = 0

        custom = self.data_dir.resolve() != default_data_dir().resolve()
        self.setWindowTitle(f"StegnoX — {self.data_dir}" if custom else "StegnoX")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.resize(1280, 800)

        self.model = JobTableModel(self)
        self.proxy = JobFilterProxy(self.model, self)
        self.bridge = WorkerBridge(self)
        self._pool_factory = engine_pool_factory
        self._restart_workers_when_idle = False
        self.workers = self._new_worker_pool()
        self.feed = ChangeFeed(queue, interval_ms=poll_ms, parent=self)
        self._io_pool = QThreadPool(self)
        self._io_pool.setMaxThreadCount(2)
        self._enqueue_signals = EnqueueSignals(self)
        self._enqueue_signals.done.connect(self._on_enqueued)
        self.adding = 0  # enqueue tasks in flight

        self.actions_by_name = build_actions(self)
        self._build_ui()
        self._build_menus()
        self._connect()
        self._restore_layout()

        self.feed.changed.connect(self._on_changes)
        self.feed.reset.connect(self._on_reset)
        self.feed.stats.connect(self._on_stats)
        self.feed.error.connect(lambda msg: self.statusBar().showMessage(f"Queue: {msg}", 8000))
        self._recover_crashed_jobs()
        self.feed.start()
        # Retention runs shortly after start (not during it), then daily; the timer dies with the window.
        self._retention_timer = QTimer(self)
        self._retention_timer.setInterval(2000)
        self._retention_timer.timeout.connect(self.run_retention)
        self._retention_timer.start()
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self.stats.refresh_times)
        self._clock.start()
        if start_workers:
            self.start_workers()

    # ------------------------------------------------------------------------------ building
    def _build_ui(self) -> None:
        a = self.actions_by_name
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(a["add_images"])
        toolbar.addAction(a["add_folder"])
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" New jobs: "))
        self.priority_combo = QComboBox()
        self.priority_combo.setObjectName("newJobPriority")
        self.priority_combo.setAccessibleName("Priority for new jobs")
        self.priority_combo.setToolTip("Priority given to images you add from now on")
        for p in PRIORITIES:
            self.priority_combo.addItem(p.capitalize(), p)
        self.priority_combo.setCurrentIndex(PRIORITIES.index(self.settings.default_priority))
        toolbar.addWidget(self.priority_combo)
        toolbar.addSeparator()
        toolbar.addAction(a["pause"])
        toolbar.addAction(a["cancel"])
        toolbar.addAction(a["retry"])
        toolbar.addAction(a["remove"])
        toolbar.addSeparator()
        toolbar.addAction(a["open_result"])
        toolbar.addAction(a["export_selected"])

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 6, 8, 4)
        outer.setSpacing(6)
        self.stats = StatsPanel()
        outer.addWidget(self.stats)
        self.drop_area = DropArea()
        outer.addWidget(self.drop_area)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        label = QLabel("&Show:")
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.setAccessibleName("Status filter")
        self.status_filter.setToolTip("Show only jobs in this state")
        self.status_filter.addItems(list(STATUS_FILTERS))
        label.setBuddy(self.status_filter)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setAccessibleName("Search jobs")
        self.search.setPlaceholderText("Search name, folder, verdict or summary  (Ctrl+F)")
        self.search.setToolTip("Every word must appear in the job's name, folder, verdict, summary or id")
        self.search.setClearButtonEnabled(True)
        self.shown_label = QLabel()
        self.shown_label.setAccessibleName("Jobs shown")
        filters.addWidget(label)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.shown_label)
        outer.addLayout(filters)

        self.table = QTableView()
        self.table.setObjectName("jobTable")
        self.table.setAccessibleName("Jobs")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh = self.table.horizontalHeader()
        hh.setSectionsMovable(True)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(False)
        for col, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(col, width)
        hh.setSectionResizeMode(COL_SUMMARY, QHeaderView.ResizeMode.Stretch)
        hh.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setItemDelegateForColumn(COL_STATUS, BadgeDelegate(STATUS_ROLE, STATUS_COLOURS, self.table))
        self.table.setItemDelegateForColumn(COL_VERDICT, BadgeDelegate(VERDICT_ROLE, VERDICT_COLOURS, self.table))
        self.table.setItemDelegateForColumn(COL_FOLDER, ElideLeftDelegate(self.table))

        self.results_view = ResultsView()
        self.results_view.setObjectName("resultsView")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.results_view)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.workers_label = QLabel()
        self.workers_label.setAccessibleName("Workers")
        self.statusBar().addPermanentWidget(self.workers_label)
        self._update_workers_label()
        self._update_shown()

    def _build_menus(self) -> None:
        a = self.actions_by_name
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for name in ("add_images", "add_folder", "paste"):
            file_menu.addAction(a[name])
        file_menu.addSeparator()
        file_menu.addAction(a["export_selected"])
        file_menu.addAction(a["export_all"])
        file_menu.addSeparator()
        file_menu.addAction(a["settings"])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])
        jobs_menu = bar.addMenu("&Jobs")
        for name in ("cancel", "retry", "remove"):
            jobs_menu.addAction(a[name])
        self.priority_menu = jobs_menu.addMenu("Set &priority")
        for p in PRIORITIES:
            self.priority_menu.addAction(a[f"priority_{p}"])
        jobs_menu.addSeparator()
        for name in ("open_result", "reveal", "copy_path"):
            jobs_menu.addAction(a[name])
        jobs_menu.addSeparator()
        jobs_menu.addAction(a["select_all"])
        jobs_menu.addAction(a["find"])
        processing = bar.addMenu("&Processing")
        processing.addAction(a["pause"])
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a["shortcuts"])
        help_menu.addAction(a["about"])
        for action in a.values():  # shortcuts work wherever focus is in the window
            self.addAction(action)

    def _connect(self) -> None:
        a = self.actions_by_name
        a["add_images"].triggered.connect(self.add_images_dialog)
        a["add_folder"].triggered.connect(self.add_folder_dialog)
        a["paste"].triggered.connect(self.paste_paths)
        a["export_selected"].triggered.connect(lambda: self.export(selected_only=True))
        a["export_all"].triggered.connect(lambda: self.export(selected_only=False))
        a["settings"].triggered.connect(self.open_settings)
        a["quit"].triggered.connect(self.close)
        a["pause"].toggled.connect(self.set_paused)
        a["cancel"].triggered.connect(self.cancel_selected)
        a["retry"].triggered.connect(self.retry_selected)
        a["remove"].triggered.connect(self.remove_selected)
        a["open_result"].triggered.connect(self.open_result)
        a["reveal"].triggered.connect(self.reveal_selected)
        a["copy_path"].triggered.connect(self.copy_paths)
        for p in PRIORITIES:
            a[f"priority_{p}"].triggered.connect(lambda _=False, p=p: self.set_priority_selected(p))
        a["find"].triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        a["select_all"].triggered.connect(self.table.selectAll)
        a["shortcuts"].triggered.connect(self.show_shortcuts)
        a["about"].triggered.connect(self.show_about)
        self.stats.status_clicked.connect(self._toggle_status_filter)
        self.drop_area.dropped.connect(self.add_paths)
        self.drop_area.add_images_clicked.connect(self.add_images_dialog)
        self.drop_area.add_folder_clicked.connect(self.add_folder_dialog)
        self.status_filter.currentTextChanged.connect(
            lambda text: (self.proxy.set_status_filter(STATUS_FILTERS.get(text)), self._update_shown()))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(lambda: (self.proxy.set_search_text(self.search.text()), self._update_shown()))
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.priority_combo.currentIndexChanged.connect(
            lambda _: setattr(self.settings, "default_priority", self.priority_combo.currentData()))
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _: self.open_result())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._on_selection())
        self.bridge.started.connect(lambda job_id: self._update_workers_label())
        self.bridge.progress.connect(self.model.set_progress)
        self.bridge.finished.connect(self._on_job_done)
        self.bridge.failed.connect(self._on_job_failed)
        self.bridge.cancelled.connect(lambda _: (self._update_workers_label(), self.feed.poll()))
        self.bridge.released.connect(lambda _: (self._update_workers_label(), self.feed.poll()))
        self.bridge.error.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        self.bridge.idle.connect(self._on_idle)
        self.proxy.rowsInserted.connect(lambda *_: self._update_shown())
        self.proxy.rowsRemoved.connect(lambda *_: self._update_shown())
        self.proxy.layoutChanged.connect(lambda *_: self._update_shown())
        self.proxy.modelReset.connect(lambda *_: self._update_shown())

    # ------------------------------------------------------------------------------ layout state
    def _restore_layout(self) -> None:
        geometry = self.settings.window_state("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state("window_state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.window_state("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([380, 420])  # the result of the selected job deserves room
        header = self.settings.window_state("table_header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def save_layout(self) -> None:
        self.settings.set_window_state("geometry", self.saveGeometry())
        self.settings.set_window_state("window_state", self.saveState())
        self.settings.set_window_state("splitter", self.splitter.saveState())
        self.settings.set_window_state("table_header", self.table.horizontalHeader().saveState())
        self.settings.sync()

    # ------------------------------------------------------------------------------ workers
    def start_workers(self) -> None:
        try:
            self.workers.start()
        except Exception as exc:
            self.dialogs.error("Workers could not start", f"{type(exc).__name__}: {exc}")
        self._update_workers_label()

    def set_paused(self, paused: bool) -> None:
        if paused:
            self.workers.pause()
        else:
            self.workers.resume()
        action = self.actions_by_name["pause"]
        if action.isChecked() != paused:
            action.setChecked(paused)
        action.setText("Resume processing" if paused else "Pause processing")
        self._update_workers_label()

    def _update_workers_label(self) -> None:
        running = len(self.bridge.running)
        if not self.workers.started:
            text = "Workers stopped"
        elif self.workers.paused:
            text = f"Paused · {running} finishing" if running else "Paused"
        else:
            text = f"{running}/{self.workers.processes} workers busy"
        self.workers_label.setText(text)

    def _on_job_done(self, job_id: str, result: object) -> None:
        self._update_workers_label()
        self.feed.poll()

    def _on_job_failed(self, job_id: str, error: str) -> None:
        self._update_workers_label()
        self.statusBar().showMessage(f"Job failed: {error}", 6000)
        self.feed.poll()

    # ------------------------------------------------------------------------------ feed
    def _on_changes(self, rows: list[JobRow], removed: list[str]) -> None:
        self.model.apply(rows, removed)
        if self._shown_job is not None:
            if self._shown_job in removed:
                self._show_job(None)
            elif any(r.job_id == self._shown_job for r in rows):
                self._show_job(self._shown_job)

    def _on_reset(self, rows: list[JobRow]) -> None:
        self.model.clear()
        if rows:
            self.model.apply(rows)

    def _on_stats(self, stats: dict) -> None:
        self.stats.update_stats(stats)
        self._check_quit()

    def _toggle_status_filter(self, status: str) -> None:
        label = status.capitalize()
        self.status_filter.setCurrentText("All jobs" if self.status_filter.currentText() == label else label)

    def _update_shown(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.shown_label.setText(f"{shown:,} of {total:,} jobs" if self.proxy.active else f"{total:,} jobs")
        self.drop_area.label.setText(
            "<b>Drop images or folders here</b> — folders are searched recursively; non-images are skipped"
            if total else "<b>Drop images or folders here to start</b> — or use Add images / Add folder. "
                          "Folders are searched recursively; non-images are skipped.")

    # ------------------------------------------------------------------------------ adding
    def new_job_priority(self) -> str:
        return self.priority_combo.currentData() or "normal"

    def add_paths(self, paths: list[str], priority: str | None = None) -> None:
        """Queue the images in these files and folders (collected and added in the background)."""
        paths = [p for p in paths if p]
        if not paths:
            return
        self.adding += 1
        self.statusBar().showMessage(f"Adding {len(paths):,} item{'s' if len(paths) != 1 else ''}…")
        self._io_pool.start(EnqueueTask(self.queue, paths, priority or self.new_job_priority(), self._enqueue_signals))

    def _on_enqueued(self, result: EnqueueResult) -> None:
        self.adding -= 1
        paused = " (processing is paused: Ctrl+P resumes)" if result.job_ids and self.workers.paused else ""
        self.statusBar().showMessage(result.message() + paused, 10000)
        if result.error:
            self.dialogs.error("Could not add images", result.error)
        if result.job_ids:
            self.workers.wake()
            self.feed.poll()
        self.jobs_added.emit(result)

    def add_images_dialog(self) -> None:
        files = self.dialogs.choose_images(self.settings.last_image_folder)
        if files:
            self.settings.last_image_folder = os.path.dirname(files[0])
            self.add_paths(files)

    def add_folder_dialog(self) -> None:
        folder = self.dialogs.choose_folder(self.settings.last_image_folder)
        if folder:
            self.settings.last_image_folder = folder
            self.add_paths([folder])

    def paste_paths(self) -> None:
        if self.search.hasFocus():
            self.search.paste()
            return
        mime = QGuiApplication.clipboard().mimeData()
        paths = paths_from_mime(mime) if mime is not None else []
        if paths:
            self.add_paths(paths)
        else:
            self.statusBar().showMessage("The clipboard holds no file paths", 5000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if accepts(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = paths_from_mime(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)
        else:
            event.ignore()

    # ------------------------------------------------------------------------------ selection
    def selected_job_ids(self) -> list[str]:
        rows = self.table.selectionModel().selectedRows()
        return [self.proxy.job_id(i.row()) for i in sorted(rows, key=lambda i: i.row())]

    def selected_rows(self) -> list[JobRow]:
        out = []
        for job_id in self.selected_job_ids():
            r = self.model.row_of(job_id)
            if r is not None:
                out.append(self.model.row_at(r))
        return out

    def select_job(self, job_id: str) -> bool:
        """Select (and scroll to) one job; False when it is not shown."""
        r = self.model.row_of(job_id)
        if r is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(r, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def _on_selection(self) -> None:
        current = self.table.selectionModel().currentIndex()
        ids = self.selected_job_ids()
        job_id = None
        if current.isValid() and self.table.selectionModel().isRowSelected(current.row(), QModelIndex()):
            job_id = self.proxy.job_id(current.row())
        elif ids:
            job_id = ids[0]
        if job_id != self._shown_job:
            self._show_job(job_id)

    def _show_job(self, job_id: str | None) -> None:
        self._shown_job = job_id
        job = None
        if job_id is not None:
            try:
                job = self.queue.get_job(job_id)
            except Exception as exc:
                self.statusBar().showMessage(f"Could not read job {job_id}: {exc}", 8000)
        self.results_view.show_job(job)

    # ------------------------------------------------------------------------------ job actions
    def _context_menu(self, pos: QPoint) -> None:
        if not self.table.indexAt(pos).isValid():
            return
        a = self.actions_by_name
        menu = QMenu(self)
        for name in ("open_result", "reveal", "copy_path"):
            menu.addAction(a[name])
        menu.addSeparator()
        menu.addMenu(self.priority_menu)
        menu.addSeparator()
        for name in ("cancel", "retry", "remove"):
            menu.addAction(a[name])
        menu.addSeparator()
        menu.addAction(a["export_selected"])
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self._last_menu = menu

    def _report(self, verb: str, done: int, asked: int, why: str = "") -> None:
        text = f"{verb} {done} of {asked} selected job{'s' if asked != 1 else ''}"
        if done < asked and why:
            text += f" ({why})"
        self.statusBar().showMessage(text, 6000)
        self.feed.poll()

    def set_priority_selected(self, priority: str) -> int:
        ids = self.selected_job_ids()
        if not ids:
            return 0
        changed = self.queue.set_priorities(ids, priority)
        self._report(f"Set {priority} priority on", len(changed), len(ids), "only pending jobs can change priority")
        return len(changed)

    def cancel_selected(self) -> int:
        ids = self.selected_job_ids()
        if not ids:
            return 0
        cancelled = self.queue.cancel_jobs(ids)
        self._report("Cancelled", len(cancelled), len(ids), "finished jobs cannot be cancelled")
        return len(cancelled)

    def retry_selected(self) -> int:
        ids = self.selected_job_ids()
        if not ids:
            return 0
        retried = self.queue.retry_jobs(ids)
        if retried:
            self.workers.wake()
        self._report("Queued again", len(retried), len(ids), "only failed or cancelled jobs can be retried")
        return len(retried)

    def remove_selected(self) -> int:
        ids = self.selected_job_ids()
        if not ids or not self.dialogs.confirm_remove(len(ids)):
            return 0
        self.queue.cancel_jobs(ids)  # pending and running ones stop first
        removed = self.queue.remove_jobs(ids)
        for job_id in removed:
            self._delete_result_folder(job_id)
        self._report("Removed", len(removed), len(ids))
        return len(removed)

    def _delete_result_folder(self, job_id: str) -> None:
        import shutil

        folder = job_results_dir(self.results_root, job_id)
        if folder.is_dir() and folder.resolve().parent == self.results_root.resolve():
            shutil.rmtree(folder, ignore_errors=True)

    def result_folder(self, job_id: str) -> Path | None:
        """The folder holding the files carved from a job, if there is one."""
        folder = job_results_dir(self.results_root, job_id)
        if folder.is_dir():
            return folder
        try:
            job = self.queue.get_job(job_id)
        except Exception:
            return None
        for finding in ((job or {}).get("results") or {}).get("findings", []):
            if finding.get("path"):
                parent = Path(finding["path"]).parent
                if parent.is_dir():
                    return parent
        return None

    def open_result(self) -> None:
        """Open the carved-files folder of each selected job that has one (at most MAX_OPEN)."""
        ids = self.selected_job_ids()
        if not ids:
            return
        folders = [f for f in (self.result_folder(i) for i in ids[:200]) if f is not None]
        if not folders:
            self.statusBar().showMessage(
                f"No files were carved from {'this job' if len(ids) == 1 else 'the selected jobs'}", 5000)
            return
        for folder in folders[:MAX_OPEN]:
            desktop.open_folder(folder)
        if len(folders) > MAX_OPEN:
            self.statusBar().showMessage(f"Opened the first {MAX_OPEN} of {len(folders)} result folders", 6000)

    def reveal_selected(self) -> None:
        """Show each selected image in the file manager (at most MAX_OPEN windows)."""
        rows = self.selected_rows()
        for row in rows[:MAX_OPEN]:
            desktop.reveal_file(row.path)
        if len(rows) > MAX_OPEN:
            self.statusBar().showMessage(f"Revealed the first {MAX_OPEN} of {len(rows)} images", 6000)

    def copy_paths(self) -> None:
        rows = self.selected_rows()
        if rows:
            QGuiApplication.clipboard().setText("\n".join(r.path for r in rows))
            self.statusBar().showMessage(f"Copied {len(rows)} path{'s' if len(rows) != 1 else ''}", 4000)

    def export(self, *, selected_only: bool) -> Path | None:
        ids = self.selected_job_ids() if selected_only else None
        if selected_only and not ids:
            self.statusBar().showMessage("Select jobs to export first", 5000)
            return None
        if ids is None:
            jobs = self.queue.list_jobs(limit=None, include_results=True)
        else:
            jobs = [j for j in (self.queue.get_job(i) for i in ids) if j is not None]
        path = export_jobs(self, jobs)
        if path is not None:
            self.statusBar().showMessage(f"Exported {len(jobs)} job{'s' if len(jobs) != 1 else ''} to {path}", 10000)
        return path

    # ------------------------------------------------------------------------------ other dialogs
    def open_settings(self) -> None:
        from stegnox_gui.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.apply_worker_settings()

    def _new_worker_pool(self) -> WorkerPool:
        s = self.settings
        return WorkerPool(self.queue, self.results_root, self.bridge, processes=s.workers, time_limit=s.time_limit,
                          pixel_limit=s.pixel_limit, engine_options=s.engine_options(),
                          pool_factory=self._pool_factory, parent=self)

    def apply_worker_settings(self) -> None:
        """Use the saved workers, time limit, pixel limit and word list: now when no job runs, else once the
        running jobs are done (they keep the limits they started with). The data folder applies
        at the next start."""
        w = self.workers
        s = self.settings
        if (w.processes, w.time_limit, w.pixel_limit, w.engine_options) == (s.workers, s.time_limit, s.pixel_limit,
                                                                            s.engine_options()):
            self.statusBar().showMessage("Settings saved", 5000)
            return
        if self.bridge.running:
            self._restart_workers_when_idle = True
            self.statusBar().showMessage("Settings saved; workers switch over when the running jobs finish", 8000)
            return
        self._restart_workers_when_idle = False
        started, paused = w.started, w.paused
        w.stop(abort=False, timeout=5.0)
        w.deleteLater()
        self.workers = self._new_worker_pool()
        if started:
            self.workers.start()
        if paused:
            self.workers.pause()
        self._update_workers_label()
        self.statusBar().showMessage(f"Settings applied: {self.workers.processes} worker(s), "
                                     f"{self.workers.time_limit:g} s per image", 8000)

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{keys}</b></td><td>&nbsp;&nbsp;{what}</td></tr>"
                       for keys, what in shortcut_table(self.actions_by_name))
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<table>{rows}</table>")
        box.exec()

    def show_about(self) -> None:
        QMessageBox.about(self, "About StegnoX",
                          f"StegnoX {__version__}\nSteganography analysis workbench for images.\n"
                          f"Data folder: {self.data_dir}")

    # ------------------------------------------------------------------------------ start/stop
    def _recover_crashed_jobs(self) -> None:
        try:
            self.recovered = self.queue.recover_orphans()
        except Exception as exc:
            self.statusBar().showMessage(f"Could not check for interrupted jobs: {exc}", 10000)
            return
        if self.recovered:
            self.statusBar().showMessage(
                f"Recovered {self.recovered} job{'s' if self.recovered != 1 else ''} left running when StegnoX "
                "last stopped; they are queued again", 30000)

    def run_retention(self) -> None:
        """Remove finished jobs older than the retention setting (in the background)."""
        self._retention_timer.setInterval(RETENTION_INTERVAL_MS)
        days = self.settings.retention_days
        if days <= 0 or getattr(self, "_shut_down", False):
            return
        self._io_pool.start(_RetentionTask(self.queue, self.results_root, days))

    def _on_idle(self) -> None:
        if self._restart_workers_when_idle and self._quit_when is None:
            self.apply_worker_settings()
        self._check_quit()

    def _check_quit(self) -> None:
        if self._quit_when is None:
            return
        running = len(self.bridge.running)
        if self._quit_when == "running_done" and not running:
            self._finish_close()
        elif self._quit_when == "idle" and not running and not self.stats.counts.get("pending", 0) \
                and not self.adding:
            self._finish_close()

    def _finish_close(self) -> None:
        self._force_close = True
        self.close()

    def quit_without_asking(self) -> None:
        """Close now; running jobs go back to pending (used by --screenshot and the smoke test)."""
        self._finish_close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._force_close and self.workers.started:
            running = len(self.bridge.running)
            pending = self.stats.counts.get("pending", 0)
            if running or (pending and not self.workers.paused):
                answer = self.dialogs.ask_close(running, pending)
                if answer == CLOSE_CANCEL:
                    event.ignore()
                    return
                if answer == CLOSE_FINISH:
                    self._quit_when = "idle"
                    self.set_paused(False)
                    self.statusBar().showMessage("StegnoX quits when every job is done", 0)
                    event.ignore()
                    self._check_quit()
                    return
                if answer == CLOSE_PAUSE:
                    self.set_paused(True)
                    if running:
                        self._quit_when = "running_done"
                        self.statusBar().showMessage(f"Quitting when the {running} running job(s) finish", 0)
                        event.ignore()
                        return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Save the layout, stop polling and workers; jobs in hand go back to pending."""
        if getattr(self, "_shut_down", False):
            return
        self._shut_down = True
        self.save_layout()
        self._clock.stop()
        self._retention_timer.stop()
        self.feed.stop()
        self.workers.stop(abort=True)
        self._io_pool.waitForDone(10000)
