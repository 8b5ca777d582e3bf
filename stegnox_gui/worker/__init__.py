"""Running analyses for the queue: the engine in a pool of reused worker processes, the job runner
shared by `stegnox worker` and the desktop app, and retention of old jobs. No Qt here."""
