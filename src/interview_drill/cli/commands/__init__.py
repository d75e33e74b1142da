"""The commands, one module per area: bank (validate, list, show, topics), drill (drill, due, undo,
suspend, unsuspend, reset), config (config …, doctor), reports (stats, report), practice (ready, mock,
numbers, answers), code (code: the coding round), export (export anki|revlog), history (history
export|import, optimize).

Each module declares its commands on a `Commands` (see `cli.options`); `cli.app` registers a module's
commands when one of them runs or a help page lists them (its `COMMANDS` table names each module).
"""
