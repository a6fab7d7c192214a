"""Bags: sealed receptacles of items between two offices, their manifests and the check on opening."""
