from pipeline.text import join_hyphenated, normalise, reflow


def test_normalise_spaces_line_breaks_and_paragraphs():
    raw = "Caf\u0065\u0301\u00a0 rated\tinadequate  \r\n\r\n\r\n\r\nSecond\u00adpara.\n"
    assert normalise(raw) == "Café rated inadequate\n\nSecondpara."


def test_normalise_is_idempotent():
    raw = "  A\u2028B \n\n\n C\u200b \x07 D\r\n"
    once = normalise(raw)
    assert normalise(once) == once
    assert once == "A\nB\n\nC D"


def test_join_hyphenated_only_lowercase_continuations():
    assert join_hyphenated("investi-\ngation") == "investigation"
    assert join_hyphenated("NHS-\nEngland") == "NHS-\nEngland"


def test_reflow_joins_wrapped_lines_keeps_paragraphs_and_lists():
    raw = (
        "The review found that the trust had not\nlearned from earlier incidents and that\n"
        "staff were not supported.\n\n1. First finding\n2. Second finding\nSummary\nShort text."
    )
    assert reflow(raw) == (
        "The review found that the trust had not learned from earlier incidents and that "
        "staff were not supported.\n\n1. First finding\n2. Second finding\nSummary\nShort text."
    )
