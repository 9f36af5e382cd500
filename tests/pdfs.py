"""Build small PDFs for tests: text pages, encrypted, image-only and corrupt files."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter


def text_pdf(pages: list[str], title: str = "Test report") -> bytes:
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_creation_date(datetime(2020, 5, 1, 12, 0, tzinfo=UTC))
    pdf.set_font("Helvetica", size=11)
    for page in pages:
        pdf.add_page()
        for line in page.split("\n"):
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def encrypted_pdf(pages: list[str]) -> bytes:
    reader = PdfReader(io.BytesIO(text_pdf(pages)))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_only_pdf(n_pages: int = 2) -> bytes:
    pdf = FPDF()
    for _ in range(n_pages):
        pdf.add_page()
        pdf.set_fill_color(80, 80, 80)
        pdf.rect(20, 20, 150, 200, style="F")
    return bytes(pdf.output())


def corrupt_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf body\n%%EOF"
