"""Printable documents as PDF (fpdf2), for certificates and statements people keep.

Text is set in DejaVu Sans where the system has it (every script people's names are written
in, and typographic quotes); else in the PDF core font Helvetica, which holds Latin-1 only, so
other characters are replaced there.
"""

import os

from fpdf import FPDF

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


class Document:
    def __init__(self, title: str):
        self.pdf = FPDF(format="A4")
        self.pdf.set_title(title)
        self.pdf.set_author("Partnership Workspace")
        self.pdf.set_margins(20, 20, 20)
        self.font = self._font()
        self.pdf.add_page()

    def _font(self) -> str:
        paths = {style: os.path.join(FONT_DIR, name) for style, name in FONTS.items()}
        if all(os.path.exists(path) for path in paths.values()):
            for style, path in paths.items():
                self.pdf.add_font("DejaVu", style=style, fname=path)
            return "DejaVu"
        return "helvetica"

    def _text(self, text: str) -> str:
        if self.font == "helvetica":
            return text.encode("latin-1", "replace").decode("latin-1")
        return text

    def heading(self, text: str, size: int = 20) -> None:
        self.pdf.set_font(self.font, "B", size)
        self.pdf.multi_cell(0, size * 0.6, self._text(text), align="C",
                            new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(4)

    def paragraph(self, text: str, size: int = 12, align: str = "L", bold: bool = False) -> None:
        self.pdf.set_font(self.font, "B" if bold else "", size)
        self.pdf.multi_cell(0, size * 0.55, self._text(text), align=align,
                            new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.pdf.set_font(self.font, "", 10)
        with self.pdf.table(text_align="LEFT", line_height=6) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(self._text(cell))
        self.pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
