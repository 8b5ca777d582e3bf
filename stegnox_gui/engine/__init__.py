"""The analysis engine: reads an image once and runs every registered method on it. No Qt here."""
