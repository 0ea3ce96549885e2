"""Supervision (督导): warnings raised from indicator snapshots, inspections with checklists, findings,
rectification orders with evidence and re-checks, and escalation when deadlines pass."""
