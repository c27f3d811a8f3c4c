/// Logistic regression and related models (see LogisticModel).
