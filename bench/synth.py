"""Synthetic requests and their status histories for the benchmark database.

Pure Python, seeded, so the same row count always gives the same data. The
spread is meant to look like an office's last 18 months: more requests lately,
fewer at weekends, old requests mostly finished, recent ones still moving, and
every status reached through the moves the workflow allows.
"""

import datetime as dt
import random

from kiosk.data.seed import KECAMATAN_SIJUNJUNG
from kiosk.domain import tracking, workflow
from kiosk.domain.search import name_words
from kiosk.domain.working_days import due_date

DAYS = 548  # 18 months
OFFICE_OFFSET = dt.timedelta(hours=7)  # Asia/Jakarta: UTC+7 all year, no DST
TYPE_WEIGHTS = {"KK": 30, "KTP": 25, "KIA": 12, "AKL": 18, "AKM": 5, "PINDAH": 10}
CHANNEL_WEIGHTS = {
    "web": 30, "kiosk": 22, "counter": 18, "whatsapp": 12, "sms": 3, "nagari": 9,
    "app": 6,
}  # fmt: skip
# Channels that need someone at the office (and so office hours, weekdays).
AT_THE_OFFICE = {"kiosk", "counter"}
FIRST_NAMES = (
    "Andi Budi Citra Dewi Eka Fajar Gita Hendra Indah Joko Kurnia Lestari Mulyadi "
    "Nurul Oktaviani Putri Rahmat Sari Taufik Utami Wahyu Yusuf Zulkifli Afrizal "
    "Rina Syafril Yuliana Irwan Desi Hafiz Siti Rudi Yenni Arif Nofri Elvi"
).split()
LAST_NAMES = (
    "Saputra Siregar Chaniago Piliang Koto Tanjung Sikumbang Caniago Melayu Jambak "
    "Guci Panyalai Syahputra Hidayat Pratama Wijaya Lubis Nasution Rahmadani Putra"
).split()
# A long tail of rarer names, as an office sees: a word of two or three of
# these syllables is added to a quarter of the names (thousands of words).
SYLLABLES = ("ra di ma sya fi tri nur ha ya ni wan da ti la sa ri yu fa zi mi").split()
NAGARI = ("Muaro", "Padang Sibusuk", "Silokek", "Sijunjung", "Kumanis", "Tanjung")
NOTES = {
    workflow.NEEDS_INFO: (
        "Mohon kirim fotokopi buku nikah.",
        "Surat pengantar wali nagari belum ada.",
        "Foto KK lama tidak terbaca, mohon kirim ulang.",
    ),
    workflow.REJECTED: (
        "Data pada dokumen pendukung tidak sesuai.",
        "Permohonan ganda: sudah diproses dengan nomor lain.",
    ),
    workflow.READY: ("Dapat diambil di loket 3 pada jam layanan.", ""),
}
# (age in days up to which it applies, status weights); older requests are done.
STATUS_BY_AGE = (
    (3, {"submitted": 45, "verifying": 30, "processing": 12, "needs_info": 8,
         "rejected": 3, "ready": 2}),
    (14, {"completed": 30, "ready": 20, "processing": 25, "needs_info": 8,
          "verifying": 10, "rejected": 5, "submitted": 2}),
    (45, {"completed": 75, "rejected": 6, "ready": 8, "needs_info": 5,
          "processing": 4, "verifying": 2}),
    (None, {"completed": 90, "rejected": 6, "needs_info": 2, "ready": 2}),
)  # fmt: skip
APPLICANT_NOTES = ("", "", "", "", "", "", "", "", "Mohon dikirim lewat WhatsApp.")


def _status_for(rng, age_days):
    """A plausible current status for a request `age_days` old."""
    for oldest, weights in STATUS_BY_AGE:
        if oldest is None or age_days <= oldest:
            return rng.choices(list(weights), list(weights.values()))[0]
    raise AssertionError("unreachable")


def _path_to(rng, status):
    """The statuses a request passed through to reach `status`, in order."""
    s, v, n, p = "submitted", "verifying", "needs_info", "processing"
    if status == workflow.REJECTED:
        return [s, workflow.REJECTED] if rng.random() < 0.4 else [s, v, status]
    main = [s, v, p, workflow.READY, workflow.COMPLETED]
    if status == n:
        return [s, v, n]
    path = main[: main.index(status) + 1]
    if len(path) >= 3 and rng.random() < 0.12:  # sent back once for a document
        path[2:2] = [n, v]
    for earlier, later in zip(path, path[1:]):
        assert later in workflow.next_statuses(earlier), (earlier, later)
    return path


def _created_times(rng, rows, now):
    """Sorted creation times: growing demand, quieter weekends, office hours."""
    start = (now - dt.timedelta(days=DAYS)).date()
    days = [start + dt.timedelta(days=i) for i in range(DAYS)]
    weights = [
        (1 + 0.6 * i / DAYS) * (1 if day.weekday() < 5 else 0.25)
        for i, day in enumerate(days)
    ]
    channels = rng.choices(
        list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()), k=rows
    )
    picked = []
    for day, channel in zip(rng.choices(days, weights, k=rows), channels):
        if channel in AT_THE_OFFICE:
            while day.weekday() >= 5:
                day -= dt.timedelta(days=1)
            seconds = rng.uniform(8 * 3600, 15.5 * 3600)  # service hours
        else:
            seconds = rng.uniform(6 * 3600, 23 * 3600)
        local = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
        utc = local - OFFICE_OFFSET
        picked.append((min(utc, now - dt.timedelta(minutes=5)), channel))
    picked.sort()
    return picked


def _name(rng):
    name = rng.choice(FIRST_NAMES)
    if rng.random() < 0.25:
        syllables = rng.choices(SYLLABLES, k=rng.choice((2, 3)))
        name += " " + "".join(syllables).capitalize()
    if rng.random() < 0.8:
        name += " " + rng.choice(LAST_NAMES)
    return name


def _nik(rng, kecamatan_index):
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(0, 99)
    if rng.random() < 0.5:
        day += 40  # women's NIKs add 40 to the birth day
    serial = rng.randint(1, 9999)
    return f"1303{kecamatan_index + 1:02d}{day:02d}{month:02d}{year:02d}{serial:04d}"


def _number(rng, taken):
    while True:
        body = "".join(rng.choices(tracking.ALPHABET, k=tracking.RANDOM_LENGTH))
        number = body + tracking.check_symbol(body)
        if number not in taken:
            taken.add(number)
            return number


def generate(rows, *, now, types, staff_ids, kiosk_ids, seed=20200301):
    """Yield (submission row, [event rows], [name word rows]) in id order, ids
    starting at 1.

    `types` maps code -> (id, service_days). Times are naive UTC, as stored.
    """
    rng = random.Random(f"{seed}-{rows}")
    type_codes = rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()), k=rows)
    taken, residents, due_cache, words = set(), [], {}, {}
    for index, (created, channel) in enumerate(_created_times(rng, rows, now)):
        type_id, service_days = types[type_codes[index]]
        kecamatan_index = rng.randrange(len(KECAMATAN_SIJUNJUNG))
        if residents and rng.random() < 0.35:  # the same person asks again
            name, nik, phone = rng.choice(residents)
        else:
            name = _name(rng)
            nik = _nik(rng, kecamatan_index)
            phone = f"+628{rng.randint(11, 99)}{rng.randint(1_000_000, 99_999_999)}"
            phone = phone if rng.random() < 0.7 else None
            residents.append((name, nik, phone))
        age_days = (now - created).days
        status = _status_for(rng, age_days)
        path = _path_to(rng, status)
        local_day = (created + OFFICE_OFFSET).date()
        key = (local_day, service_days)
        if key not in due_cache:
            due_cache[key] = due_date(local_day, service_days)
        # Finished requests took a few service periods; open ones are still going.
        span = (now - created) * rng.uniform(0.2, 0.9)
        if status in workflow.FINAL:
            span = min(span, dt.timedelta(days=service_days * rng.uniform(1, 3)))
        fractions = sorted(rng.random() for _ in path[1:])
        times = [created] + [created + span * f for f in fractions]
        staff = (
            rng.choice(staff_ids) if channel not in ("web", "kiosk", "app") else None
        )
        submission = (
            index + 1, _number(rng, taken), type_id, name, nik, phone,
            KECAMATAN_SIJUNJUNG[kecamatan_index], rng.choice(NAGARI), channel,
            "en" if rng.random() < 0.15 else "id", rng.choice(APPLICANT_NOTES),
            status, str(created), str(times[-1]), due_cache[key].isoformat(), staff,
            rng.choice(kiosk_ids) if channel == "kiosk" else None, name.lower(),
            len(path) - 1,
        )  # fmt: skip
        events = []
        previous = None
        for step, at in zip(path, times):
            note = rng.choice(NOTES[step]) if step in NOTES else ""
            clerk = staff if previous is None else rng.choice(staff_ids)
            internal = "Berkas diperiksa di loket." if rng.random() < 0.1 else ""
            events.append((index + 1, previous, step, note, internal, clerk, str(at)))
            previous = step
        if name not in words:
            words[name] = name_words(name)
        yield submission, events, [(index + 1, word) for word in words[name]]


SUBMISSION_COLUMNS = (
    "id", "number", "document_type_id", "applicant_name", "nik", "phone",
    "kecamatan", "nagari", "channel", "language", "note", "status", "created_at",
    "updated_at", "due_date", "recorded_by_id", "kiosk_id", "name_key", "version",
)  # fmt: skip
NAME_WORD_COLUMNS = ("submission_id", "word")
EVENT_COLUMNS = (
    "submission_id", "from_status", "to_status", "public_note", "internal_note",
    "staff_id", "created_at",
)  # fmt: skip
