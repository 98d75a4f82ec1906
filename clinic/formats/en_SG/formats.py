"""Dates the way Singapore writes them, one format everywhere (the admin included): 21 Nov 2026.

Django's own "en" formats ("Nov. 21, 2026") would otherwise apply, as Django ships no en_SG.
Public pages spell the month out where they choose to ("21 November 2026", in the templates).
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
# What date fields accept: ISO first (also what a browser's date picker sends), then as shown.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
