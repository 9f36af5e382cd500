"""Read-only questions a journalist asks of the store."""
