"""Organisation and catalogue files in YAML: parsed whole, every problem with its line."""
