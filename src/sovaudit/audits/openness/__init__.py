"""Openness audit."""
