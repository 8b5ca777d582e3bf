"""`stegnox --smoke-test IMAGE`: the installer tests' end-to-end check of a frozen build.

Opens the real main window over a temporary data folder (or --data-dir), queues IMAGE, lets the
window's own workers analyse it, prints one JSON line and exits: 0 when the job completed with
found_data true, 1 when it completed otherwise or failed, 2 on timeout.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

EXIT_FOUND, EXIT_NOT_FOUND, EXIT_TIMEOUT = 0, 1, 2


def run_smoke_test(app, image: Path, *, data_dir: str | None, timeout: float, screenshot: str | None = None) -> int:
    from PySide6.QtCore import QSettings, QTimer

    from stegnox_gui.gui.dialogs import CLOSE_QUIT, Dialogs
    from stegnox_gui.gui.main_window import MainWindow
    from stegnox_gui.gui.settings import AppSettings
    from stegnox_gui.steg_queue.job_queue import JobQueue

    tmp = tempfile.TemporaryDirectory(prefix="stegnox-smoke-")
    root = Path(data_dir).expanduser() if data_dir else Path(tmp.name) / "data"
    settings = AppSettings(QSettings(str(Path(tmp.name) / "settings.ini"), QSettings.Format.IniFormat))
    settings.workers = 1

    class _Quiet(Dialogs):  # never block on a modal question in a headless check
        def ask_close(self, running: int, pending: int) -> str:
            return CLOSE_QUIT

        def error(self, title: str, text: str) -> None:
            print(f"{title}: {text}", file=sys.stderr)

    started = time.monotonic()
    queue = JobQueue(root)
    window = MainWindow(queue, settings, data_dir=root, dialogs=_Quiet())
    window.show()
    job_id = queue.add_job(str(image.resolve()), priority="high")
    window.workers.wake()
    outcome: dict = {"exit": EXIT_TIMEOUT}

    def check() -> None:
        job = queue.get_job(job_id)
        status = job["status"] if job else "missing"
        elapsed = time.monotonic() - started
        if status in ("completed", "failed", "cancelled") or elapsed > timeout:
            results = (job or {}).get("results") or {}
            found = bool(results.get("found_data"))
            if status == "completed":
                outcome["exit"] = EXIT_FOUND if found else EXIT_NOT_FOUND
            elif status in ("failed", "cancelled", "missing"):
                outcome["exit"] = EXIT_NOT_FOUND
            line = {"job_id": job_id, "image": str(image), "status": status,
                    "verdict": (job or {}).get("verdict"), "found_data": found,
                    "error": (job or {}).get("error"), "seconds": round(elapsed, 2),
                    "timed_out": outcome["exit"] == EXIT_TIMEOUT}
            print(json.dumps(line), flush=True)
            if screenshot:
                window.select_job(job_id)
                window.grab().save(screenshot)
            timer.stop()
            window.quit_without_asking()
            app.quit()

    timer = QTimer()
    timer.setInterval(200)
    timer.timeout.connect(check)
    timer.start()
    app.exec()
    window.shutdown()
    queue.close()
    tmp.cleanup()
    return outcome["exit"]
