"""Rule families, one module each; every module here is imported by :func:`reprocheck.rule.load_rules`."""
