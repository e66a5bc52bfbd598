"""A stand-in for Python's curses module, so uwsgitop can run without a terminal in tests.

uwsgitop draws with curses only. Put this directory first on PYTHONPATH and it prints each screen it would
have drawn as plain text between "--- frame N ---" lines, then presses 'q' after FAKE_CURSES_FRAMES frames
(default 2, so uwsgitop computes RPS from two reads).
"""
import os
import sys
import time

COLOR_BLACK, COLOR_RED, COLOR_GREEN, COLOR_YELLOW, COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN, COLOR_WHITE = range(8)
A_REVERSE = 1 << 18
A_BOLD = 1 << 21


class error(Exception):
    pass


class _Screen:
    def __init__(self):
        self.rows = {}
        self.frames = 0
        self.limit = int(os.environ.get("FAKE_CURSES_FRAMES", "2"))

    def clear(self):
        self.rows = {}

    def timeout(self, millis):
        pass

    def addstr(self, row, col, text, attr=0):
        line = self.rows.get(row, "")
        line = line.ljust(col) + text
        self.rows[row] = line

    def refresh(self):
        self.frames += 1
        out = ["--- frame %d ---" % self.frames]
        for row in sorted(self.rows):
            out.append(self.rows[row].expandtabs(8))
        sys.stdout.write("\n".join(out) + "\n")
        sys.stdout.flush()

    def getch(self):
        if self.frames >= self.limit:
            return ord("q")
        time.sleep(0.3)
        return -1


_screen = None


def initscr():
    global _screen
    _screen = _Screen()
    return _screen


def noecho():
    pass


def echo():
    pass


def endwin():
    pass


def start_color():
    pass


def use_default_colors():
    pass


def init_pair(pair, fg, bg):
    pass


def color_pair(n):
    return n << 8


def curs_set(visibility):
    pass
