"""Classification of failure categories: taxonomy, sentence model, recurrence."""
