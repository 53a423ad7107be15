//! Evaluation: every check on every resource of its collection → PASS/FAIL/UNKNOWN/NOT_APPLICABLE/ERROR.
