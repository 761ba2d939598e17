"""The store contract: store/api.py's promises, checked on every backend alike."""
