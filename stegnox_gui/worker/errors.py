"""Why an analysis ended without a result, besides the engine's own errors."""
from __future__ import annotations

from stegnox_gui.engine.errors import EngineError


class AnalysisFailed(EngineError):
    """The worker process crashed, hung past the time limit, ran out of memory, or the pool was
    closed. The message is for people and becomes the failed job's error."""


class WorkerStartError(AnalysisFailed):
    """No analysis process could be started (the engine does not import, no memory for a new
    process...). Not the job's fault: runners hand the job back and report the problem."""
