"""The code that runs inside an engine worker process (started with the "spawn" method).

Protocol over one duplex pipe (tuples; the second item is the job token, so messages of an
earlier, abandoned job are told apart):
    parent -> child: ("analyze", token, path, output_dir, methods) | ("cancel", token) | ("stop",)
    child -> parent: ("ready", pid) | ("startup_error", text)
                     ("progress", token, fraction, method) | ("result", token, dict)
                     ("cancelled", token) | ("error", token, type_name, message)
"""
from __future__ import annotations

import importlib
import os
import signal
from typing import Any

# Analyses run one per process: keep numeric libraries from starting a thread per core each.
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def default_engine(pixel_limit: int) -> Any:
    """The real engine (the factory used unless a test injects another)."""
    from stegnox_gui.engine.stegnox_engine import StegnoxEngine

    engine = StegnoxEngine(pixel_limit=pixel_limit)
    engine.methods  # import every method now, so the first job does not pay for it
    return engine


def load_factory(spec: str) -> Any:
    """'package.module:function' -> the function."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _limit_memory(megabytes: int | None) -> None:
    if not megabytes:
        return
    try:
        import resource
    except ImportError:  # Windows: no address-space limit
        return
    limit = int(megabytes) * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def child_main(conn: Any, config: dict[str, Any]) -> None:
    """Serve analyses until told to stop or the parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for var in _THREAD_VARS:
        os.environ.setdefault(var, "1")
    try:
        _limit_memory(config.get("memory_limit_mb"))
        engine = load_factory(config["engine_factory"])(config["pixel_limit"])
        if config.get("engine_options") and hasattr(engine, "options"):
            engine.options.update(config["engine_options"])
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, then exit
        conn.send(("startup_error", f"{type(exc).__name__}: {exc}"))
        return
    from stegnox_gui.engine.errors import AnalysisCancelled

    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message[0] == "stop":
            return
        if message[0] != "analyze":
            continue  # a late cancel of a job already over
        _, token, path, output_dir, methods = message
        stop_after = False

        def cancel() -> bool:
            nonlocal stop_after
            cancelled = False
            while conn.poll():
                incoming = conn.recv()
                if incoming[0] == "cancel" and incoming[1] == token:
                    cancelled = True
                elif incoming[0] == "stop":
                    cancelled = stop_after = True
            return cancelled

        cancelled_flag = [False]

        def cancel_sticky() -> bool:
            if not cancelled_flag[0]:
                cancelled_flag[0] = cancel()
            return cancelled_flag[0]

        def progress(fraction: float, method: str) -> None:
            conn.send(("progress", token, float(fraction), str(method)))

        try:
            result = engine.extract_all_methods(path, output_dir=output_dir, methods=methods, progress=progress,
                                                cancel=cancel_sticky)
            conn.send(("result", token, result))
        except AnalysisCancelled:
            conn.send(("cancelled", token))
        except MemoryError:
            conn.send(("error", token, "MemoryError", "out of memory"))
            return  # start afresh: the heap may be in a bad way
        except Exception as exc:  # noqa: BLE001 - every engine error goes back with its message
            try:
                conn.send(("error", token, type(exc).__name__, str(exc)))
            except Exception:  # noqa: BLE001 - e.g. an unpicklable detail: send the text only
                conn.send(("error", token, "Error", repr(exc)[:2000]))
        if stop_after:
            return
