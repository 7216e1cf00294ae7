"""Word documents: the Perjanjian Kinerja and the quarterly report."""
