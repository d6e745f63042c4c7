"""Continuing-education activities and yearly compliance (models land with their issue)."""
