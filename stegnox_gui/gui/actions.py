"""The main window's actions: text, shortcut, tooltip and icon in one table, built once."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcut: str | QKeySequence.StandardKey | None
    tip: str
    icon: QStyle.StandardPixmap | str | None = None
    checkable: bool = False


SP = QStyle.StandardPixmap
SPECS = (
    ActionSpec("add_images", "&Add images…", QKeySequence.StandardKey.Open, "Add image files to the queue", SP.SP_FileIcon),
    ActionSpec("add_folder", "Add &folder…", "Ctrl+Shift+O", "Add every image in a folder and its subfolders", SP.SP_DirIcon),
    ActionSpec("paste", "&Paste paths", QKeySequence.StandardKey.Paste, "Add the files and folders whose paths are on the clipboard"),
    ActionSpec("export_selected", "&Export selected…", "Ctrl+E", "Export the selected jobs as JSON, CSV or HTML", SP.SP_DialogSaveButton),
    ActionSpec("export_all", "Export a&ll…", "Ctrl+Shift+E", "Export every job as JSON, CSV or HTML"),
    ActionSpec("settings", "&Settings…", QKeySequence.StandardKey.Preferences, "Workers, limits, data folder, retention", "preferences-system"),
    ActionSpec("quit", "&Quit", QKeySequence.StandardKey.Quit, "Quit StegnoX (nothing in the queue is lost)"),
    ActionSpec("pause", "&Pause processing", "Ctrl+P", "Start no new jobs until resumed (running jobs finish)", SP.SP_MediaPause, True),
    ActionSpec("cancel", "&Cancel", "Ctrl+.", "Cancel the selected pending or running jobs", SP.SP_BrowserStop),
    ActionSpec("retry", "&Retry", "Ctrl+R", "Queue the selected failed or cancelled jobs again", SP.SP_BrowserReload),
    ActionSpec("remove", "Re&move", QKeySequence.StandardKey.Delete, "Remove the selected jobs and their results from the list", SP.SP_TrashIcon),
    ActionSpec("open_result", "&Open result folder", "Ctrl+Return", "Open the folder with the files carved from the selected job", SP.SP_DirOpenIcon),
    ActionSpec("reveal", "Reveal &image", "Ctrl+Shift+R", "Show the selected image in the file manager"),
    ActionSpec("copy_path", "Cop&y image path", QKeySequence.StandardKey.Copy, "Copy the selected images' paths to the clipboard"),
    ActionSpec("priority_high", "&High", "Ctrl+1", "Give the selected pending jobs high priority"),
    ActionSpec("priority_normal", "&Normal", "Ctrl+2", "Give the selected pending jobs normal priority"),
    ActionSpec("priority_low", "&Low", "Ctrl+3", "Give the selected pending jobs low priority"),
    ActionSpec("find", "&Find…", QKeySequence.StandardKey.Find, "Search the jobs by name, folder, verdict or summary"),
    ActionSpec("select_all", "Select &all", QKeySequence.StandardKey.SelectAll, "Select every job shown"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", "F1", "List the keyboard shortcuts"),
    ActionSpec("about", "&About StegnoX", None, "Version and licence"),
)


# Used where the platform has no binding for a standard key (e.g. Quit, Preferences on Linux).
_FALLBACK = {
    QKeySequence.StandardKey.Quit: "Ctrl+Q",
    QKeySequence.StandardKey.Preferences: "Ctrl+,",
}


def build_actions(parent: QWidget) -> dict[str, QAction]:
    """QActions keyed by name, with shortcuts shown in their tooltips."""
    style = parent.style()
    actions: dict[str, QAction] = {}
    for spec in SPECS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.name}")
        if isinstance(spec.shortcut, QKeySequence.StandardKey):
            keys = QKeySequence.keyBindings(spec.shortcut)
            action.setShortcuts(keys or [QKeySequence(_FALLBACK.get(spec.shortcut, ""))])
        elif spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{spec.tip} ({keys})" if keys else spec.tip)
        action.setStatusTip(spec.tip)
        if isinstance(spec.icon, QStyle.StandardPixmap):
            action.setIcon(style.standardIcon(spec.icon))
        elif isinstance(spec.icon, str):
            action.setIcon(QIcon.fromTheme(spec.icon))
        action.setCheckable(spec.checkable)
        actions[spec.name] = action
    return actions


def shortcut_table(actions: dict[str, QAction]) -> list[tuple[str, str]]:
    """(shortcut, what it does) for the help dialog and the README."""
    rows = []
    for spec in SPECS:
        keys = actions[spec.name].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys:
            what = spec.text.replace("&", "").rstrip("…")
            if spec.name.startswith("priority_"):
                what = f"Set priority of selected pending jobs: {what}"
            rows.append((keys, what))
    return rows


def shortcuts_markdown() -> str:
    """The shortcut table as Markdown (for the README): `python -m stegnox_gui.gui.actions`."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    host = QWidget()
    lines = ["| Keys | Action |", "|---|---|"]
    lines += [f"| {keys} | {what} |" for keys, what in shortcut_table(build_actions(host))]
    del app
    return "\n".join(lines)


if __name__ == "__main__":
    print(shortcuts_markdown())
