"""The names chinese-calendar gives its holidays → the Chinese names clerks know.

Used by the official calendar data (`domain/official_days.py`) and by the generator of its precomputed table
(`domain/calendar_data.py`), which must not import the calendar that reads it.
"""

HOLIDAY_NAME_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
