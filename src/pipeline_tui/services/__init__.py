"""The rules of the pipeline: pure functions over a Store, free of any UI library."""
