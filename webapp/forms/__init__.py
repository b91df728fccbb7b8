"""Forms: what a page accepts and the words it uses when an answer is wrong."""
