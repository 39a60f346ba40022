"""The book model and its loading: book.yaml and the pieces -> one validated Book."""
