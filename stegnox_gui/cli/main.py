"""Entry point of the `stegnox` command. With no subcommand it starts the desktop app."""
from __future__ import annotations

import argparse
import sys

from stegnox_gui import __version__

# Each subcommand module has register(subparsers) and sets `func` on its parser.
COMMAND_NAMES = ("queue", "analyze", "worker")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stegnox",
        description="StegnoX: steganography analysis of images. Without a command, starts the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"StegnoX {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Imported here so that `--version` and the GUI start without loading numpy and the engine.
    from stegnox_gui.cli import analyze_cmd, queue_cmd, worker_cmd

    for module in (queue_cmd, analyze_cmd, worker_cmd):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--version"]:
        print(f"StegnoX {__version__}")
        return 0
    # Anything that is not a known subcommand (files to open, GUI flags) goes to the desktop app.
    if not argv or (argv[0] not in COMMAND_NAMES and argv[0] not in ("-h", "--help", "--version")):
        from stegnox_gui.gui.app import main as gui_main

        return gui_main(argv)
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
