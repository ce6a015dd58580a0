"""A whole database as one portable archive, and back: ``dongne backup``, ``dongne restore`` and ``dongne db copy``.

Rows travel as one JSON line per row, in the same canonical form whatever engine they were read from
(``rows``), so an archive written on SQLite restores on PostgreSQL and back, and a table's checksum says the
same thing on both. ``archive_file`` writes and checks the archive itself; ``loading`` puts rows into a target
database in one transaction and checks them there."""
