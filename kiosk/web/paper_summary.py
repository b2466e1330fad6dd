"""The tracking page's list of requirements and the files sent for each."""

from kiosk.data.models import DocumentType
from kiosk.services import request_papers
from kiosk.web import caches


def rows(record, papers, locale):
    """[(requirement, its files)] for a public record, [] when the document
    type is gone."""
    document = next(
        (t for t in caches.document_types() if t.code == record.document_code), None
    ) or DocumentType.get_or_none(DocumentType.code == record.document_code)
    if document is None:
        return []
    requirements = request_papers.requirements(document, locale)
    return request_papers.grouped(requirements, papers)
