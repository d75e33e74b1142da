"""The interactive loops as plain Python, each behind a small protocol that the terminal implements
and tests script: `drill` (a session of cards: reveal, rate, undo, bury), `mock` (a timed mock
interview graded at the end), `numbers` (the figures quiz); `interaction` holds what they share.
"""
