"""Coverage reports (after the store): data.py gathers, text.py and html.py render."""
