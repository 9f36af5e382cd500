"""A small synthetic labelled set and a model trained on it once per test session.

Sentences are built from templates so that each category has clear cue words; groups of six
sentences stand for source documents. Small enough that nested cross-validation and the
final fit take well under a second.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.classify.train import train

SUBJECTS = [
    "the labour ward",
    "the surgical ward",
    "the emergency department",
    "the unit",
    "the birth centre",
    "the children's ward",
    "the stroke unit",
    "the day unit",
]

TEMPLATES = {
    "staffing": [
        "There were not enough midwives on {s} that night.",
        "A shortage of nurses meant {s} was understaffed.",
        "No consultant cover was available for {s} at weekends.",
    ],
    "medication": [
        "The wrong dose of insulin was given to a patient on {s}.",
        "Medicines on {s} were not stored safely and doses were missed.",
        "A prescribing error on {s} meant the drug was given twice.",
    ],
    "facilities": [
        "Equipment on {s} was broken and had not been repaired.",
        "Patients on {s} were cared for in corridors because the premises were too small.",
        "Infection control on {s} was poor and hand hygiene was not followed.",
    ],
}
NEUTRAL = [
    "The inspection of {s} took place in March.",
    "Staff on {s} were kind and caring.",
    "The trust said it would publish its response to the report on {s}.",
]
KEYS_USED = sorted(TEMPLATES)


def synthetic_lines(n_groups: int = 18) -> list[dict[str, object]]:
    """Labelled lines: each group holds one sentence of each category and three neutral ones."""
    lines: list[dict[str, object]] = []
    for g in range(n_groups):
        subject = SUBJECTS[g % len(SUBJECTS)]
        group = f"g{g:02d}"
        for key in KEYS_USED:
            text = TEMPLATES[key][g % 3].format(s=subject)
            lines.append({"text": text, "categories": [key], "group": group, "register": "news"})
        for template in NEUTRAL:
            text = template.format(s=subject)
            lines.append({"text": text, "categories": [], "group": group, "register": "news"})
    return lines


def write_labels(folder: Path, lines: list[dict[str, object]], name: str = "set.jsonl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def labels_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("labels")
    write_labels(folder, synthetic_lines())
    return folder


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, labels_dir: Path) -> tuple[Path, dict]:
    """(models folder, card) of a model trained on the synthetic set with 3 folds."""
    models = tmp_path_factory.mktemp("models")
    card = train(labels_dir, models, folds=3, seed=7, pfd_reports=None)
    return models, card
