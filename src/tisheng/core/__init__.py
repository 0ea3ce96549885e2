"""The organisation: district, towns, schools and their stage sections, groups, departments, academic
years; users with their roles and scopes; the audit trail."""
