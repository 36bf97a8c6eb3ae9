"""Upper bounds on numbers a request may carry, stated in the schema so that clients see them.

Without them a number the database or the arithmetic cannot hold (an offset past 2**63, a start
of 1e308 seconds) reached the code and ended as a server error instead of a 422.
"""

from __future__ import annotations

__all__ = ["MAX_INT", "MAX_SECONDS", "MAX_VERSION"]

#: Any count, offset or id-like integer: PostgreSQL's ``integer``, far past any real value.
MAX_INT = 2**31 - 1
#: An edit's version counter (an ``integer`` column).
MAX_VERSION = MAX_INT
#: A time in a source, in seconds: a day, past the longest media the server accepts (240 minutes by default).
MAX_SECONDS = 86_400.0
