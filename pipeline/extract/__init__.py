"""Rule-based extraction on `spacy.blank("en")`: organisations, ratings, counts, themes."""
