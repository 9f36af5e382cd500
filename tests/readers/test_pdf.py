import pytest

from pipeline.errors import InputRejected
from pipeline.readers.pdf import read_pdf
from tests.pdfs import corrupt_pdf, encrypted_pdf, image_only_pdf, text_pdf

PAGE1 = (
    "Independent review of maternity services\n"
    "The review found that investi-\n"
    "gations into serious incidents were\n"
    "inadequate and that learning was not shared."
)
PAGE2 = (
    "Recommendations\n1. The trust must improve fetal monitoring training.\n"
    "1.1 Training must be\nannual.\nPage 2 of 2"
)


def test_pages_reflowed_dehyphenated_and_mapped():
    doc = read_pdf("report.pdf", text_pdf([PAGE1, PAGE2], title="Maternity review"))
    assert doc.text == (
        "Independent review of maternity services\n"
        "The review found that investigations into serious incidents were inadequate and that "
        "learning was not shared.\n\n"
        "Recommendations\n1. The trust must improve fetal monitoring training.\n"
        "1.1 Training must be annual."
    )
    second = doc.text.index("Recommendations")
    assert doc.page_map == [(1, 0), (2, second)]
    assert doc.title == "Maternity review"
    assert doc.metadata == {"n_pages": 2}
    assert doc.format == "pdf"


@pytest.mark.parametrize(
    ("data", "reason_start"),
    [
        (encrypted_pdf([PAGE1]), "encrypted PDF"),
        (image_only_pdf(2), "no extractable text in 2 page(s): scanned or image-only PDF"),
        (corrupt_pdf(), "corrupt or unreadable PDF"),
    ],
)
def test_bad_pdfs_are_rejected_with_reason(data, reason_start):
    with pytest.raises(InputRejected) as info:
        read_pdf("bad.pdf", data)
    assert info.value.reason.startswith(reason_start)
    assert info.value.source == "bad.pdf"
