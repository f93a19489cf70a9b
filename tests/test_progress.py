"""Progress bars show on a terminal and stay quiet anywhere else."""

import io

from api.cli.progress import fraction_progress, progress


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_bar_is_drawn_on_a_terminal() -> None:
    stream = Terminal()

    with progress("export", 4, stream=stream) as advance:
        for _ in range(4):
            advance(1)

    assert "export" in stream.getvalue()


def test_nothing_is_written_to_a_pipe() -> None:
    stream = io.StringIO()

    with progress("export", 4, stream=stream) as advance:
        advance(4)
    with fraction_progress("backup", stream=stream) as step:
        step(3, 10)

    assert stream.getvalue() == ""
