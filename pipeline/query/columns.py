"""What every exported table and view holds, column by column.

A plain dict, {table: {"description": str, "columns": {column: description}}}, and the only
place tables and columns are described: the README of `trustwatch export --all` and the
Datasette metadata (`pipeline.web`) both read it, so they say the same thing. Offsets are
character offsets into `documents.text`, end exclusive. Keep it in step with the schema and
the views: the tests check that every column of every table and view of a new store is
described (all but the full-text index's own shadow tables).
"""

from __future__ import annotations

from typing import Any

DOC_ID = "Document the row comes from (documents.id)."
ORG_ID = "Organisation (organisations.id)."
START = "Offset where the span starts in documents.text."
END = "Offset where the span ends in documents.text (exclusive)."
SENT_START = "Offset where the evidence sentence starts."
SENT_END = "Offset where the evidence sentence ends (exclusive)."
RULE = "Extraction rule that matched (for auditing)."
CATEGORY = "Failure category key (see failure_categories)."
TITLE = "Title of the document."
PUBLISHED = "Publication date of the document (ISO), NULL when unknown."
EVIDENCE = "The evidence sentence, cut from documents.text."
FACETS = {
    "doc_published": "Copy of documents.published, kept by a trigger (for fast queries).",
    "doc_year": "Year of documents.published, kept by a trigger.",
    "doc_story_id": "Copy of documents.story_id (else the document id), kept by a trigger.",
    "doc_kind": "Copy of documents.kind, kept by a trigger.",
}

COLUMNS: dict[str, dict[str, Any]] = {
    "documents": {
        "description": "One row per stored news story or report, with its full text.",
        "columns": {
            "id": "Stable identifier: a hash of the normalised text.",
            "source": "Path as given to ingest, or the JSON Lines id (else PATH:LINE).",
            "url": "Where the document was published, when known.",
            "title": "Headline or report title.",
            "published": "Publication date (ISO 8601 date, year-month or year), or NULL.",
            "kind": "news, inspection_report, pfd_report, press_release, report_extract.",
            "text": "Full normalised text; every offset in the store points into it.",
            "format": "Input format: text, markdown, html, pdf or jsonl.",
            "n_chars": "Length of the text in characters.",
            "page_map": "PDF pages as [page number, offset of its first character] (JSON).",
            "metadata": "Other keys of the input, kept as JSON.",
            "story_id": "Shared by near-duplicate copies of one story; they count once.",
            "ingested_at": "When the document was stored (UTC).",
            "pipeline_version": "Extraction version that produced its rows.",
            "extracted_at": "When its extractions were last computed (UTC).",
            "main_org_id": "The organisation the document is mainly about (organisations.id).",
        },
    },
    "organisations": {
        "description": "NHS trusts, hospitals, health boards, commissioners and regulators.",
        "columns": {
            "id": "Identifier used by the other tables' org_id.",
            "name": "Canonical name, e.g. The Dudley Group NHS Foundation Trust.",
            "kind": "trust, hospital, health_board, commissioner, regulator or other.",
            "ods_code": "Official ODS code, NULL where unknown.",
            "parent_id": "For a hospital or site: the trust that runs it (organisations.id).",
            "aliases": "Other names it is mentioned by (JSON list).",
            "origin": "ods (official file), gazetteer, or extracted (found in text only).",
            "closed": "Date the organisation closed or merged, if it has.",
        },
    },
    "org_mentions": {
        "description": "Each place a document names an organisation.",
        "columns": {
            "doc_id": DOC_ID,
            "org_id": ORG_ID,
            "start": START,
            "end": END,
            "text": "The words as written in the document.",
            "rule": RULE,
            "score": "Resolution confidence in [0, 1] (1 for exact names).",
        },
    },
    "ratings": {
        "description": "CQC ratings stated in documents: organisation, service, domain, rating.",
        "columns": {
            "doc_id": DOC_ID,
            "org_id": "Organisation rated (NULL where it could not be resolved).",
            "service": "Service rated, lower case (e.g. maternity); NULL for the whole body.",
            "domain": "overall, safe, effective, caring, responsive or well-led.",
            "rating": "outstanding, good, requires improvement or inadequate.",
            "previous_rating": "The rating before, where the document states it.",
            "year": "Year of the rating, where the text gives it.",
            "start": START,
            "end": END,
            "sent_start": SENT_START,
            "sent_end": SENT_END,
            "rule": RULE,
            **FACETS,
        },
    },
    "counts": {
        "description": "Figures reported in documents: deaths, harms, incidents, staff, money.",
        "columns": {
            "doc_id": DOC_ID,
            "value": "The number (REAL).",
            "qualifier": "at least, more than, fewer than, about, up to, or NULL.",
            "denominator": "The 202 in '97 of the 202 cases', else NULL.",
            "what": "What is counted: singular head noun, e.g. stillbirth, midwife, pound.",
            "category": "death, harm, incident, case, staff, money, percentage, duration, other.",
            "start": START,
            "end": END,
            "text": "The figure as written in the document.",
            "rule": RULE,
            **FACETS,
        },
    },
    "themes": {
        "description": "Sentences that state (or deny) a failure of one category (rule hits).",
        "columns": {
            "doc_id": DOC_ID,
            "category": CATEGORY,
            "start": SENT_START,
            "end": SENT_END,
            "negated": "1 when the sentence denies the failure ('no concerns about ...').",
            "speaker": "Who says it: regulator, provider, patient/family, politician, other.",
            "cue_start": "Offset where the cue words start.",
            "cue_end": "Offset where the cue words end (exclusive).",
            "rule": RULE,
        },
    },
    "repeat_signals": {
        "description": "Phrases saying a failing is a repeat ('the same failings again').",
        "columns": {
            "doc_id": DOC_ID,
            "start": START,
            "end": END,
            "sent_start": SENT_START,
            "sent_end": SENT_END,
            "text": "The signalling words.",
            "rule": RULE,
        },
    },
    "doc_categories": {
        "description": "Failure categories assigned to each document (one row per category).",
        "columns": {
            "doc_id": DOC_ID,
            "category": CATEGORY,
            "score": "Confidence in [0, 1].",
            "method": "model, rules or both.",
            "start": "Offset where the best evidence sentence starts.",
            "end": "Offset where the best evidence sentence ends (exclusive).",
            **FACETS,
        },
    },
    "org_categories": {
        "description": "Failures attributed to the organisations answerable for them "
        "(a hospital's to its trust).",
        "columns": {
            "doc_id": DOC_ID,
            "org_id": "Organisation the failure is attributed to.",
            "category": CATEGORY,
            "start": SENT_START,
            "end": SENT_END,
            "method": "model, rules or both: how the category was assigned.",
            **FACETS,
        },
    },
    "rejects": {
        "description": "Inputs that could not be stored, with the reason.",
        "columns": {
            "id": "Row number.",
            "path": "File, or FILE:LINE for a JSON Lines line.",
            "reason": "Why it was rejected.",
            "at": "When (UTC).",
        },
    },
    "ingested_files": {
        "description": "Files already ingested, by content hash (ingesting them again skips).",
        "columns": {
            "sha256": "Hash of the file's bytes.",
            "path": "Path as given.",
            "size": "Size in bytes.",
            "n_documents": "Documents it held.",
            "ingested_at": "When (UTC).",
        },
    },
    "failure_attributions": {
        "description": "Each failure attributed to an organisation, with its evidence sentence.",
        "columns": {
            "org_id": ORG_ID,
            "organisation": "Name of the organisation answerable.",
            "category": CATEGORY,
            "doc_id": DOC_ID,
            "story_id": "Near-duplicate copies of a story share it.",
            "published": PUBLISHED,
            "title": TITLE,
            "method": "model, rules or both.",
            "start": SENT_START,
            "end": SENT_END,
            "evidence": EVIDENCE,
            "repeat_signalled": "1 when the document says a failing is a repeat.",
        },
    },
    "recurring": {
        "description": "Failures that keep coming back: per organisation and category, "
        "evidenced on two or more dates, or said to be a repeat.",
        "columns": {
            "org_id": ORG_ID,
            "organisation": "Name of the organisation.",
            "category": CATEGORY,
            "n_documents": "Distinct stories evidencing it (near-duplicates count once).",
            "n_dates": "Distinct publication dates among them.",
            "first_date": "Earliest publication date.",
            "last_date": "Latest publication date.",
            "repeat_signalled": "1 when a document says the failing is a repeat.",
            "doc_ids": "The documents, comma separated.",
        },
    },
    "document_summary": {
        "description": "Documents with how many extractions of each kind they hold.",
        "columns": {
            "id": "Document id.",
            "title": TITLE,
            "published": PUBLISHED,
            "kind": "Kind of document.",
            "format": "Input format.",
            "source": "Where it was ingested from.",
            "story_id": "Near-duplicate copies of a story share it.",
            "n_chars": "Length of the text.",
            "n_org_mentions": "Organisation mentions.",
            "n_ratings": "Ratings.",
            "n_counts": "Counts.",
            "n_themes": "Failure sentences (not negated).",
        },
    },
    "rating_history": {
        "description": "Every CQC rating with its organisation, year and evidence sentence.",
        "columns": {
            "org_id": ORG_ID,
            "organisation": "Name of the organisation rated.",
            "ods_code": "Its ODS code.",
            "service": "Service rated; NULL for the whole organisation.",
            "domain": "overall, safe, effective, caring, responsive or well-led.",
            "rating": "The rating.",
            "previous_rating": "The rating before, where stated.",
            "year": "Year of the rating, else of the document.",
            "published": PUBLISHED,
            "doc_id": DOC_ID,
            "title": TITLE,
            "start": START,
            "end": END,
            "evidence": EVIDENCE,
        },
    },
    "count_evidence": {
        "description": "Every figure with its document's title and date.",
        "columns": {
            "doc_id": DOC_ID,
            "title": TITLE,
            "published": PUBLISHED,
            "value": "The number.",
            "qualifier": "at least, more than, ... or NULL.",
            "denominator": "The whole it is part of, else NULL.",
            "what": "What is counted.",
            "category": "Count category (death, harm, ...).",
            "start": START,
            "end": END,
            "text": "The figure as written.",
        },
    },
    "theme_evidence": {
        "description": "Every failure sentence with its document's title and date.",
        "columns": {
            "doc_id": DOC_ID,
            "title": TITLE,
            "published": PUBLISHED,
            "category": CATEGORY,
            "negated": "1 when the sentence denies the failure.",
            "speaker": "Who says it.",
            "start": SENT_START,
            "end": SENT_END,
            "evidence": EVIDENCE,
            "rule": RULE,
        },
    },
    "failure_categories": {
        "description": "The failure taxonomy: category keys, labels and definitions.",
        "columns": {
            "category": "Key used in the other tables.",
            "label": "Short label.",
            "definition": "What the category covers.",
        },
    },
    # Bookkeeping: not exported, hidden in the browser, described for whoever opens them.
    "documents_fts": {
        "description": "Full-text index of documents' titles and texts (porter stemming).",
        "columns": {
            "title": "Indexed copy of documents.title.",
            "text": "Indexed copy of documents.text.",
        },
    },
    "doc_minhash": {
        "description": "MinHash signature of each document, for finding near-duplicates.",
        "columns": {
            "doc_id": DOC_ID,
            "signature": "The MinHash values as packed unsigned 64-bit integers.",
        },
    },
    "cache_keys": {
        "description": "What each cached result was computed from; a changed key rebuilds it.",
        "columns": {"name": "The cache (e.g. recurring).", "key": "State of its source rows."},
    },
    "recurring_cache": {
        "description": "The unfiltered recurring aggregate, cached (same columns as recurring).",
        "columns": {
            "org_id": ORG_ID,
            "organisation": "Canonical name of the organisation.",
            "category": CATEGORY,
            "n_documents": "Distinct stories (near-duplicate copies count once).",
            "n_dates": "Distinct publication dates of those stories.",
            "first_date": "Earliest publication date.",
            "last_date": "Latest publication date.",
            "repeat_signalled": "1 when a document says the failing is a repeat.",
            "doc_ids": "The documents, comma-separated.",
        },
    },
    "lsh_bands": {
        "description": "LSH band keys of each signature: documents sharing one are compared.",
        "columns": {
            "band": "Band number (a slice of the signature).",
            "key": "Hash of the signature's values in the band.",
            "doc_id": DOC_ID,
        },
    },
    "schema_migrations": {
        "description": "Schema migrations applied to the store.",
        "columns": {
            "version": "Migration number.",
            "name": "What the migration does.",
            "applied_at": "When it was applied (UTC).",
        },
    },
}


def describe(table: str, column: str) -> str:
    """The description of `column` of `table`, or an empty string where there is none."""
    return str(COLUMNS.get(table, {}).get("columns", {}).get(column, ""))
