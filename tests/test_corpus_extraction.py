"""The engine over every image of the developer corpus (real stego tools' output, with ground truth).

Each payload the manifest marks extractable must be recovered (its text, the text inside a ZIP/PNG
payload, or the payload file itself by sha256), steghide's with an empty passphrase included; steghide
and OutGuess payloads under a common password are recovered too, by the dictionary attack; clean images never get a
hidden_data verdict; every file gives a result or a clear error.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from stegnox_gui.engine.errors import EngineError
from stegnox_gui.engine.stegnox_engine import StegnoxEngine

CORPUS = Path(__file__).parent / "data" / "corpus-dev"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, tuple[dict | None, str | None, Path]]:
    """file -> (result or None, error message or None, folder of carved files); the engine runs once."""
    engine = StegnoxEngine()
    results = {}
    for entry in MANIFEST:
        out = tmp_path_factory.mktemp("carved")
        try:
            results[entry["file"]] = (engine.extract_all_methods(CORPUS / entry["file"], output_dir=out), None, out)
        except EngineError as exc:
            results[entry["file"]] = (None, str(exc), out)
    return results


def _recovered(entry: dict, result: dict, out: Path) -> bool:
    """Whether the payload appears in the result (summaries, previews) or in a carved file."""
    texts = [t for t in (entry.get("payload_text"), entry.get("payload_inner_text")) if t]
    shown = json.dumps(result, ensure_ascii=False)
    if any(t in shown for t in texts):
        return True
    for path in out.iterdir():
        data = path.read_bytes()
        if entry.get("payload_sha256") and hashlib.sha256(data).hexdigest() == entry["payload_sha256"]:
            return True
        if any(t.encode("utf-8") in data for t in texts):
            return True
    return False


EXTRACTABLE = [e for e in MANIFEST if e["expected"]["extract"]]


@pytest.mark.slow
@pytest.mark.parametrize("entry", EXTRACTABLE, ids=[f"{e['category']}:{e['file']}" for e in EXTRACTABLE])
def test_extractable_payloads_are_recovered(entry, outcomes) -> None:
    result, error, out = outcomes[entry["file"]]
    assert error is None, error
    assert result["found_data"], result["message"]
    assert _recovered(entry, result, out), f"payload of {entry['file']} ({entry['category']}) not recovered"


KEYED = [e for e in MANIFEST if e["params"].get("passphrase_in_common_list") or e["params"].get("key_in_common_list")]


@pytest.mark.slow
@pytest.mark.parametrize("entry", KEYED, ids=[f"{e['tool']}:{e['file']}" for e in KEYED])
def test_keyed_payloads_under_common_passwords_are_recovered(entry, outcomes) -> None:
    """steghide and OutGuess payloads whose passphrase is a common password: the dictionary attack."""
    result, error, out = outcomes[entry["file"]]
    assert error is None, error
    assert result["verdict"] == "hidden_data", result["message"]
    assert _recovered(entry, result, out), f"{entry['tool']} payload of {entry['file']} not recovered"
    found = [f for f in result["findings"] if f["method"] == entry["tool"]]
    key = entry["params"].get("passphrase", entry["params"].get("key"))
    assert found and found[0]["params"]["passphrase"] == key
    if entry["tool"] == "steghide":
        assert found[0]["params"]["embedded_filename"] == entry["params"]["embedded_filename"]
        assert found[0]["params"]["checksum"] == "ok"


@pytest.mark.slow
def test_no_hidden_data_verdict_on_clean_images(outcomes) -> None:
    flagged = []
    for entry in MANIFEST:
        if entry["category"] != "clean":
            continue
        result, error, _ = outcomes[entry["file"]]
        assert error is None, f"{entry['file']}: {error}"
        if result["verdict"] == "hidden_data":
            flagged.append(f"{entry['file']}: {result['message']}")
    assert not flagged, flagged


@pytest.mark.slow
def test_every_file_gives_a_result_or_a_clear_error(outcomes) -> None:
    assert len(outcomes) == len(MANIFEST)
    for file, (result, error, _) in outcomes.items():
        if result is None:
            assert error and len(error) < 500, file
        else:
            json.dumps(result)
            assert all(m["status"] in ("ok", "skipped", "error") for m in result["methods"].values())
            failed = {n: m["error"] for n, m in result["methods"].items() if m["status"] == "error"}
            assert not failed, f"{file}: methods failed: {failed}"
