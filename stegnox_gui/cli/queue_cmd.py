"""`stegnox queue`: add images to the job queue, list jobs, stats, cancel, retry, cleanup."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from stegnox_gui.paths import default_data_dir
from stegnox_gui.steg_queue import JobQueue, JobStatus, QueueError

RESULTS_DIR = "results"


def register(sub: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR",
                        help="data folder holding the queue (default: the per-user data folder, or STEGNOX_DATA_DIR)")
    common.add_argument("--json", action="store_true", help="print JSON for scripts instead of text")

    p = sub.add_parser("queue", help="manage the job queue (add, list, stats, cancel, retry, cleanup)",
                       description="Manage the persistent job queue shared with the desktop app and `stegnox worker`.")
    qsub = p.add_subparsers(dest="queue_command", metavar="ACTION", required=True)

    add = qsub.add_parser("add", parents=[common], help="queue image files or folders")
    add.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    add.add_argument("--priority", default="normal", choices=["high", "normal", "low"], type=str.lower)
    add.add_argument("-r", "--recursive", action="store_true", help="walk folders and their subfolders")
    add.set_defaults(func=_add)

    ls = qsub.add_parser("list", parents=[common], help="list jobs, oldest first")
    ls.add_argument("--status", choices=[s.value for s in JobStatus], type=str.lower)
    ls.add_argument("--limit", type=_non_negative, default=50, help="at most this many jobs (0: all; default 50)")
    ls.add_argument("--offset", type=_non_negative, default=0, help="skip this many jobs first")
    ls.set_defaults(func=_list)

    st = qsub.add_parser("stats", parents=[common], help="counts by status and priority, throughput")
    st.set_defaults(func=_stats)

    for name, verb, fn in (("cancel", "cancel pending or processing jobs", _cancel),
                           ("retry", "put failed or cancelled jobs back to pending", _retry)):
        c = qsub.add_parser(name, parents=[common], help=verb)
        c.add_argument("job_ids", nargs="+", metavar="ID")
        c.set_defaults(func=fn)

    cl = qsub.add_parser("cleanup", parents=[common], help="remove finished jobs older than N days")
    cl.add_argument("--days", type=float, default=30.0, help="age in days (default 30)")
    cl.set_defaults(func=_cleanup)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def data_dir_of(args: argparse.Namespace) -> Path:
    return Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()


def _open(args: argparse.Namespace) -> JobQueue:
    return JobQueue(data_dir_of(args))


def _run(fn):
    """Open the queue, run `fn`, turn queue and argument errors into one clear line and exit code 2."""
    def wrapper(args: argparse.Namespace) -> int:
        try:
            with _open(args) as queue:
                return fn(args, queue)
        except (QueueError, ValueError) as exc:
            print(f"stegnox queue: error: {exc}", file=sys.stderr)
            return 2
    return wrapper


def _emit_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


@_run
def _add(args: argparse.Namespace, queue: JobQueue) -> int:
    from stegnox_gui.gui.file_collector import collect_images  # plain Python: no Qt is imported

    found = collect_images(args.paths, recursive=args.recursive)
    ids = queue.add_jobs(found.files, priority=args.priority)
    if args.json:
        _emit_json({"added": [{"job_id": j, "image_path": p} for j, p in zip(ids, found.files)],
                    "priority": args.priority, "skipped": found.skipped, "missing": found.missing,
                    "unreadable_folders": found.unreadable})
    else:
        print(f"Queued {len(ids)} image{'s' if len(ids) != 1 else ''} with {args.priority} priority.")
        if found.skipped:
            print(f"Skipped {found.skipped} file{'s that are not images' if found.skipped != 1 else ' that is not an image'}.")
        for path in found.missing:
            print(f"Not found: {path}", file=sys.stderr)
        if found.unreadable:
            print(f"Could not read {found.unreadable} folder(s).", file=sys.stderr)
        folders = [p for p in args.paths if Path(p).is_dir()]
        if folders and not args.recursive and not ids:
            print("Folders were not walked into subfolders; add --recursive to include them.")
    return 0 if ids or not (found.missing or found.unreadable) else 1


@_run
def _list(args: argparse.Namespace, queue: JobQueue) -> int:
    jobs = queue.list_jobs(status=args.status, limit=args.limit or None, offset=args.offset,
                           include_results=False)
    total = queue.count_jobs(args.status)
    if args.json:
        _emit_json({"total": total, "offset": args.offset, "jobs": jobs})
        return 0
    if not jobs:
        print("No jobs" + (f" with status {args.status}." if args.status else " in the queue."))
        return 0
    print(f"{'JOB ID':36}  {'STATUS':10}  {'PRIO':6}  {'RESULT':28}  FILE")
    for job in jobs:
        outcome = job["error"] if job["status"] == "failed" else (
            f"{job['verdict']} {job['score']:.2f}" if job["verdict"] and job["score"] is not None else job["verdict"])
        print(f"{job['job_id']:36}  {job['status']:10}  {job['priority']:6}  {_cut(outcome or '', 28):28}  "
              f"{job['image_path']}")
    shown_to = args.offset + len(jobs)
    if shown_to < total or args.offset:
        print(f"({args.offset + 1}-{shown_to} of {total}; use --offset/--limit for more)")
    return 0


@_run
def _stats(args: argparse.Namespace, queue: JobQueue) -> int:
    stats = queue.get_queue_stats()
    if args.json:
        _emit_json(stats)
        return 0
    print(f"Jobs: {stats['total']}")
    print("  " + ", ".join(f"{s.value} {stats[s.value]}" for s in JobStatus))
    prio = stats["pending_by_priority"]
    print(f"Pending by priority: high {prio['high']}, normal {prio['normal']}, low {prio['low']}")
    if stats["mean_processing_seconds"] is not None:
        print(f"Mean analysis time: {stats['mean_processing_seconds']:.2f} s")
    if stats["oldest_pending_age_seconds"] is not None:
        print(f"Oldest pending job waiting: {_duration(stats['oldest_pending_age_seconds'])}")
    print(f"Throughput (last 5 minutes): {stats['throughput_per_minute']:.1f} jobs/min")
    return 0


def _change(args: argparse.Namespace, queue: JobQueue, action, verb: str, allowed: str) -> int:
    changed = set(action(args.job_ids))
    results = []
    for job_id in args.job_ids:
        if job_id in changed:
            results.append({"job_id": job_id, "ok": True})
            continue
        job = queue.get_job(job_id, include_results=False)
        reason = "no such job" if job is None else f"it is {job['status']} (only {allowed} jobs)"
        results.append({"job_id": job_id, "ok": False, "reason": reason})
    if args.json:
        _emit_json({verb: results})
    else:
        for r in results:
            if r["ok"]:
                print(f"{verb.capitalize()} {r['job_id']}")
            else:
                print(f"Not {verb} {r['job_id']}: {r['reason']}", file=sys.stderr)
    return 0 if len(changed) == len(set(args.job_ids)) else 1


@_run
def _cancel(args: argparse.Namespace, queue: JobQueue) -> int:
    return _change(args, queue, queue.cancel_jobs, "cancelled", "pending or processing")


@_run
def _retry(args: argparse.Namespace, queue: JobQueue) -> int:
    return _change(args, queue, queue.retry_jobs, "retried", "failed or cancelled")


@_run
def _cleanup(args: argparse.Namespace, queue: JobQueue) -> int:
    from stegnox_gui.worker.retention import cleanup

    if args.days < 0:
        raise ValueError("--days must be 0 or more")
    removed = cleanup(queue, data_dir_of(args) / RESULTS_DIR, args.days)
    if args.json:
        _emit_json({"removed": removed, "days": args.days})
    else:
        print(f"Removed {removed} finished job{'s' if removed != 1 else ''} older than {args.days:g} days.")
    return 0


def _cut(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
