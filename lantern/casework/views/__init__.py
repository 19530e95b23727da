"""Casework pages, one module per part of the pathway. Every page that shows a child fetches
it through the access layer (`lantern.access.selectors.get_child_for_user`)."""
