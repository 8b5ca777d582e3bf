"""Self-contained HTML report: inline CSS, base64 thumbnails, a findings table per job.

Every string that comes from an image or a result (file names, summaries, payload previews) is
escaped; the page carries a Content-Security-Policy that forbids scripts and remote loads.
"""
from __future__ import annotations

import datetime as _dt
from collections import Counter
from html import escape
from typing import IO, Any, Callable

from stegnox_gui._version import __version__
from stegnox_gui.reports import job_fields as jf

MAX_FINDINGS_PER_JOB = 25
MAX_PREVIEW_CHARS = 1200

VERDICT_LABELS = {"hidden_data": "Hidden data", "suspicious": "Suspicious", "clean": "Clean"}

_CSS = """
:root{--bg:#f6f7f9;--card:#fff;--fg:#1c1f24;--muted:#5d6673;--line:#dde1e6;--code:#f0f2f5;
--red:#c62828;--amber:#b26a00;--green:#2e7d32;--grey:#607080}
@media (prefers-color-scheme:dark){:root{--bg:#15181c;--card:#1e2227;--fg:#e4e7eb;--muted:#98a2ae;
--line:#343a42;--code:#262b31;--red:#ef6461;--amber:#f0a830;--green:#5cb85c;--grey:#8a97a6}}
*{box-sizing:border-box}
body{margin:0;padding:24px;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:22px;margin:0 0 4px}
.meta{color:var(--muted);margin-bottom:16px}
.summary{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:20px}
.stat{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:120px}
.stat b{display:block;font-size:22px}
.job{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px;margin-bottom:14px;
display:grid;grid-template-columns:172px 1fr;gap:14px}
.thumb{width:160px;height:160px;display:flex;align-items:center;justify-content:center;
background:var(--code);border-radius:6px;overflow:hidden;color:var(--muted);font-size:12px}
.thumb img{max-width:160px;max-height:160px;image-rendering:auto}
.name{font-weight:600;font-size:16px;word-break:break-all}
.path{color:var(--muted);font-size:12px;word-break:break-all}
.badge{display:inline-block;padding:2px 9px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;
vertical-align:middle}
.v-hidden_data{background:var(--red)}.v-suspicious{background:var(--amber)}.v-clean{background:var(--green)}
.v-other{background:var(--grey)}
.msg{margin:6px 0}
.err{color:var(--red);white-space:pre-wrap}
table{border-collapse:collapse;width:100%;margin-top:8px;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.info td{color:var(--muted)}
pre{margin:4px 0 0;padding:6px 8px;background:var(--code);border-radius:4px;max-height:240px;overflow:auto;
font:12px/1.35 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
details summary{cursor:pointer;color:var(--muted);font-size:12px}
.more{color:var(--muted);font-size:12px;margin-top:4px}
a{color:inherit}
.overview{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:8px 0 20px}
details>summary{font-weight:600}
"""


def write_html(jobs: list[dict[str, Any]], out: IO[str], *, thumbnails: list[str | None] | None = None,
               title: str = "StegnoX report", progress: Callable[[int], None] | None = None) -> None:
    """Write the whole report; `thumbnails[i]` is a data: URI (or None) for jobs[i]."""
    thumbs = thumbnails if thumbnails is not None else [None] * len(jobs)
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
    out.write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "img-src data:; style-src 'unsafe-inline'\">\n")
    out.write("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n")
    out.write(f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>\n")
    out.write(f"<h1>{escape(title)}</h1>\n<div class=\"meta\">{len(jobs)} image(s) · generated {escape(now)} "
              f"by StegnoX {escape(__version__)}</div>\n")
    out.write(_summary(jobs))
    out.write(_overview(jobs))
    for n, (job, thumb) in enumerate(zip(jobs, thumbs), 1):
        out.write(_job_card(job, thumb, n))
        if progress is not None:
            progress(n)
    out.write("</body></html>\n")


def _summary(jobs: list[dict[str, Any]]) -> str:
    verdicts = Counter(jf.verdict_of(j) or "" for j in jobs)
    statuses = Counter(str(j.get("status") or "") for j in jobs)
    cells = [("Images", len(jobs)), ("Hidden data", verdicts.get("hidden_data", 0)),
             ("Suspicious", verdicts.get("suspicious", 0)), ("Clean", verdicts.get("clean", 0))]
    for status in ("failed", "pending", "processing", "cancelled"):
        if statuses.get(status):
            cells.append((status.capitalize(), statuses[status]))
    inner = "".join(f"<div class=\"stat\"><b>{v}</b>{escape(k)}</div>" for k, v in cells)
    return f"<div class=\"summary\">{inner}</div>\n"


def _overview(jobs: list[dict[str, Any]]) -> str:
    """One line per image, linking to its card: the report's table of contents."""
    rows = ["<details open><summary>Overview</summary><table class=\"overview\"><thead><tr><th>#</th><th>Image</th>"
            "<th>Verdict</th><th>Score</th><th>Result</th></tr></thead><tbody>"]
    for n, job in enumerate(jobs, 1):
        score = jf.score_of(job)
        text = jf.message_of(job) or str(job.get("error") or "")
        rows.append(f"<tr><td class=\"num\"><a href=\"#job-{n}\">{n}</a></td>"
                    f"<td><a href=\"#job-{n}\">{escape(jf.image_name(job) or '(unnamed)')}</a></td>"
                    f"<td>{_badge(job)}</td><td class=\"num\">{'' if score is None else f'{score:.2f}'}</td>"
                    f"<td>{escape(_short(text, 160))}</td></tr>")
    rows.append("</tbody></table></details>\n")
    return "".join(rows)


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _badge(job: dict[str, Any]) -> str:
    verdict = jf.verdict_of(job)
    status = str(job.get("status") or "")
    if verdict in VERDICT_LABELS:
        return f"<span class=\"badge v-{verdict}\">{VERDICT_LABELS[verdict]}</span>"
    label = status.capitalize() or "Unknown"
    return f"<span class=\"badge v-other\">{escape(label)}</span>"


def _job_card(job: dict[str, Any], thumb: str | None, number: int) -> str:
    name = jf.image_name(job) or "(unnamed)"
    path = str(job.get("image_path") or "")
    score = jf.score_of(job)
    res = jf.results_of(job)
    image = res.get("image") if isinstance(res.get("image"), dict) else {}
    thumb_html = (f"<img alt=\"{escape(name)}\" src=\"{escape(thumb)}\">" if thumb and thumb.startswith("data:image/")
                  else "no preview")
    parts = [f"<section class=\"job\" id=\"job-{number}\"><div class=\"thumb\">{thumb_html}</div><div>",
             f"<div class=\"name\">{escape(name)} {_badge(job)}"]
    if score is not None:
        parts.append(f" <span class=\"path\">score {score:.2f}</span>")
    parts.append("</div>")
    parts.append(f"<div class=\"path\">{escape(path)}</div>")
    facts = []
    if image:
        facts.append(f"{escape(str(image.get('format', '')))} {escape(str(image.get('width', '')))}×"
                     f"{escape(str(image.get('height', '')))} {escape(str(image.get('mode', '')))}")
        if image.get("file_size") is not None:
            facts.append(f"{escape(str(image.get('file_size')))} bytes")
        if image.get("sha256"):
            facts.append(f"SHA-256 {escape(str(image['sha256']))}")
    facts.append(f"status {escape(str(job.get('status') or ''))}")
    parts.append(f"<div class=\"path\">{' · '.join(facts)}</div>")
    message = jf.message_of(job)
    if message:
        parts.append(f"<div class=\"msg\">{escape(message)}</div>")
    drivers = [d for d in (res.get("drivers") or []) if isinstance(d, dict)]
    if drivers:
        named = ", ".join(f"{escape(str(d.get('method', '')))} ({escape(str(d.get('confidence', '')))})" for d in drivers[:5])
        parts.append(f"<div class=\"path\">Verdict driven by {named}</div>")
    error = job.get("error") or res.get("error")
    if error:
        parts.append(f"<div class=\"err\">{escape(str(error))}</div>")
    parts.append(_findings_table(jf.findings_of(job)))
    parts.append("</div></section>\n")
    return "".join(parts)


def _findings_table(findings: list[dict[str, Any]]) -> str:
    if not findings:
        return ""
    rows = ["<table><thead><tr><th>Method</th><th>Kind</th><th>Confidence</th><th>Finding</th></tr></thead><tbody>"]
    for f in findings[:MAX_FINDINGS_PER_JOB]:
        cls = "" if f.get("hidden", True) else " class=\"info\""
        try:
            conf = f"{float(f.get('confidence', 0.0)):.2f}"
        except (TypeError, ValueError):
            conf = ""
        cell = escape(str(f.get("summary", "")))
        extra = []
        if f.get("detected_type"):
            extra.append(f"type {escape(str(f['detected_type']))}")
        if f.get("payload_size") is not None:
            extra.append(f"{escape(str(f['payload_size']))} bytes")
        if f.get("params"):
            extra.append(escape(_params_text(f["params"])))
        if extra:
            cell += f"<div class=\"path\">{' · '.join(extra)}</div>"
        preview = f.get("preview")
        if preview:
            text = str(preview)
            if len(text) > MAX_PREVIEW_CHARS:
                text = text[:MAX_PREVIEW_CHARS] + "\n…"
            cell += f"<details><summary>preview</summary><pre>{escape(text)}</pre></details>"
        rows.append(f"<tr{cls}><td>{escape(str(f.get('method', '')))}</td><td>{escape(str(f.get('kind', '')))}</td>"
                    f"<td class=\"num\">{conf}</td><td>{cell}</td></tr>")
    rows.append("</tbody></table>")
    if len(findings) > MAX_FINDINGS_PER_JOB:
        rows.append(f"<div class=\"more\">… and {len(findings) - MAX_FINDINGS_PER_JOB} more finding(s) "
                    "(see the JSON export)</div>")
    return "".join(rows)


def _params_text(params: Any) -> str:
    if isinstance(params, dict):
        return ", ".join(f"{k}={v}" for k, v in list(params.items())[:8])
    return str(params)
