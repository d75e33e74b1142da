"""The question bank: find YAML files, parse them (a quick and a careful path), report problems, cache.

`discover` finds the files, `parse_fast` and `parse` read them (the careful parser gives the line of
every problem), `messages` words the problems, `cache` keeps validated files for a warm start, and
`load` puts it together. Callers use what this package exports; importing it does not import PyYAML
(only a cache miss does).
"""

from interview_drill.bank.cache import BankCache
from interview_drill.bank.discover import BANK_SUFFIXES, bank_files
from interview_drill.bank.load import Bank, load_bank, load_files

__all__ = ["BANK_SUFFIXES", "Bank", "BankCache", "bank_files", "load_bank", "load_files"]
