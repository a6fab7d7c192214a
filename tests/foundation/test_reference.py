"""Reference data: CSV imports (all or nothing, row-numbered errors) and the read API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import Invalid
from app.reference.services import import_bodies, import_offices
from models import Body, Office

OFFICES = "code,name,kind,parent,area,commune\n90000,Trung tâm thử,sorting_centre,,urban,\n90001,Bưu cục Thử,post_office,90000,remote,Xã Thử\n"


def test_import_offices_with_excel_bom_and_nfd(session):
    nfd = "Bưu cục Thử".encode().decode()
    import unicodedata

    data = ("\ufeff" + OFFICES.replace("Bưu cục Thử", unicodedata.normalize("NFD", nfd))).encode()
    result = import_offices(session, None, data)
    assert result == {"rows": 2, "created": 2, "updated": 0}
    office = session.get(Office, "90001")
    assert office.name == unicodedata.normalize("NFC", "Bưu cục Thử")
    assert office.parent_code == "90000"


def test_import_is_an_upsert(session):
    import_offices(session, None, OFFICES.encode())
    result = import_offices(session, None, OFFICES.replace("Trung tâm thử", "Trung tâm mới").encode())
    assert result["updated"] == 2
    assert session.get(Office, "90000").name == "Trung tâm mới"


def test_parent_may_come_later_in_the_file(session):
    data = "code,name,kind,parent,area,commune\n90001,B,post_office,90000,rural,\n90000,A,sorting_centre,,urban,\n"
    assert import_offices(session, None, data.encode())["created"] == 2


def test_bad_row_imports_nothing_and_names_the_row(session):
    before = session.scalar(select(func.count()).select_from(Office))
    data = OFFICES + "90002,Bưu cục Hỏng,post_office,90000,suburban,\n"
    with pytest.raises(Invalid) as excinfo:
        import_offices(session, None, data.encode())
    assert "row 4.area" in excinfo.value.errors
    assert session.scalar(select(func.count()).select_from(Office)) == before


def test_unknown_parent_and_duplicate_code_are_named(session):
    data = OFFICES + "90001,Again,post_office,77777,urban,\n"
    with pytest.raises(Invalid) as excinfo:
        import_offices(session, None, data.encode())
    assert set(excinfo.value.errors) == {"row 4.code", "row 4.parent"}


def test_missing_column_is_reported(session):
    with pytest.raises(Invalid) as excinfo:
        import_offices(session, None, b"code,name,kind\n1,a,post_office\n")
    assert "header" in excinfo.value.errors


def test_non_utf8_file_is_refused(session):
    with pytest.raises(Invalid) as excinfo:
        import_offices(session, None, "code,name,kind,area\n1,Bưu,post_office,urban\n".encode("cp1258"))
    assert "file" in excinfo.value.errors


def test_import_bodies_needs_known_office(session):
    data = "code,name,kind,address,commune,office\nUBBC-X,Ủy ban bầu cử xã X,commune_commission,,X,00000\n"
    with pytest.raises(Invalid) as excinfo:
        import_bodies(session, None, data.encode())
    assert "row 2.office" in excinfo.value.errors
    assert session.get(Body, "UBBC-X") is None


def test_demo_has_the_45_communes(session):
    commissions = session.scalar(
        select(func.count()).select_from(Body).where(Body.kind == "commune_commission")
    )
    assert commissions == 45
    assert session.get(Body, "UBBC-MUONGPHANG").office.parent_code == "32000"


def test_list_offices_paginates(api):
    body = api.as_("clerk").get("/api/v1/offices?per_page=10&page=2").get_json()
    assert body["page"] == 2
    assert body["per_page"] == 10
    assert body["total"] == 46
    assert len(body["items"]) == 10


def test_list_bodies_filters_by_kind(api):
    body = api.as_("board").get("/api/v1/bodies?kind=province_commission").get_json()
    assert [b["code"] for b in body["items"]] == ["UBBC-DIENBIEN"]
    assert body["items"][0] == {
        "code": "UBBC-DIENBIEN",
        "name": "Ủy ban bầu cử tỉnh Điện Biên",
        "kind": "province_commission",
        "address": "Trụ sở UBND tỉnh, phường Điện Biên Phủ, tỉnh Điện Biên",
        "commune": "Điện Biên Phủ",
        "office": "32100",
    }


def test_get_office(api):
    body = api.as_("printer").get("/api/v1/offices/32100").get_json()
    assert body["kind"] == "post_office"
    assert body["parent"] == "32000"
    assert body["area"] == "urban"
