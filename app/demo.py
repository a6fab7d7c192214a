"""Demo reference data for Điện Biên province, loaded through the same importers as real CSVs."""

from __future__ import annotations

import csv
import io
import secrets
import unicodedata
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.services import create_user, set_password
from app.reference.services import import_bodies, import_offices
from app.serials.services import ensure_block
from models import Role, User

SORTING_CENTRE = "32000"
PROVINCE_BODY = "UBBC-DIENBIEN"
PROVINCE_OFFICE = "32100"


def communes() -> list[dict[str, str]]:
    text = resources.files("app.data").joinpath("dien-bien-communes.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def ascii_slug(name: str) -> str:
    """'Mường Phăng' -> 'MUONGPHANG' (đ has no decomposition, so it is mapped by hand)."""
    text = name.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if c.isascii() and c.isalnum()).upper()


def commune_body_code(commune: str) -> str:
    return f"UBBC-{ascii_slug(commune)}"


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def offices_csv() -> bytes:
    rows = [["code", "name", "kind", "parent", "area", "commune"]]
    rows.append(
        [SORTING_CENTRE, "Trung tâm Khai thác Vận chuyển Điện Biên", "sorting_centre", "", "urban", ""]
    )
    for c in communes():
        prefix = "Bưu cục phường" if c["kind"] == "phuong" else "Bưu cục xã"
        rows.append(
            [
                c["demo_office_code"],
                f"{prefix} {c['name']}",
                "post_office",
                SORTING_CENTRE,
                c["area"],
                c["name"],
            ]
        )
    return _csv(rows)


def bodies_csv() -> bytes:
    rows = [["code", "name", "kind", "address", "commune", "office"]]
    rows.append(
        [PROVINCE_BODY, "Ủy ban bầu cử tỉnh Điện Biên", "province_commission",
         "Trụ sở UBND tỉnh, phường Điện Biên Phủ, tỉnh Điện Biên", "Điện Biên Phủ", PROVINCE_OFFICE]
    )  # fmt: skip
    for c in communes():
        unit = "phường" if c["kind"] == "phuong" else "xã"
        rows.append(
            [commune_body_code(c["name"]), f"Ủy ban bầu cử {unit} {c['name']}", "commune_commission",
             f"Trụ sở UBND {unit} {c['name']}, tỉnh Điện Biên", c["name"], c["demo_office_code"]]
        )  # fmt: skip
    return _csv(rows)


DEMO_USERS = [
    ("admin", Role.ADMIN, None, None, "Quản trị hệ thống"),
    ("ubbc.tinh", Role.BOARD, None, PROVINCE_BODY, "Văn phòng Ủy ban bầu cử tỉnh"),
    ("ubbc.muongphang", Role.BOARD, None, "UBBC-MUONGPHANG", "Ủy ban bầu cử xã Mường Phăng"),
    ("gdv.32100", Role.CLERK, PROVINCE_OFFICE, None, "Giao dịch viên Bưu cục Điện Biên Phủ"),
    ("gdv.32000", Role.CLERK, SORTING_CENTRE, None, "Khai thác viên Trung tâm Điện Biên"),
    ("in.32100", Role.PRINTER, PROVINCE_OFFICE, None, "Trạm in nhãn Bưu cục Điện Biên Phủ"),
]


def load(session: Session, password: str | None = None) -> dict[str, str]:
    """Create or update the demo data; returns username -> password (new passwords every run)."""
    import_offices(session, None, offices_csv())
    import_bodies(session, None, bodies_csv())
    # Numbers for election documents, so that the demo can register at once (a block from Vietnam Post in real life).
    ensure_block(session, None, "EB", 1, 999_999)
    passwords: dict[str, str] = {}
    for username, role, office, body, full_name in DEMO_USERS:
        secret = password or secrets.token_urlsafe(9)
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            create_user(session, None, username, secret, role, office, body, full_name)
        else:
            set_password(session, None, user, secret)
            user.active = True
        passwords[username] = secret
    session.flush()
    return passwords
