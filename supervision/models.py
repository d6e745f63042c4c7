"""Spot checks, findings and assistance visits (models land with their issue)."""
