"""Showing a protected value on the one page that asks for it, without it leaking into logs.

Django's template engine logs a missing variable at DEBUG with the repr of the whole context, and a
traceback can print locals: a plain string in the context would reach the logs that way. `Revealed` renders
as the value but its repr names no value.
"""


class Revealed(str):
    """The full value when rendered (str); a placeholder in every repr."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<revealed value>'"
