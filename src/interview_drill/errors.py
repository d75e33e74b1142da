"""The project's exception types. Each carries a message fit to show the user as is."""

from __future__ import annotations


class IdrillError(Exception):
    """Base class: an error with a user-facing message and an exit code."""

    exit_code = 1

    def lines(self) -> list[str]:
        return [str(self)]


class BankError(IdrillError):
    """One or more problems in question-bank files, each a `path:line: field: message` line."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def lines(self) -> list[str]:
        return self.problems


class UsageError(IdrillError):
    """Bad arguments: an unknown topic, card id, level…"""

    exit_code = 2


class StoreError(IdrillError):
    """The history database cannot be opened or used as asked."""

    exit_code = 1


class ConfigError(IdrillError):
    """The config file or a config value is invalid."""

    exit_code = 2
