"""One reader per table kind: a recognised table block -> typed rows, coverage and findings."""
