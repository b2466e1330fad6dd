"""The tracking page's list of requirements and the files sent for each."""

from kiosk.services import request_papers
from kiosk.web import caches


def rows(record, papers, locale):
    """[(requirement, its files)] for a public record, [] when the document
    type is gone."""
    document = caches.document_type(record.document_code)
    if document is None:
        return []
    requirements = request_papers.requirements(document, locale)
    return request_papers.grouped(requirements, papers)
