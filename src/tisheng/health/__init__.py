"""Student health (学生体质健康): fitness tests scored by 《国家学生体质健康标准（2014年修订）》, vision
screening (筛查性近视) and the 五项管理.

``scoring``, ``timefmt`` and ``upload`` are the scoring core without Django (one student or a whole table
at once; run times as teachers write them; the national data-upload layout). ``models`` holds the facts
the intake pipeline writes; the indicators are computed from them by :mod:`tisheng.indicators`.
"""
