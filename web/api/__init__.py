"""The JSON API (/api/v1), for the regency's other systems."""
