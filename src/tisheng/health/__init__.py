"""Student health (学生体质健康): fitness tests scored by 《国家学生体质健康标准（2014年修订）》.

This package is the scoring core, without Django: ``scoring`` (one student, or a whole table at once),
``timefmt`` (reading run times as teachers write them), ``upload`` (the national data-upload file
layout). The models, the intake data set, vision screening and 五项管理 come with the full issue.
"""
