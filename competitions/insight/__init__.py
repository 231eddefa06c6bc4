"""Insight into one's own model: per-class results, the confusion matrix, good and bad
examples, comparisons, the learner's report and the organizer's analytics — each at the
feedback level the competition allows, never about Private rows before the reveal."""
