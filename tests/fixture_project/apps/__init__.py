"""The framework tests' own apps: the sample apps as shipped, independent of the user's apps/."""
