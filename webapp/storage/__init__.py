"""Stored records, the database set-up, migrations, backups and record states."""
