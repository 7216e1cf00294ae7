"""The application layer: every command and query a page, the API, the CLI or the scheduler runs.

Each use case is a function taking the unit of work (engine.ports.UnitOfWork) first and
the moment `now` where time matters; the rules a regency configures come as
`engine.policy.Policy`. A use case that writes commits its unit of work itself, once;
the caller only opens the unit of work and shows the answer. Shared steps (`add_pk`,
`write_target`, ...) take a repository instead and never commit. `__all__` of each module
lists its public use cases (tests/unit/test_usecases_listed.py checks each has a unit
test against the in-memory unit of work).
"""
