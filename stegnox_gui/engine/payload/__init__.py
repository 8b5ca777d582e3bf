"""Payload recognition: text scoring, tool headers, file signatures and carving, encoded-text decoding."""
