"""The bytes of a finding's payload: the carved file when there is one, else what the preview holds.

The engine's preview is the payload's text, or for binary payloads a hex dump of its first bytes
(`00000000  89 50 4e 47 ...  .PNG`), which is parsed back into bytes here.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_DUMP_LINE = re.compile(r"^([0-9a-fA-F]{8})  ((?:[0-9a-fA-F]{2} {1,2})*[0-9a-fA-F]{2})(?:\s{2,}.*)?$")
DISPLAY_LIMIT = 16 * 1024 * 1024  # bytes of a carved payload read for display (saving copies the file)


def parse_hex_dump(text: str) -> bytes | None:
    """Bytes from a hex dump in the engine's preview layout, or None if `text` is not one."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return None
    out = bytearray()
    for ln in lines:
        m = _DUMP_LINE.match(ln.rstrip())
        if m is None or int(m.group(1), 16) != len(out):
            return None
        out.extend(bytes.fromhex(m.group(2).replace(" ", "")))
    return bytes(out)


def carved_path(finding: dict[str, Any]) -> Path | None:
    """The finding's carved file, if it names one that exists."""
    path = finding.get("path")
    if not path:
        return None
    p = Path(str(path))
    return p if p.is_file() else None


def payload_bytes(finding: dict[str, Any], limit: int = DISPLAY_LIMIT) -> tuple[bytes, bool]:
    """(bytes, complete): the carved payload (its first `limit` bytes), or the bytes the preview
    holds; complete when they are the whole payload."""
    p = carved_path(finding)
    if p is not None:
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
        return data[:limit], len(data) <= limit
    preview = finding.get("preview")
    if not preview:
        return b"", False
    data = parse_hex_dump(str(preview))
    if data is None:
        data = str(preview).encode("utf-8")
    size = finding.get("payload_size")
    complete = size is not None and len(data) == size
    return data, complete


def is_binary(data: bytes, finding: dict[str, Any] | None = None) -> bool:
    """Whether bytes are better shown as hex than as text."""
    if finding is not None and finding.get("detected_type") == "text":
        return False
    if not data:
        return False
    try:
        text = data[:65536].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(data[:65536]) - 4:  # not only a character cut at the end
            return True
        text = data[: exc.start].decode("utf-8")
    bad = sum(1 for c in text if not (c.isprintable() or c in "\r\n\t"))
    return bad > max(1, len(text) // 50)
