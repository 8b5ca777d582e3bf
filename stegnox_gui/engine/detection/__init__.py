"""Shared numerics of the statistical LSB detectors (chi-square, RS, SPA, WS) and their calibration.

Everything here is plain numpy on 2-D uint8 channel arrays; the method modules in `engine/methods/` wrap
these into findings, and `engine/verdict.py` fuses them.
"""
