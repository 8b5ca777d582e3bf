"""ImageViewer: the original image, any channel and bit plane (StegSolve-style selector), the
LSB-enhanced image, histograms and detection plots, with zoom and pan.

Keyboard: Left/Right move between bits, Up/Down between channels, [ and ] step through every view in
order (original, each channel's planes 7..0, LSB-enhanced); +/-, Ctrl+wheel zoom, 0 fits, 1 is 1:1.
Every view comes from the ViewCache, computed off the GUI thread.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QHBoxLayout, QLabel, QScrollArea, QSizePolicy,
                               QStackedWidget, QToolButton, QVBoxLayout, QWidget)

from stegnox_gui.gui.image_canvas import ImageCanvas
from stegnox_gui.gui.plots import BarChart, CurvePlot, HistogramPlot
from stegnox_gui.gui.view_cache import ViewCache, ViewKey

MODES = (("original", "Original"), ("plane", "Bit planes"), ("lsb", "LSB enhanced"), ("plots", "Plots"))
CHANNEL_LABELS = {"r": "Red", "g": "Green", "b": "Blue", "a": "Alpha", "gray": "Gray", "index": "Index"}
ALL_BITS = -1  # the channel's full values instead of one bit plane


class ImageViewer(QWidget):
    """Shows views of one image file; `set_image(path)` switches images (None clears)."""

    view_shown = Signal(object)  # the ViewKey now on screen

    def __init__(self, parent: QWidget | None = None, cache: ViewCache | None = None) -> None:
        super().__init__(parent)
        self.cache = cache if cache is not None else ViewCache(self)
        self.cache.ready.connect(self._on_ready)
        self.cache.failed.connect(self._on_failed)
        self._path: str | None = None
        self._info: dict[str, Any] | None = None
        self._mode = "original"
        self._channel: str | None = None
        self._bit = 0
        self._shown_key: ViewKey | None = None
        self._pending_plane: tuple[str, int] | None = None
        self._build()

    # layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.mode_group = QButtonGroup(self)
        mode_row = QHBoxLayout()
        mode_row.setSpacing(2)
        for i, (mode, label) in enumerate(MODES):
            btn = _toggle(label, f"Show {label.lower()} ([ and ] step through the views)")
            btn.setProperty("mode", mode)
            self.mode_group.addButton(btn, i)
            mode_row.addWidget(btn)
        self.mode_group.button(0).setChecked(True)
        self.mode_group.idClicked.connect(lambda i: self.set_mode(MODES[i][0]))
        mode_row.addStretch(1)
        self.zoom_label = QLabel("")
        self.zoom_label.setMinimumWidth(48)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        mode_row.addWidget(self.zoom_label)
        self._zoom_buttons: list[QToolButton] = []
        for text, tip, slot in (("−", "Zoom out (-)", "zoom_out"), ("+", "Zoom in (+)", "zoom_in"),
                                ("Fit", "Fit to window (0)", "fit"), ("1:1", "Actual pixels (1)", "actual_size")):
            btn = QToolButton()
            btn.setText(text)
            btn.setToolTip(tip)
            btn.setAccessibleName(tip)
            btn.setAutoRaise(True)
            btn.clicked.connect(lambda _=False, s=slot: getattr(self.canvas, s)())
            mode_row.addWidget(btn)
            self._zoom_buttons.append(btn)

        self.channel_group = QButtonGroup(self)
        self.channel_group.idClicked.connect(self._on_channel_clicked)
        self.bit_group = QButtonGroup(self)
        self.bit_group.idClicked.connect(self._on_bit_clicked)
        self.selector = QWidget()
        sel = QHBoxLayout(self.selector)
        sel.setContentsMargins(0, 0, 0, 0)
        sel.setSpacing(2)
        self._channel_box = QHBoxLayout()
        self._channel_box.setSpacing(2)
        sel.addWidget(QLabel("Channel"))
        sel.addLayout(self._channel_box)
        sel.addSpacing(12)
        sel.addWidget(QLabel("Bit"))
        for bit in [ALL_BITS] + list(range(7, -1, -1)):
            btn = _toggle("all" if bit == ALL_BITS else str(bit),
                          "The channel's full values" if bit == ALL_BITS else f"Bit plane {bit}" + (" (LSB)" if bit == 0 else ""))
            btn.setFixedWidth(34 if bit == ALL_BITS else 26)
            self.bit_group.addButton(btn, bit + 1)  # ids must be >= 0
            sel.addWidget(btn)
        sel.addStretch(1)
        self.selector.setEnabled(False)

        self.canvas = ImageCanvas()
        self.canvas.hovered.connect(self._on_hover)
        self.canvas.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))

        self.histogram = HistogramPlot()
        self.log_box = QCheckBox("Logarithmic counts")
        self.log_box.toggled.connect(self.histogram.set_log_scale)
        self.chi_plot = CurvePlot("Chi-square p-value along the scan order", (0.0, 1.0), "fraction of image scanned")
        self.estimate_plot = BarChart("Estimated payload per channel (bits per sample)")
        plots = QWidget()
        pl = QVBoxLayout(plots)
        pl.addWidget(self.histogram)
        pl.addWidget(self.log_box)
        pl.addWidget(self.chi_plot)
        pl.addWidget(self.estimate_plot)
        self.estimate_note = QLabel("")
        self.estimate_note.setTextFormat(Qt.TextFormat.PlainText)
        self.estimate_note.setWordWrap(True)
        self.estimate_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        pl.addWidget(self.estimate_note)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(plots)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(scroll)

        self.title_label = QLabel("No image")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.status_label = QLabel("")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.pixel_label = QLabel("")
        self.pixel_label.setTextFormat(Qt.TextFormat.PlainText)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.pixel_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(mode_row)
        layout.addWidget(self.selector)
        head = QHBoxLayout()
        head.addWidget(self.title_label, 1)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.canvas)
        # The selected view, channel and bit must stand out in any palette, as in StegSolve.
        self.setStyleSheet("QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);"
                           " border: 1px solid palette(highlight); border-radius: 3px; padding: 2px 6px; }")

        for seq, slot in (("[", self.previous_view), ("]", self.next_view)):
            sc = QShortcut(QKeySequence(seq), self, slot)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # public ----------------------------------------------------------------------------
    def set_image(self, path: str | None) -> None:
        """Show `path` (keeping the current view mode, channel and bit when they exist there)."""
        path = str(path) if path else None
        if path == self._path:
            return
        self.cache.drop_queued(keep_path=path)
        self._path = path
        self._info = None
        self._shown_key = None
        self._pending_plane = None
        self.canvas.set_image(None)
        self.histogram.set_histograms(None)
        self.chi_plot.set_series(None)
        self.estimate_plot.set_groups(None)
        self.estimate_note.setText("")
        self.pixel_label.setText("")
        self._set_channels([])
        if path is None:
            self.title_label.setText("No image")
            self.status_label.setText("")
            return
        self.title_label.setText("Loading…")
        info = self.cache.request(path, ("info",))
        if info is not None:
            self._apply_info(info)
        self._refresh()

    def path(self) -> str | None:
        return self._path

    def mode(self) -> str:
        return self._mode

    def channel(self) -> str | None:
        return self._channel

    def bit(self) -> int:
        return self._bit

    def channels(self) -> list[str]:
        return list((self._info or {}).get("channels", []))

    def current_key(self) -> ViewKey | None:
        """The view asked for now (it may still be computing)."""
        if self._mode == "original":
            return ("original",)
        if self._mode == "lsb":
            return ("lsb",)
        if self._mode == "plane" and self._channel:
            return ("channel", self._channel) if self._bit == ALL_BITS else ("plane", self._channel, self._bit)
        return None

    def shown_key(self) -> ViewKey | None:
        """The view on screen now."""
        return self._shown_key

    def displayed_image(self) -> QImage:
        return self.canvas.image()

    def set_mode(self, mode: str) -> None:
        if mode not in dict(MODES):
            raise ValueError(f"Unknown view mode {mode!r}")
        if mode == "plane" and not self._channel and self.channels():
            self._channel = self.channels()[0]
        self._mode = mode
        self.mode_group.button([m for m, _ in MODES].index(mode)).setChecked(True)
        self._refresh()

    def select_plane(self, channel: str, bit: int) -> None:
        """Show `channel` bit `bit` (0 = LSB .. 7, or ALL_BITS for the channel's values)."""
        if channel not in self.channels():
            raise ValueError(f"No channel {channel!r}; this image has {', '.join(self.channels()) or 'none yet'}")
        if not (bit == ALL_BITS or 0 <= bit <= 7):
            raise ValueError(f"bit must be 0..7, not {bit}")
        self._channel, self._bit = channel, bit
        self._sync_selector()
        self.set_mode("plane")

    def show_plane(self, channel: str, bit: int) -> bool:
        """Show a plane as soon as the image's channels are known (now, or when it has loaded).
        Returns False when the image has no such channel."""
        if self._info is None:
            self._pending_plane = (channel, bit)
            return True
        if channel not in self.channels():
            return False
        self.select_plane(channel, bit)
        return True

    def next_view(self) -> None:
        self._step_view(+1)

    def previous_view(self) -> None:
        self._step_view(-1)

    # navigation ------------------------------------------------------------------------
    def _sequence(self) -> list[tuple[str, str | None, int]]:
        seq: list[tuple[str, str | None, int]] = [("original", None, 0)]
        for ch in self.channels():
            seq.extend(("plane", ch, bit) for bit in range(7, -1, -1))
        seq.append(("lsb", None, 0))
        return seq

    def _step_view(self, step: int) -> None:
        if not self.channels():
            return
        seq = self._sequence()
        here = (self._mode, self._channel if self._mode == "plane" else None, self._bit if self._mode == "plane" else 0)
        i = seq.index(here) if here in seq else 0
        mode, ch, bit = seq[(i + step) % len(seq)]
        if mode == "plane":
            self.select_plane(ch, bit)  # type: ignore[arg-type]
        else:
            self.set_mode(mode)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        chans = self.channels()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and chans:
            bits = [ALL_BITS] + list(range(7, -1, -1))  # as the buttons are laid out, left to right
            ch = self._channel if self._channel in chans else chans[0]
            cur = bits.index(self._bit) if self._mode == "plane" else len(bits) - 1
            cur = cur if self._mode != "plane" else cur + (1 if key == Qt.Key.Key_Right else -1)
            self.select_plane(ch, bits[max(0, min(len(bits) - 1, cur))])
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and chans:
            i = chans.index(self._channel) if self._channel in chans else 0
            if self._mode == "plane":
                i = (i + (1 if key == Qt.Key.Key_Down else -1)) % len(chans)
            self.select_plane(chans[i], self._bit)
        elif key == Qt.Key.Key_BracketRight:
            self.next_view()
        elif key == Qt.Key.Key_BracketLeft:
            self.previous_view()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _on_channel_clicked(self, idx: int) -> None:
        chans = self.channels()
        if 0 <= idx < len(chans):
            self.select_plane(chans[idx], self._bit)

    def _on_bit_clicked(self, idx: int) -> None:
        if self.channels():
            self.select_plane(self._channel or self.channels()[0], idx - 1)

    # data flow -------------------------------------------------------------------------
    def _refresh(self) -> None:
        if self._path is None:
            return
        self.selector.setVisible(self._mode != "plots")
        for btn in self._zoom_buttons:
            btn.setVisible(self._mode != "plots")
        self.zoom_label.setVisible(self._mode != "plots")
        if self._mode == "plots":
            self.stack.setCurrentIndex(1)
            self._request_plots()
            return
        self.stack.setCurrentIndex(0)
        key = self.current_key()
        if key is None:
            self.status_label.setText("Loading…")
            return
        value = self.cache.request(self._path, key)
        if value is not None:
            self._show(key, value)
        else:
            self.status_label.setText(f"Computing {describe(key)}…")

    def _request_plots(self) -> None:
        assert self._path is not None
        for key in (("histograms",), ("chi_square",), ("estimates",)):
            value = self.cache.request(self._path, key)
            if value is not None:
                self._apply_plot(key, value)
        self.status_label.setText("Histograms and detection plots")

    def _on_ready(self, path: str, key: ViewKey, value: Any) -> None:
        if path != self._path:
            return
        if key == ("info",):
            self._apply_info(value)
            self._refresh()
        elif key == self.current_key() and self._mode != "plots":
            self._show(key, value)
        elif key[0] in ("histograms", "chi_square", "estimates"):
            self._apply_plot(key, value)

    def _on_failed(self, path: str, key: ViewKey, message: str) -> None:
        if path != self._path:
            return
        if key == ("info",):
            self.title_label.setText(f"Cannot show this image: {message}")
            self.status_label.setText(message)
        elif key[0] == "histograms":
            self.histogram.set_empty(message)
        elif key[0] == "chi_square":
            self.chi_plot.set_empty(message)
        elif key[0] == "estimates":
            self.estimate_plot.set_empty(message)
        elif key == self.current_key():
            self.canvas.set_image(None)
            self._shown_key = None
            self.status_label.setText(f"{describe(key)}: {message}")

    def _apply_info(self, info: dict[str, Any]) -> None:
        self._info = info
        chans = list(info.get("channels", []))
        if self._channel not in chans:
            self._channel = chans[0] if chans else None
        self._set_channels(chans)
        name = Path(self._path or "").name
        text = f"{name}  ·  {info.get('format', '')} {info.get('width')}×{info.get('height')} {info.get('mode', '')}"
        self.title_label.setText(text)
        self.title_label.setToolTip(self._path or "")
        if info.get("decode_error"):
            self.status_label.setText(str(info["decode_error"]))
        pending, self._pending_plane = self._pending_plane, None
        if pending is not None and pending[0] in chans:
            self._channel, self._bit = pending
            self._mode = "plane"
            self.mode_group.button([m for m, _ in MODES].index("plane")).setChecked(True)
            self._sync_selector()

    def _apply_plot(self, key: ViewKey, value: Any) -> None:
        if key[0] == "histograms":
            self.histogram.set_histograms(value)
        elif key[0] == "chi_square":
            series = {ch: (c.get("x", []), c.get("p", [])) for ch, c in (value or {}).items()}
            self.chi_plot.set_series(series)
            if not self.chi_plot.has_data():
                self.chi_plot.set_empty("No chi-square curve for this image")
        elif key[0] == "estimates":
            value = value or {}
            self.estimate_plot.set_groups(value.get("channels"))
            reasons = value.get("reasons") or {}
            lines = [f"{k}: {v}" for k, v in reasons.items()]
            lsbm = value.get("lsb_matching")
            if lsbm:
                lines.insert(0, f"LSB matching (±1): discriminant {lsbm['projection']:.1f}, threshold "
                                f"{lsbm['threshold']:.1f}, about {lsbm['payload_bpc']:.2f} bits per value"
                                + ("" if lsbm["decisive"] else " (information only: decoded JPEG pixels)"))
            self.estimate_note.setText("\n".join(lines))
            if not self.estimate_plot.has_data():
                self.estimate_plot.set_empty("No payload estimates for this image"
                                             + (f": {next(iter(reasons.values()))}" if reasons else ""))

    def _show(self, key: ViewKey, image: QImage) -> None:
        same_image = self._shown_key is not None
        self.canvas.set_image(image, keep_view=same_image)
        self._shown_key = key
        self.status_label.setText(describe(key))
        self.view_shown.emit(key)

    def _on_hover(self, x: int, y: int) -> None:
        data = self.cache.image_data(self._path) if (self._path and x >= 0) else None
        if data is None or not data.channels:
            self.pixel_label.setText("")
            return
        try:
            values = " ".join(f"{name.upper() if len(name) == 1 else name}={int(arr[y, x])}"
                              for name, arr in data.channels.items())
        except IndexError:
            values = ""
        self.pixel_label.setText(f"({x}, {y})  {values}")

    def _set_channels(self, chans: list[str]) -> None:
        for btn in self.channel_group.buttons():
            self.channel_group.removeButton(btn)
            btn.deleteLater()
        for i, ch in enumerate(chans):
            btn = _toggle(ch.upper() if len(ch) == 1 else CHANNEL_LABELS.get(ch, ch),
                          f"{CHANNEL_LABELS.get(ch, ch)} channel (Up/Down)")
            btn.setMinimumWidth(26)
            self.channel_group.addButton(btn, i)
            self._channel_box.addWidget(btn)
            btn.show()
        self.selector.setEnabled(bool(chans))
        self._sync_selector()

    def _sync_selector(self) -> None:
        chans = self.channels()
        if self._channel in chans:
            btn = self.channel_group.button(chans.index(self._channel))
            if btn is not None:
                btn.setChecked(True)
        bit_btn = self.bit_group.button(self._bit + 1)
        if bit_btn is not None:
            bit_btn.setChecked(True)


def describe(key: ViewKey | None) -> str:
    """A view key for people: "Red bit 0 (LSB)", "Original", ..."""
    if not key:
        return ""
    if key[0] == "original":
        return "Original"
    if key[0] == "lsb":
        return "LSB enhanced (lowest bit of R, G, B stretched to full range)"
    if key[0] == "channel":
        return f"{CHANNEL_LABELS.get(str(key[1]), key[1])} channel"
    if key[0] == "plane":
        bit = int(key[2])  # type: ignore[arg-type]
        suffix = " (LSB)" if bit == 0 else " (MSB)" if bit == 7 else ""
        return f"{CHANNEL_LABELS.get(str(key[1]), key[1])} bit {bit}{suffix}"
    return str(key[0])


def _toggle(text: str, tip: str) -> QToolButton:
    btn = QToolButton()
    btn.setText(text)
    btn.setToolTip(tip)
    btn.setAccessibleName(tip)
    btn.setCheckable(True)
    btn.setAutoRaise(False)
    btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return btn
