"""Error types of the data layer.

``DataError`` means the user's file or data is wrong (exit code 1, one line);
``UsageError`` means the command was called wrongly (exit code 2). Anything
else escaping the data layer is a bug in the program.
"""


class DataError(Exception):
    """Bad data or a bad file: the message is one line naming file, record and fault."""


class UsageError(Exception):
    """The command line was used wrongly."""
