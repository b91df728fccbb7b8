"""The steps of the work, between the stored records and the screening domain."""
