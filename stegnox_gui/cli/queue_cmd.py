"""`stegnox queue`: placeholder until its issue lands (replaced by the real command)."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("queue", help="(not built yet)")
    p.set_defaults(func=lambda args: print("stegnox queue is not built yet") or 2)
