"""Sign-in cookies for yt-dlp: only from ``SPACECLIP_COOKIES_FILE``, and only as a private copy.

yt-dlp writes its cookie jar back to the file it was given, so it gets a copy inside the
download's temporary folder (readable by the owner only) and the configured file is never
rewritten. Cookies from a browser profile or ``.netrc`` are never used (see
:func:`~spaceclip.services.ingest.ytdlp_options.ytdlp_params`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from spaceclip.errors import SignInRequired

__all__ = ["private_cookie_copy"]

COOKIE_COPY_NAME = "cookies.txt"


def private_cookie_copy(cookies_file: Path, work: Path) -> Path:
    """Copy ``cookies_file`` to ``work/cookies.txt`` (mode 0600) and return the copy.

    Raises:
        SignInRequired: the configured file does not exist; the message names the setting.
    """
    if not cookies_file.is_file():
        raise SignInRequired(
            f"The cookies file set in SPACECLIP_COOKIES_FILE ({cookies_file}) does not exist. Export "
            "your signed-in cookies in Netscape format to that path, or unset the setting."
        )
    copy = work / COOKIE_COPY_NAME
    shutil.copyfile(cookies_file, copy)
    copy.chmod(0o600)
    return copy
