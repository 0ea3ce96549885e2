"""The plan as data (行动方案): a district's action plan — goals (工作目标), projects (工程), tasks (任务)
with their lead and responsible departments (牵头/责任/配合单位), and the commitments each makes.

A plan is written as a YAML plan file (docs/plan-format.md), checked by :mod:`tisheng.plan.planfile` and
loaded in one transaction by :mod:`tisheng.plan.loader` (``tisheng plan check|load PATH``). The 西夏区
plan 2021–2025 ships as package data in ``plans/``.
"""
