"""Renderers: one module per output kind. They format results; they compute nothing."""
