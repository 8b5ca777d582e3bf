"""Entry point of the frozen StegnoX app (PyInstaller runs this file as __main__).

freeze_support() must run before anything else: the engine's worker processes are started with
multiprocessing "spawn", which re-launches this same executable with special arguments; the call
turns such a launch into the worker and exits, instead of opening a second window.
"""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from stegnox_gui.cli.main import main

    sys.exit(main())
