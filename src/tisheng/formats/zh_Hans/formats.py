"""Chinese number format: Django's zh_Hans leaves thousands ungrouped (42795); the bureau's reports
and the charts write 42,795."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
