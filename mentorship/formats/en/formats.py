"""One date and time format everywhere in English (Django's own English formats mix
"Nov. 25, 2026", "11/25/2026" and "12:24 a.m."). Templates name these formats; they never
spell a pattern of their own."""

DATE_FORMAT = "j M Y"  # 25 Nov 2026
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"  # 25 Nov 2026, 14:30
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
FIRST_DAY_OF_WEEK = 1  # Monday, as the nudge weekdays count
