"""Defaults seeded on first start: document types and the office's details."""

import peewee as pw

from kiosk.data.db import db
from kiosk.data.models import (
    DocumentType,
    NotificationSettings,
    OfficeSettings,
    QueueSettings,
    ServiceCounter,
)

KECAMATAN_SIJUNJUNG = (
    "Kamang Baru",
    "Koto VII",
    "IV Nagari",
    "Kupitan",
    "Lubuk Tarok",
    "Sijunjung",
    "Sumpur Kudus",
    "Tanjung Gadang",
)

# (code, Indonesian name, English name, service days, requirements id, requirements en)
DOCUMENT_TYPES = (
    (
        "KK",
        "Kartu Keluarga (KK)",
        "Family Card (KK)",
        3,
        (
            "KK lama (jika ada)",
            "Buku nikah atau akta perkawinan (untuk keluarga baru)",
            "Surat pengantar dari wali nagari",
            "Dokumen pendukung perubahan (misalnya akta kelahiran anak "
            "atau surat keterangan pindah)",
        ),
        (
            "Old family card (if any)",
            "Marriage book or marriage certificate (for a new family)",
            "Covering letter from the wali nagari",
            "Supporting document for the change (for example a child's birth "
            "certificate or a relocation letter)",
        ),
    ),
    (
        "KTP",
        "KTP elektronik (KTP-el)",
        "Electronic ID card (KTP-el)",
        14,
        (
            "Kartu Keluarga (KK)",
            "KTP-el lama jika rusak",
            "Surat keterangan kehilangan dari kepolisian jika hilang",
            "Perekaman data (foto, sidik jari) di kantor untuk penerbitan pertama",
        ),
        (
            "Family card (KK)",
            "Old KTP-el if it is damaged",
            "Police report of loss if it was lost",
            "Recording in person (photo, fingerprints) at the office for a first card",
        ),
    ),
    (
        "KIA",
        "Kartu Identitas Anak (KIA)",
        "Child ID Card (KIA)",
        3,
        (
            "Akta kelahiran anak",
            "KK orang tua",
            "KTP-el salah satu orang tua",
            "Pas foto anak (untuk usia 5–17 tahun)",
        ),
        (
            "Child's birth certificate",
            "Parents' family card (KK)",
            "KTP-el of one parent",
            "Passport photo of the child (ages 5–17)",
        ),
    ),
    (
        "AKL",
        "Akta Kelahiran",
        "Birth Certificate",
        3,
        (
            "Surat keterangan lahir dari rumah sakit, puskesmas atau bidan",
            "KK dan KTP-el orang tua",
            "Buku nikah atau akta perkawinan orang tua",
            "KTP-el dua orang saksi",
        ),
        (
            "Birth letter from the hospital, community health centre or midwife",
            "Parents' family card (KK) and KTP-el",
            "Parents' marriage book or marriage certificate",
            "KTP-el of two witnesses",
        ),
    ),
    (
        "AKM",
        "Akta Kematian",
        "Death Certificate",
        3,
        (
            "Surat keterangan kematian dari rumah sakit, puskesmas atau wali nagari",
            "KK dan KTP-el almarhum/almarhumah",
            "KTP-el pelapor",
        ),
        (
            "Death letter from the hospital, community health centre or wali nagari",
            "Family card (KK) and KTP-el of the deceased",
            "KTP-el of the person reporting",
        ),
    ),
    (
        "PINDAH",
        "Surat Keterangan Pindah (SKPWNI)",
        "Relocation Letter (SKPWNI)",
        5,
        ("Kartu Keluarga (KK)", "KTP-el", "Alamat tujuan", "Alasan pindah"),
        ("Family card (KK)", "KTP-el", "Destination address", "Reason for moving"),
    ),
)

OFFICE = {
    "office_name": "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Sijunjung",
    "office_name_en": "Population and Civil Registration Office, Sijunjung Regency",
    "address": "Jl. Prof. M. Yamin, SH, Muaro Sijunjung, Kabupaten Sijunjung, "
    "Sumatera Barat",
    "opening_hours_id": "Senin–Kamis 08.00–15.30 WIB, Jumat 08.00–16.00 WIB",
    "opening_hours_en": "Monday–Thursday 08:00–15:30, Friday 08:00–16:00 (WIB)",
    "areas": "\n".join(KECAMATAN_SIJUNJUNG),
    "distancing_notice_id": "Jaga jarak minimal 1 meter dari orang lain, pakai "
    "masker, dan antre di tempat yang ditandai di lantai.",
    "distancing_notice_en": "Keep at least 1 metre apart, wear a mask, and queue "
    "at the floor markings.",
}


# Contact numbers earlier versions seeded as examples. Shown to residents as
# the office's own, they would send calls and messages nowhere: a database
# that still has them loses them (the admin enters the real ones).
PLACEHOLDER_CONTACTS = {"phone": "(0754) 20000", "whatsapp": "+6281200000000"}


def ensure_defaults():
    """Seed document types and office settings when the tables are empty."""
    try:
        _seed()
    except pw.IntegrityError:  # another app server seeded at the same moment
        pass
    for field, placeholder in PLACEHOLDER_CONTACTS.items():
        column = getattr(OfficeSettings, field)
        OfficeSettings.update({column: ""}).where(column == placeholder).execute()


def _seed():
    with db.atomic():
        if not DocumentType.select().exists():
            for position, (code, name_id, name_en, days, req_id, req_en) in enumerate(
                DOCUMENT_TYPES
            ):
                DocumentType.create(
                    code=code,
                    name_id=name_id,
                    name_en=name_en,
                    service_days=days,
                    requirements_id="\n".join(req_id),
                    requirements_en="\n".join(req_en),
                    position=position,
                )
        if not OfficeSettings.select().exists():
            OfficeSettings.create(**OFFICE)
        if not NotificationSettings.select().exists():
            NotificationSettings.create()  # provider "none": nothing is sent
        # Counters 1-3 for every service, once: the admin may remove them later.
        if not QueueSettings.select().exists():
            QueueSettings.create()
            for number in (1, 2, 3):
                ServiceCounter.get_or_create(number=number)
