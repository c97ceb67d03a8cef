# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render a table (a title, column headers and rows of strings) as aligned plain text or as Markdown."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import textwrap

NOTE_WIDTH = 118


class Table:
    """Rows of cells under headers; ``numeric`` columns are right-aligned; ``notes``, sentences shown below."""

    def __init__(self, title, headers, numeric=()):
        self.title = title
        self.headers = list(headers)
        self.numeric = set(numeric)
        self.notes = []
        self.rows = []

    def add(self, *cells):
        if len(cells) != len(self.headers):
            raise ValueError('%d cells for %d columns' % (len(cells), len(self.headers)))
        self.rows.append(['-' if cell is None else str(cell) for cell in cells])

    def text(self):
        widths = [max(len(row[i]) for row in [self.headers] + self.rows) for i in range(len(self.headers))]

        def line(cells):
            return '  '.join(cell.rjust(widths[i]) if i in self.numeric else cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip()

        rule = '  '.join('-' * width for width in widths)
        out = [self.title, line(self.headers), rule] + [line(row) for row in self.rows]
        out.extend(textwrap.fill(note, NOTE_WIDTH, initial_indent='* ', subsequent_indent='  ') for note in self.notes)
        return '\n'.join(out)

    def markdown(self):
        def line(cells):
            return '| ' + ' | '.join(cell.replace('|', '\\|') for cell in cells) + ' |'

        align = ['---:' if i in self.numeric else '---' for i in range(len(self.headers))]
        out = ['**%s**' % self.title, '', line(self.headers), '| ' + ' | '.join(align) + ' |'] + [line(row) for row in self.rows]
        if self.notes:
            out.append('')
            out.extend('- ' + note for note in self.notes)
        return '\n'.join(out)


def fmt(value, pattern='%.0f'):
    """A number through ``pattern``, or '-' for None."""
    return '-' if value is None else pattern % value
