"""The files agencies exchange: Excel workbooks (recap, audit) and Word documents (PK, report).

Built from what db/ reads and engine/ computes; web/ and the CLI hand them out.
"""
