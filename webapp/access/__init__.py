"""Who may do what: passwords, sessions, second factor, permissions, the audit trail."""
