"""Readers: text, files and rows turned into models (units, library, course files)."""
