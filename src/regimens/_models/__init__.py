"""Models: frozen results and inputs holding numbers and codes, never prose."""
