"""The annual facts (基础数据) of every school and stage section, counted at the 统计时点 (9月1日)."""
