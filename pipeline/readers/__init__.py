"""Readers turn the bytes of one input into documents; `sniff` picks the reader by content."""
