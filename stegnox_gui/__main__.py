"""`python -m stegnox_gui`: same as the `stegnox` command."""
from stegnox_gui.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
