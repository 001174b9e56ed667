"""Student-controlled text made safe for the instructor's screen, spreadsheet and feedback files.

File names, error messages and written answers come from students. Before they reach an
instructor-facing output they pass through one of these functions:

* :func:`display_name`: a file name (bytes or text) as readable text: not-UTF-8 bytes shown as
  ``\\xNN``, control and bidirectional-override characters shown as ``\\uNNNN``, at most
  :data:`MAX_NAME` characters (a long name keeps its start and end and gains a short hash);
* :func:`terminal`: text for a terminal, without control sequences;
* :func:`csv_cell`: a gradebook cell that no spreadsheet will read as a formula (the OWASP advice
  on CSV injection: a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a ``'``);
* :func:`markdown_text` / :func:`markdown_code`: student text inside a feedback file, unable to
  start a heading, a list item or a score line, to close a code span, or to load anything remote;
* :func:`file_stem`: a unique, bounded file name for a per-submission output file.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

MAX_NAME = 200
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _escape_char(ch: str) -> str:
    if ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            return f"\\x{code - 0xDC00:02x}"
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return ch


def display_name(name: str | bytes, limit: int = MAX_NAME) -> str:
    """A file name as safe, readable text (see the module docstring)."""
    if isinstance(name, bytes):
        name = name.decode("utf-8", "surrogateescape")
    text = "".join(_escape_char(ch) for ch in name)
    if len(text) > limit:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        keep = limit - 12
        text = text[: keep // 2] + "…" + digest + "…" + text[-(keep - keep // 2):]
    return text


def terminal(text: str) -> str:
    """``text`` without control characters or escape sequences (newlines become spaces)."""
    text = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x1b.", "", str(text))
    return "".join(" " if ch in "\n\r\t" else _escape_char(ch) for ch in text)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def csv_cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text, never evaluates (numbers stay numbers)."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def markdown_text(text: str, limit: int = 2000) -> str:
    """Student text for one line of a Markdown feedback file: inert, on one line, HTML-escaped."""
    text = terminal(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = html.escape(text, quote=False)
    # Markdown punctuation that could start a heading, emphasis, a link or an image, or a code span
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~-])", r"\\\1", text)


def markdown_code(text: str, limit: int = 2000) -> str:
    """Student text shown as inline code: on one line, with a fence longer than any backtick run in it."""
    text = terminal(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    return f"{fence} {text} {fence}"


def file_stem(name: str, used: set[str], limit: int = 120) -> str:
    """A file-system-safe stem for ``name``, unique among ``used`` (which it updates), at most ``limit`` long.

    Different names always get different stems: when the readable form of a name is already taken
    (``alice smith`` and ``alice_smith``) or had to be shortened, a hash of the full name is added.
    """
    readable = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "-_." else "_" for ch in name)
    readable = readable.lstrip(".") or "submission"
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    stem = readable[:limit]
    if stem != name or stem.lower() in used or len(readable) > limit:
        stem = readable[: limit - 11] + "-" + digest
    n = 2
    base = stem
    while stem.lower() in used:
        stem = f"{base}-{n}"
        n += 1
    used.add(stem.lower())
    return stem


def fenced(text: str, info: str = "text") -> str:
    """Student text as a fenced Markdown block that nothing inside it can close (no headings, no images)."""
    text = "".join(ch if ch in "\n\t" else _escape_char(ch) for ch in str(text))
    run = max((len(m) for m in re.findall(r"`{3,}|~{3,}", text)), default=2)
    fence = "`" * max(3, run + 1)
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"
