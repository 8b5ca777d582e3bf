"""Readable text versus noise: scores byte strings so that natural LSB noise never reads as text.

Natural images' low bit planes are random bytes (a printable run of 20 random bytes has probability
~1e-9) or, in flat and saturated areas, short repeating patterns. Readable text shows word structure:
letters and spaces, plausible word lengths, vowels, many distinct characters and no short period.
"""
from __future__ import annotations

import re
import zlib

# One "text character": printable ASCII, tab/CR/LF, or a well-formed UTF-8 multi-byte sequence.
_TEXT_RUN = re.compile(
    rb"(?:[\x20-\x7e\t\r\n]|[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})*")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_FLAG = re.compile(r"^[A-Za-z][A-Za-z0-9_]{1,15}\{[A-Za-z0-9_\-!?.]{3,120}\}")
# A token of prose: a word (with an apostrophe or hyphen inside, punctuation around), a number, or
# an upper-case code like "ZSX7-BUQB"; printable noise rarely makes one.
_TOKEN_OK = re.compile(
    r"^[(\"'\[“‘]*(?:[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,:/-]\d+)*|[A-Z0-9]+(?:-[A-Z0-9]+)*"
    r"|[A-Za-z][A-Za-z0-9_]{1,15}\{[A-Za-z0-9_\-!?.]{3,120}\}"  # a CTF flag
    r"|https?://[\w.-]+(?:/[\w./%?&=+~#-]*)?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:/[\w.-]+)+/?)"  # URL, e-mail, path
    r"[.,;:!?)\]\"'”’]*$|^[-–—&/:*]{1,3}$")
_RARE_SYMBOLS = set("{}[]|\\^~<>@#$%&*_=+`")
_VOWELS = set("aeiouyAEIOUYàâäéèêëîïôöùûüáíóúåøæœ")
_SENTENCE_END = b".!?\n"
_CLOSERS = {ord(")"): b"(", ord("]"): b"[", ord("}"): b"{", ord('"'): b'"', ord("'"): b"'"}

TEXT_THRESHOLD = 0.5  # as_text() accepts data scoring at least this
MIN_TEXT_CHARS = 12  # shorter runs are never reported as text in noise-like streams


def text_run_length(data: bytes, start: int = 0) -> int:
    """Length in bytes of the run of text characters starting at `start`."""
    m = _TEXT_RUN.match(data, start)
    return m.end() - start if m else 0


def _periodic(text: str) -> bool:
    """True when the text is (nearly) a short pattern repeated, as flat image areas produce."""
    n = len(text)
    if n < 8:
        return False
    for period in range(1, min(8, n // 3) + 1):
        same = sum(1 for i in range(period, n) if text[i] == text[i - period])
        if same >= 0.8 * (n - period):
            return True
    return False


def text_score(data: bytes) -> float:
    """How much `data` looks like human-readable text, 0 (noise) .. 1 (clearly text).

    Judges the whole byte string: every byte counts, so a payload already cut to its length scores
    high and a noise stream scores near 0.
    """
    if not data:
        return 0.0
    data = data.rstrip(b"\x00")
    if not data:
        return 0.0
    text = data.decode("utf-8", errors="replace")
    n = len(text)
    bad = sum(1 for c in text if not (c.isprintable() or c in "\t\r\n") or c == "\ufffd")
    printable = 1.0 - bad / n
    if printable < 0.9:
        return 0.0
    if _FLAG.fullmatch(text.strip()):
        return 0.95 * printable
    if _periodic(text) or len(set(text)) < min(8, max(3, n // 3)):
        return 0.0

    letters = sum(1 for c in text if c.isalpha())
    spaces = sum(1 for c in text if c.isspace())
    words = _WORD.findall(text)
    if not words:
        return 0.0
    letter_frac = (letters + spaces) / n
    mean_len = letters / len(words)
    voweled = sum(1 for w in words if len(w) < 3 or any(c in _VOWELS for c in w)) / len(words)
    long_words = sum(1 for w in words if len(w) > 20) / len(words)

    score = printable
    score *= _ramp(letter_frac, 0.35, 0.6)
    score *= _ramp(voweled, 0.5, 0.85)
    score *= 1.0 - long_words
    if spaces == 0:
        score *= 0.3  # no space at all: an identifier, an encoding or noise, not prose
    elif not 2.0 <= mean_len <= 12.0:
        score *= 0.4
    lower = sum(1 for c in text if c.islower())
    if letters >= 8 and lower < 0.4 * letters and spaces < n / 12:
        score *= 0.5  # mostly capitals and few spaces: nibble patterns of smooth areas look like this
    if n >= 64 and len({w.lower() for w in words}) < 8 and len(zlib.compress(data)) < 0.25 * n:
        score *= 0.3  # a few "words" repeated: a pattern of the image, not prose
    # Printable noise (random bytes that happen to fall in 0x20..0x7e) has many symbols, few letters
    # between the spaces, and capitals in the middle of words ("fTmpygMvqpw"); prose has none of that.
    non_space = max(1, n - spaces)
    symbols = sum(1 for c in text if c in _RARE_SYMBOLS) / n
    humps = sum(1 for a, b in zip(text, text[1:]) if a.islower() and b.isupper()) / max(1, letters)
    tokens = text.split()
    wordlike = sum(len(t) for t in tokens if _TOKEN_OK.match(t)) / max(1, sum(len(t) for t in tokens))
    score *= _ramp(wordlike, 0.5, 0.8)
    score *= _ramp(letters / non_space, 0.4, 0.6)
    score *= _ramp(0.2 - symbols, 0.0, 0.12)
    score *= _ramp(0.12 - humps, 0.0, 0.08)
    score *= _ramp(n, 4, MIN_TEXT_CHARS + 8)  # short strings are weak evidence however they look
    return max(0.0, min(1.0, score))


_COMMON_WORDS = frozenset(
    "the a an and or of to in on at by for with from is are was were be it this that as not but you i "
    "we he she they my your our his her their me us them do did have has had will can if so no yes "
    "le la les et de des un une est der die das und ist el los las y en que".split())


def word_score(data: bytes) -> float:
    """Share of the words that are very common words (English and a few other languages): tells real
    text from text read backwards ("eht"), which the layout search also meets."""
    words = _WORD.findall(data.decode("utf-8", "replace").lower())
    if not words:
        return 0.0
    # palindromes ("a", "i", "did") read the same backwards and so tell nothing
    return sum(1 for w in words if w in _COMMON_WORDS and w != w[::-1]) / len(words)


def _ramp(x: float, lo: float, hi: float) -> float:
    """0 below lo, 1 above hi, linear between."""
    if x <= lo:
        return 0.0
    if x >= hi:
        return 1.0
    return (x - lo) / (hi - lo)


def as_text(data: bytes) -> str | None:
    """The data decoded as text when it reads as text (score >= TEXT_THRESHOLD), else None."""
    if text_score(data) < TEXT_THRESHOLD:
        return None
    return data.rstrip(b"\x00").decode("utf-8", errors="replace")


def _ends_sentence(chunk: bytes, i: int) -> bool:
    """A sentence end at i: . ! ? or newline, or a closing bracket/quote whose opener came before."""
    c = chunk[i]
    if c in _SENTENCE_END:
        return True
    opener = _CLOSERS.get(c)
    return opener is not None and chunk.find(opener, 0, i) >= 0


def leading_text(stream: bytes, start: int = 0, min_chars: int = MIN_TEXT_CHARS) -> bytes | None:
    """The readable text at the start of a headerless stream (a payload followed by cover noise),
    cut where the text most likely ends; None when there is no such text.

    After the payload, cover noise may add a few printable bytes by chance; when a sentence end lies
    within the last few bytes of the run, the cut is made just after it.
    """
    run = text_run_length(stream, start)
    if run < min_chars:
        return None
    chunk = stream[start:start + run]
    for i in range(len(chunk) - 1, max(len(chunk) - 12, 0) - 1, -1):
        if _ends_sentence(chunk, i) and i >= min_chars - 1:
            tail = chunk[i + 1:]
            if len(tail) <= 3 or b" " not in tail:  # noise after the sentence, not more words
                chunk = chunk[:i + 1]
            break
    if text_score(chunk) < TEXT_THRESHOLD:
        return None
    return chunk
