"""Web furniture: headers, error pages, the page store, assets, documents, templates."""
