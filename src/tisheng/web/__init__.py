"""The web shell: base layout, role-aware navigation and home pages, declared tables and charts."""
