"""Property: any Vietnamese name, in any normal form and length, renders; the barcode always decodes; the name is
either printed whole (in NFC) or reported as shortened."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from labels_support import decode_code128, pdf_pages, pdf_texts, sample

from labels import render_labels_pdf, render_labels_zpl
from labels.text import clean

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
ALPHABET = LETTERS + LETTERS.upper() + "0123456789 ,.-/()"

names = st.builds(
    lambda text, form: unicodedata.normalize(form, text),
    st.text(alphabet=ALPHABET, min_size=1, max_size=160).filter(str.strip),
    st.sampled_from(["NFC", "NFD"]),
)


def _squash(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names, address=names)
def test_any_vietnamese_name_renders_and_scans(name: str, address: str) -> None:
    label = sample(recipient_name=name, recipient_address=address)
    result = render_labels_pdf([label], "a6")
    assert decode_code128(pdf_pages(result.data, 203)[0]) == [label.tracking]
    text = _squash(pdf_texts(result.data)[0])
    reported = {w.field: w for w in result.warnings}
    assert set(reported) <= {"recipient_name", "recipient_address"}
    for field, value in (("recipient_name", name), ("recipient_address", address)):
        if field in reported:
            assert reported[field].text == clean(value)
            assert reported[field].shown.endswith("…")
            assert _squash(reported[field].shown) in text
        else:
            assert _squash(clean(value)) in text
    zpl = render_labels_zpl([label], "100x150", 203)
    assert zpl.data.isascii()
    assert zpl.data.count(b"^XA") == 1
    assert {w.field for w in zpl.warnings} == set(reported)
