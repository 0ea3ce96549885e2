"""The packaged evaluation systems (评价指标体系) of the annual school evaluation, one YAML file each.

Every ``*.yaml`` file of this folder is active; :mod:`tisheng.supervision.evaluation` reads and validates
them. A province ships a different system by replacing (or adding) a file here — no code changes.
"""
