"""Positioned IDL errors: every problem is reported as `file:line:col: message`."""


class IdlError(Exception):
    """One error at a position in an IDL file (line and column are 1-based)."""

    def __init__(self, file: str, line: int, col: int, message: str) -> None:
        super().__init__(f"{file}:{line}:{col}: {message}")
        self.file = file
        self.line = line
        self.col = col
        self.message = message


class Pos:
    """Where a declaration starts; kept out of the canonical model (and its hash)."""

    __slots__ = ("file", "line", "col")

    def __init__(self, file: str, line: int, col: int) -> None:
        self.file, self.line, self.col = file, line, col

    def error(self, message: str) -> IdlError:
        return IdlError(self.file, self.line, self.col, message)

    def __repr__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"
