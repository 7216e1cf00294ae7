"""Database: tables, sessions, migrations, repositories and file imports."""
