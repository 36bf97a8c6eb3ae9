"""What the ``spaceclip`` command printed, read apart from how rich laid it out.

rich wraps text at the terminal width (``COLUMNS``, else 80 when output is not a terminal; typer's
error panels read ``TERMINAL_WIDTH``) and draws panels and tables around it, so a message can break
across two lines between ``│ … │`` borders wherever a long temp path happens to push it. A table
cell wraps inside its column, interleaving with the cells beside it, which no clean-up after the
fact can undo. So the tests do both:

- run the command with ``WIDE_TERMINAL`` in its environment: nothing wraps, each table row stays on
  one line;
- match on ``plain(output)``: the words alone, colour codes and box drawing gone, whitespace folded,
  so a message is found whatever the box around it.
"""

from __future__ import annotations

import re

WIDE_TERMINAL = {"COLUMNS": "1000", "TERMINAL_WIDTH": "1000"}

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")  # colour and cursor codes, where colour is forced
_BOX = re.compile("[\u2500-\u257f]")  # box drawing: panel and table borders


def plain(text: str) -> str:
    """``text`` without rich's layout: no colour codes, no borders, each run of whitespace one space."""
    return " ".join(_BOX.sub(" ", _ANSI.sub("", text)).split())
