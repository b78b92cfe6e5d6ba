"""Calculators: the arithmetic and the decisions, on models; no words, no printing."""
