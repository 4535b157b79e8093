"""Calendar arithmetic in whole months, without a third-party library."""

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier); the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` whole months from `start`."""
    return add_months(start, months) - dt.timedelta(days=1)
