"""Line breaks start sentences, except where a line was merely wrapped."""

from pipeline.extract.nlp import build_nlp


def sentences(text):
    return [s.text for s in build_nlp([])(text).sents if s.text.strip()]


def test_headings_bullets_and_paragraphs_start_sentences():
    text = (
        "Deep-rooted problems\nNHS Providers said this. The trust was rated\ninadequate "
        "overall.\n\nSafe: inadequate\nCaring: good"
    )
    assert sentences(text) == [
        "Deep-rooted problems\n",
        "NHS Providers said this.",
        "The trust was rated\ninadequate overall.",
        "Safe: inadequate\n",
        "Caring: good",
    ]


def test_text_without_line_breaks_is_left_to_the_sentencizer():
    assert sentences("One sentence here. Another one.") == ["One sentence here.", "Another one."]
