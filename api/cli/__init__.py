"""The command line: `bilateral serve`, `migrate`, `seed`, `schema`, `token`."""
