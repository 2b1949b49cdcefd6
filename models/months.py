"""Months as the plan counts them: YYYY-MM."""
from __future__ import annotations

import re

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def is_month(text: str) -> bool:
    """Whether text is a month YYYY-MM."""
    return bool(MONTH.match(text))
