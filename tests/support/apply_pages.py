"""Answering the web form's question pages in a real browser, as a resident
does: fill a page, press Continue, land on the next one."""

import re

from tests.support.factories import form_data

CONTINUE = ".apply-form button[type=submit]:not([name=action])"


def continue_to(page, path):
    """Press Continue and wait for the next page (its path, a regex)."""
    page.locator(CONTINUE).click()
    page.wait_for_url(re.compile(rf"{path}(\?.*)?(#.*)?$"))


def choose_document(page, code):
    page.locator(f"input[name=document_type][value={code}]").check()


def answer_applicant_pages(page, notify=None, **changes):
    """The applicant's pages after the document's own: name and NIK, contact,
    address, anything else; ends on the check page."""
    answers = form_data(**changes)
    page.wait_for_url(re.compile(r"/apply/applicant(\?.*)?$"))
    page.locator("#applicant_name").fill(answers["applicant_name"])
    page.locator("#nik").fill(answers["nik"])
    continue_to(page, "/apply/contact")
    page.locator("#phone").fill(answers["phone"])
    if notify:
        page.locator(f"input[name=notify][value={notify}]").check()
    continue_to(page, "/apply/address")
    page.locator(f"input[name=kecamatan][value='{answers['kecamatan']}']").check()
    page.locator("#nagari").fill(answers["nagari"])
    continue_to(page, "/apply/extra")
    continue_to(page, "/apply/check")
