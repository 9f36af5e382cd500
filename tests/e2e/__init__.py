"""End-to-end tests: the real command line, a real server and a real browser."""
