"""``Content-Disposition`` for downloads whose names come from the creator (RFC 6266, RFC 8187).

A header is Latin-1 on the wire, so a project named in Cyrillic or Japanese cannot go into a plain
``filename="..."``: Starlette raised ``UnicodeEncodeError`` (a 500 and a reset connection), and a
quote in the name ended the parameter early. Here the name goes twice: ``filename*=UTF-8''...``
percent-encoded, which every current browser prefers, and an ASCII ``filename="..."`` fallback
(accents folded, anything else ``_``) for the clients that do not read ``filename*``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

__all__ = ["ascii_fallback", "attachment"]

# RFC 8187 attr-char, less nothing: these stay as they are in filename*, the rest is %XX of UTF-8.
_ATTR_CHARS = "!#$&+-.^_`|~"
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9 ._()\[\]-]+")


def ascii_fallback(filename: str, default_stem: str = "download") -> str:
    """``filename`` in printable ASCII for ``filename="..."``: accents folded, other characters ``_``.

    The extension is kept; a stem with nothing left becomes ``default_stem``.
    """
    stem, dot, ext = filename.rpartition(".")
    if not dot or not 0 < len(ext) <= 10:
        stem, dot, ext = filename, "", ""
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    safe_stem = _UNSAFE_ASCII.sub("_", folded).strip(" ._") or default_stem
    safe_ext = _UNSAFE_ASCII.sub("", ext)
    return f"{safe_stem}.{safe_ext}" if dot and safe_ext else safe_stem


def attachment(filename: str, default_stem: str = "download") -> str:
    """The header value that makes a browser save the body as ``filename`` (any Unicode)."""
    name = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C") or default_stem
    fallback = ascii_fallback(name, default_stem)
    if fallback == name:
        return f'attachment; filename="{fallback}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
