"""Call tables and name maps: data the rules and facts consult, kept in one place."""
