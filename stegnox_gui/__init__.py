"""StegnoX: a local-first workbench for steganography analysis of images."""
from stegnox_gui._version import __version__

__all__ = ["__version__"]
