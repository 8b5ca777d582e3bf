"""PySide6 6.12.0 drops a reference to True on every signal emitted from Python and aborts the
interpreter (bool_dealloc). We pin <6.12; this test fails if a bad build comes back."""
import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(bool)


def test_emitting_signals_keeps_refcount_of_true(qapp):
    emitter = _Emitter()
    seen = []
    emitter.fired.connect(seen.append)
    before = sys.getrefcount(True)
    for _ in range(1000):
        emitter.fired.emit(True)
    assert len(seen) == 1000
    seen.clear()
    assert sys.getrefcount(True) >= before - 5
