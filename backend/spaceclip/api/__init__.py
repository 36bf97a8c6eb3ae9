"""HTTP routes. Handlers are short; the work lives in :mod:`spaceclip.services`."""
