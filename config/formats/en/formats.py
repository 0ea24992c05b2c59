"""English: one date style, "Jan 27, 2027", everywhere (long and short alike), and a 12-hour
time ending in "AM"/"PM" without full stops, so a time at the end of a sentence ends with one
full stop ("at 5:42 PM.", never "5:42 p.m..")."""

DATE_FORMAT = "M j, Y"
SHORT_DATE_FORMAT = "M j, Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "M j, Y, g:i A"
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "F Y"
