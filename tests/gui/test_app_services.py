"""Single instance hand-over, persisted settings and window layout, the app's command line."""
from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import QSettings

from stegnox_gui.gui.app import build_parser
from stegnox_gui.gui.settings import AppSettings
from stegnox_gui.gui.single_instance import InstanceServer, hand_over, server_name


def test_second_launch_hands_its_files_to_the_running_instance(qtbot, tmp_path):
    name = server_name(tmp_path / f"data-{id(tmp_path)}")
    server = InstanceServer(name)
    assert server.listen()
    # The second launch is its own process, blocking on its socket while this one answers.
    code = ("import sys; from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]); "
            "from stegnox_gui.gui.single_instance import hand_over; "
            f"sys.exit(0 if hand_over({name!r}, ['/x/a.png', '/x/b.png']) else 3)")
    with qtbot.waitSignal(server.activated, timeout=30_000) as got:
        proc = subprocess.Popen([sys.executable, "-c", code])
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=30_000)
    assert got.args[0] == ["/x/a.png", "/x/b.png"]
    assert proc.returncode == 0
    server.close()
    # Nobody listening: the launch goes ahead as the first instance.
    assert hand_over(name, ["/x/c.png"]) is False


def test_stale_socket_from_a_crashed_app_is_replaced(qtbot, tmp_path):
    name = server_name(tmp_path / "stale")
    first = InstanceServer(name)
    assert first.listen()
    second = InstanceServer(name)  # like a new app after a crash left the name behind
    assert second.listen()
    second.close()
    first.close()


def test_instance_name_depends_on_the_data_folder(tmp_path):
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "a")


def test_settings_persist_across_instances(tmp_path):
    path = str(tmp_path / "s.ini")
    s = AppSettings(QSettings(path, QSettings.Format.IniFormat))
    assert s.default_priority == "normal" and s.time_limit == 120.0 and s.workers >= 1
    s.workers = 3
    s.default_priority = "low"
    s.time_limit = 45
    s.pixel_limit = 50_000_000
    s.retention_days = 7
    s.data_dir = tmp_path / "data"
    s.sync()
    again = AppSettings(QSettings(path, QSettings.Format.IniFormat))
    assert (again.workers, again.default_priority, again.time_limit, again.pixel_limit, again.retention_days) == \
        (3, "low", 45.0, 50_000_000, 7)
    assert again.data_dir == tmp_path / "data"


def test_bad_setting_values_fall_back_to_defaults(tmp_path):
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    store.setValue("processing/workers", "many")
    store.setValue("processing/default_priority", "urgent")
    s = AppSettings(store)
    assert s.workers >= 1 and s.default_priority == "normal"
    try:
        s.default_priority = "urgent"
    except ValueError as exc:
        assert "urgent" in str(exc)
    else:
        raise AssertionError("an unknown priority must be refused")


def test_window_layout_is_saved_and_restored(qtbot, make_window, settings):
    w = make_window()
    w.resize(760, 560)  # the offscreen screen is 800x600: restoreGeometry keeps windows on it
    w.table.setColumnWidth(0, 333)
    w.splitter.setSizes([300, 200])
    w.save_layout()
    w.shutdown()
    w2 = make_window()
    assert w2.table.columnWidth(0) == 333
    assert abs(w2.width() - 760) < 5


def test_command_line_flags():
    args = build_parser().parse_args(["--data-dir", "/tmp/x", "--smoke-test", "img.png", "a.png"])
    assert args.data_dir == "/tmp/x" and args.smoke_test == "img.png" and args.paths == ["a.png"]
