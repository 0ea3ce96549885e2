"""The REST API (django-ninja) with its OpenAPI schema at /api/openapi.json, scoped like the pages."""
