"""The domain of Kinerja, kept pure.

Nothing here touches SQL, sockets, the environment or the wall clock (except
`engine.clock.SystemClock`, the one sanctioned reader). Everything else in the
project depends on this package; it depends on nothing of the project.
"""
