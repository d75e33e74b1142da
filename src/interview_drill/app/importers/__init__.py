"""Bring your own cards: Markdown, CSV/TSV and Anki packages converted to bank YAML.

Each reader (`markdown`, `table`, `apkg`) turns a source file into `Draft`s (a card's fields in
our names, with the source line of each) and problem lines; `convert` gives them ids, checks them
against the loaded banks and the existing output, and writes the bank files.
"""
