"""Official documents built from the platform's figures (the plan's progress bulletin)."""
