"""The PDF report keeps text in every script: Greek and Cyrillic in its own font (DejaVu Sans), Chinese,
Japanese and Korean in a font found on the computer ($GAPSCOPE_FONT_PATH points the search at a folder
here); and where no font has a character, the PDF, `gapscope report` and its JSON say how many
characters of which papers were left out, and point to the HTML report, instead of dropping them
without a word. The report's figures draw CJK labels in the same fonts; Arabic is joined and Arabic and
Hebrew read right to left, in the PDF (shaped) and in the HTML (dir="auto")."""

from __future__ import annotations

import json
import unicodedata

import pytest

from gapscope.ingest import ingest_papers
from gapscope.models import Paper
from gapscope.reports import write_report
from gapscope.triage import decide

# (title, authors): real-world titles in five scripts, and one in English
PAPERS = [
    ("基于深度学习的中文分词方法研究", ["王小明", "李华"]),
    ("深層学習を用いた日本語文書分類の検討", ["山田太郎"]),
    ("한국어 형태소 분석을 위한 신경망 모델", ["김민준"]),
    ("Μηχανική μάθηση για την ανάλυση επιστημονικών κειμένων", ["Γιώργος Παπαδόπουλος"]),
    ("Глубокое обучение для анализа научных текстов", ["Иван Петров"]),
    ("Attention is all you need", ["Ashish Vaswani"]),
]
NOTE = "与我们的方法比较"      # on the Chinese paper


def is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


@pytest.fixture
def scripts(library):
    rep = ingest_papers(library, [Paper(title=t, authors=a, year=2024, abstract="An abstract.", source="test",
                                        source_key=str(i)) for i, (t, a) in enumerate(PAPERS)],
                        kind="import", source="test", target="scripts test")
    ids = rep.added_ids
    for pid in ids:      # included: the report lists them (the Chinese paper's title again, beside its note)
        decide(library, pid, "include")
    library.add_note(ids[0], NOTE)
    return library, ids


def cjk_texts(ids) -> dict[int, list[str]]:
    """Each CJK paper's texts the report prints: its title, its authors (and the Chinese paper's note)."""
    return {pid: [t, "".join(a)] + ([NOTE] if i == 0 else [])
            for i, (pid, (t, a)) in enumerate(zip(ids, PAPERS)) if any(map(is_cjk, t))}


def make_font(path, chars: str, family: str = "Test Sans CJK") -> None:
    """A TrueType font with a box glyph for each of ``chars`` (and nothing else)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box():
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 800))
        pen.lineTo((900, 800))
        pen.lineTo((900, 0))
        pen.closePath()
        return pen.glyph()

    names = [".notdef"] + [f"uni{ord(c):04X}" for c in chars]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    fb.setupGlyf({n: box() for n in names})
    fb.setupHorizontalMetrics({n: (1000, 100) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": family, "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    fb.save(str(path))


def pdf_text(path) -> str:
    """The PDF's text without white space (a title may wrap)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return "".join("".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc)))
    finally:
        doc.close()


def squeeze(s: str) -> str:
    return "".join(s.split())


def test_the_pdf_draws_cjk_in_a_font_found_on_the_computer(scripts, tmp_path, monkeypatch):
    """A font with the characters in the searched folders (in a subfolder, behind a broken font file
    that is passed over) draws them: every title, author and note is in the PDF's text."""
    lib, ids = scripts
    chars = "".join(sorted({c for t, a in PAPERS for c in t + "".join(a) + NOTE if is_cjk(c)}))
    fonts = tmp_path / "fonts"
    make_font(fonts / "cjk" / "TestSansCJK-Regular.ttf", chars)
    (fonts / "NotoSansCJK-Broken.ttf").write_bytes(b"not a font")     # the most wanted name: tried first
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(fonts))
    d = write_report(lib, "pdf", tmp_path / "r.pdf")
    text = pdf_text(tmp_path / "r.pdf")
    for title, authors in PAPERS:
        assert squeeze(title) in text, title
        for a in authors:
            assert squeeze(a) in text, a
    assert NOTE in text
    assert d.undrawn == [] and "leaves out" not in text


def test_greek_and_cyrillic_need_no_other_font(scripts, tmp_path, monkeypatch):
    lib, ids = scripts
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(empty))
    d = write_report(lib, "pdf", tmp_path / "r.pdf")
    text = pdf_text(tmp_path / "r.pdf")
    for title, authors in PAPERS[3:]:
        assert squeeze(title) in text and squeeze(authors[0]) in text
    assert {u.paper_id for u in d.undrawn} == set(cjk_texts(ids))     # none of the Greek, Russian, English


def test_without_a_font_the_pdf_and_the_message_name_what_was_left_out(scripts, tmp_path, monkeypatch):
    """No font on the computer has CJK: the report says, in the PDF and in its return value, how many
    characters of which papers it could not draw (each text counted once, though the title prints twice)."""
    from gapscope.reports.pdf import undrawn_message

    lib, ids = scripts
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(empty))
    d = write_report(lib, "pdf", tmp_path / "r.pdf")
    expected = {pid: sum(map(is_cjk, "".join(texts))) for pid, texts in cjk_texts(ids).items()}
    assert {u.paper_id: u.characters for u in d.undrawn} == expected
    assert all(u.title == PAPERS[ids.index(u.paper_id)][0] for u in d.undrawn)
    message = undrawn_message(d.undrawn, "The HTML report")
    total = sum(expected.values())
    assert message.startswith(f"The PDF leaves out {total} characters that no font on this computer has: ")
    for pid, n in expected.items():
        assert f"{n} in paper {pid} “{PAPERS[ids.index(pid)][0]}”" in message
    assert "The HTML report shows every character" in message
    text = pdf_text(tmp_path / "r.pdf")          # said under the report's title, too
    assert squeeze(f"This PDF leaves out {total} characters") in text
    assert squeeze(f"{expected[ids[0]]} in paper {ids[0]};") in text and "HTMLversionofthisreport" in text


def test_gapscope_report_names_the_papers_and_suggests_html(scripts, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from gapscope.cli import main

    lib, ids = scripts
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(empty))
    out = tmp_path / "review.pdf"
    res = CliRunner().invoke(main, ["-L", str(lib.path), "report", "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    expected = {pid: sum(map(is_cjk, "".join(texts))) for pid, texts in cjk_texts(ids).items()}
    assert f"leaves out {sum(expected.values())} characters" in res.stderr
    for pid, n in expected.items():
        assert f"{n} in paper {pid} “{PAPERS[ids.index(pid)][0]}”" in res.stderr
    assert f"The HTML report (gapscope report -o {tmp_path / 'review.html'}) shows every character" in res.stderr
    res = CliRunner().invoke(main, ["-L", str(lib.path), "report", "-o", str(out), "--json", "--force"])
    undrawn = json.loads(res.stdout)["undrawn"]
    assert {u["paper_id"]: u["characters"] for u in undrawn} == expected
    # an HTML report has nothing to leave out
    res = CliRunner().invoke(main, ["-L", str(lib.path), "report", "-o", str(tmp_path / "r.html"), "--json"])
    assert json.loads(res.stdout)["undrawn"] == []


def test_the_font_search_reads_fontconfig_charsets_and_tries_the_usual_cjk_fonts_first(tmp_path, monkeypatch):
    from gapscope.fonts import Coverage, font_faces

    cov = Coverage.of_fontconfig("20-7e a0-17f 4e00-9fff")
    assert 0x41 in cov and 0x4E2D in cov and 0x9FFF in cov and 0x7F not in cov and 0x3042 not in cov
    assert Coverage.of_codepoints([0x41, 0x42, 0x43, 0x4E2D]).starts == [0x41, 0x4E2D]
    for name in ("aaa-Regular.ttf", "NotoSansCJK-Bold.ttc", "wqy-microhei.ttc", "NotoSansCJK-Regular.ttc",
                 "readme.txt", "sub/DejaVuSans.ttf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(tmp_path))
    assert [f.path[len(str(tmp_path)) + 1:] for f in font_faces()] == [
        "NotoSansCJK-Regular.ttc", "wqy-microhei.ttc", "sub/DejaVuSans.ttf", "aaa-Regular.ttf", "NotoSansCJK-Bold.ttc"]


# --- the report's figures -----------------------------------------------------------------------------
CJK_LABELS = ["中文分词", "日本語文書分類"]
CJK_CHARS = "".join(sorted(set("".join(CJK_LABELS))))


def small_map(labels):
    """A map of two clusters with these labels, over six years (so the time chart is drawn too)."""
    from gapscope.reports.data import MapData

    clusters = [{"id": i, "label": label, "keywords": [label], "size": 6, "stability": 1.0,
                 "sizes_by_year": {str(2018 + y): 1 for y in range(6)}, "sizes_by_month": {}}
                for i, label in enumerate(labels)]
    points = [(float(i) + 0.1 * k, float(k % 3), i) for i in range(len(labels)) for k in range(6)]
    return MapData("topic", 1, None, {}, {}, len(points), clusters, points)


def draw_charts(m) -> tuple[list[bytes], list[str]]:
    """The map and its time chart as PNG, and matplotlib's warnings of glyphs no font had."""
    import warnings

    from gapscope.reports import plots

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pngs = [plots.map_scatter_png(m), plots.cluster_sizes_png(m)]
    return pngs, [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_chart_draws_cjk_labels_in_a_font_found_on_the_computer(tmp_path, monkeypatch):
    """Without the fallback, matplotlib drew each CJK character of a label as a box, warning "Glyph ...
    missing from font(s) DejaVu Sans"; now each comes from the font that has it."""
    from gapscope.reports import plots

    family = f"Test Sans CJK {tmp_path.name}"        # one per test: matplotlib keeps the fonts it was given
    make_font(tmp_path / "fonts" / "TestSansCJK-Regular.ttf", CJK_CHARS, family)
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(tmp_path / "fonts"))
    pngs, missing = draw_charts(small_map(CJK_LABELS))
    assert all(pngs) and missing == []
    fig, drawn = plots.map_figure(small_map(CJK_LABELS))
    assert {t.get_text() for t in drawn} == set(CJK_LABELS)
    assert all(t.get_fontfamily() == ["DejaVu Sans", family] for t in drawn)


def test_a_chart_in_latin_letters_is_drawn_as_before(tmp_path, monkeypatch):
    """The fallback fonts are only added for characters DejaVu Sans lacks: an English chart is the
    same, pixel for pixel, whatever fonts the computer has."""
    make_font(tmp_path / "fonts" / "TestSansCJK-Regular.ttf", CJK_CHARS, f"Test Sans CJK {tmp_path.name}")
    english = small_map(["speech recognition", "Übersetzung und Ωmega"])
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(tmp_path / "fonts"))
    with_font, missing = draw_charts(english)
    (tmp_path / "none").mkdir()
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(tmp_path / "none"))
    without, _ = draw_charts(english)
    assert missing == [] and with_font == without


def test_a_chart_draws_chinese_in_the_computers_own_font(monkeypatch):
    """The same with the fonts installed on this computer (fontconfig and the usual folders)."""
    from gapscope.fonts import faces_for, font_faces

    monkeypatch.delenv("GAPSCOPE_FONT_PATH", raising=False)
    need = {ord(c) for c in "".join(CJK_LABELS)}
    if not faces_for(need, font_faces()):
        pytest.skip("no font on this computer has Chinese and Japanese characters (`fc-list :lang=zh` lists "
                    "none); test_a_chart_draws_cjk_labels_in_a_font_found_on_the_computer covers the fallback")
    pngs, missing = draw_charts(small_map(CJK_LABELS))
    assert all(pngs) and missing == []


def test_an_experiment_runs_curves_draw_its_cjk_name(tmp_path, monkeypatch):
    """A run's curves (drawn when it ends, shown in the report) carry its name in the title: in Chinese,
    each character came out as a box ("Glyph ... missing from font(s) DejaVu Sans")."""
    import warnings

    from gapscope.experiments.plots import plot_curves

    name = "中文分词实验"
    make_font(tmp_path / "fonts" / "TestSansCJK-Regular.ttf", name, f"Test Sans CJK {tmp_path.name}")
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(tmp_path / "fonts"))
    records = [{"seed": 0, "fold": 0, "epoch": e, "train_loss": 1.0 / (e + 1), "val_loss": 1.2 / (e + 1),
                "val_f1": 0.5 + 0.1 * e} for e in range(3)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plot_curves(records, tmp_path / "curves.png", title=f"{name} (finished)")
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []


def test_one_report_searches_the_computers_fonts_once(scripts, tmp_path, monkeypatch):
    """Each chart with CJK labels and the PDF looked for fonts again (fc-list and a walk of the font
    folders: seconds on a computer with many fonts); a report now searches once. Outside a report each
    call searches afresh (a font installed meanwhile is found)."""
    from gapscope import fonts
    from gapscope.reports import write

    lib, _ids = scripts
    chars = {c for t, a in PAPERS for c in t + "".join(a) + NOTE + CJK_CHARS if is_cjk(c)}
    make_font(tmp_path / "fonts" / "TestSansCJK-Regular.ttf", "".join(sorted(chars)), f"Test Sans CJK {tmp_path.name}")
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(tmp_path / "fonts"))
    searches = []
    files_in = fonts._files_in
    monkeypatch.setattr(fonts, "_files_in", lambda dirs: searches.append(dirs) or files_in(dirs))
    make_figures = write.make_figures

    def with_maps(d, **kw):          # the library has no maps: draw a map and its time chart as a report would
        figs = make_figures(d, **kw)
        figs["map-topic"], figs["sizes-topic"] = draw_charts(small_map(CJK_LABELS))[0]
        return figs

    monkeypatch.setattr(write, "make_figures", with_maps)
    write_report(lib, "pdf", tmp_path / "r.pdf")
    assert len(searches) == 1
    fonts.font_faces()
    fonts.font_faces()
    assert len(searches) == 3


# --- right-to-left scripts in the PDF -----------------------------------------------------------------
RTL_PAPERS = [
    ("علم البيانات للجميع", ["أحمد علي"]),          # "data science for everyone"
    ("שלום עולם: מבוא לעיבוד שפה", ["דוד כהן"]),     # "hello world: an introduction to language processing"
    ("Efficient fine-tuning of large models", ["Ada Lovelace"]),
]


def drawn_glyphs(path) -> list[str]:
    """The names of the glyphs the PDF draws (from its embedded fonts), line by line from the top, each
    line from left to right: the order a reader's eye meets them."""
    import io

    import pypdf
    from fontTools.ttLib import TTFont
    from pypdf.generic import ContentStream

    reader = pypdf.PdfReader(str(path))
    lines = []
    for page in reader.pages:
        names = {}
        for key, ref in page["/Resources"]["/Font"].items():
            cid_font = ref.get_object()["/DescendantFonts"][0].get_object()
            order = TTFont(io.BytesIO(cid_font["/FontDescriptor"].get_object()["/FontFile2"].get_data())).getGlyphOrder()
            gids = cid_font["/CIDToGIDMap"]
            gids = gids.get_object().get_data() if not isinstance(gids, str) else None
            names[key] = lambda cid, order=order, gids=gids: order[int.from_bytes(gids[2 * cid: 2 * cid + 2], "big")
                                                                    if gids else cid]
        drawn, font, x, y = [], None, 0.0, 0.0
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Tf":
                font = operands[0]
            elif op == b"Td":
                x, y = float(operands[0]), float(operands[1])
            elif op == b"Tm":
                x, y = float(operands[4]), float(operands[5])
            elif op in (b"Tj", b"TJ"):
                strings = operands[0] if op == b"TJ" else [operands[0]]
                raw = b"".join(s.original_bytes if hasattr(s, "original_bytes") else bytes(s)
                               for s in strings if not isinstance(s, (int, float)))
                drawn += [(-round(y), x, len(drawn) + i // 2, names[font](int.from_bytes(raw[i:i + 2], "big")))
                          for i in range(0, len(raw), 2)]
        by_line: dict[int, list] = {}
        for line_y, gx, n, name in drawn:
            by_line.setdefault(line_y, []).append((gx, n, name))
        lines += [" ".join(name for _x, _n, name in sorted(by_line[k])) for k in sorted(by_line)]
    return lines


def test_arabic_is_joined_and_hebrew_reads_right_to_left_in_the_pdf(library, tmp_path):
    """Drawn letter by letter in typing order, "علم" showed three unjoined letters, reversed: ع ل م from
    the left. Shaped, it is its initial ع, medial ل and final م forms, placed from the right; Hebrew
    "שלום" is ש ל ו ם from the right. Latin text is not shaped: "fi" stays two letters."""
    rep = ingest_papers(library, [Paper(title=t, authors=a, year=2024, abstract="An abstract.", source="test",
                                        source_key=str(i)) for i, (t, a) in enumerate(RTL_PAPERS)],
                        kind="import", source="test", target="rtl test")
    for pid in rep.added_ids:
        decide(library, pid, "include")
    d = write_report(library, "pdf", tmp_path / "r.pdf")
    assert d.undrawn == []
    lines = drawn_glyphs(tmp_path / "r.pdf")
    # U+FEE2 meem final, U+FEE0 lam medial, U+FECB ain initial (DejaVu Sans names its forms so)
    assert any("uniFEE2 uniFEE0 uniFECB" in line for line in lines)
    assert not any("uni0639 uni0644 uni0645" in line for line in lines)     # the unjoined letters, typed order
    assert any("uni05DD uni05D5 uni05DC uni05E9" in line for line in lines)  # ם ו ל ש, from the left
    assert any("E f f i c i e n t space f i n e" in line for line in lines)


def test_the_html_report_sets_titles_and_notes_in_their_own_direction(library, tmp_path):
    """Each paper's title (and a note, a table cell) is in an element with dir="auto", so a browser sets
    Arabic and Hebrew right to left, with the punctuation at their ends where a reader expects it."""
    import xml.etree.ElementTree as ET

    rep = ingest_papers(library, [Paper(title=t, authors=a, year=2024, abstract="An abstract.", source="test",
                                        source_key=str(i)) for i, (t, a) in enumerate(RTL_PAPERS)],
                        kind="import", source="test", target="rtl test")
    for pid in rep.added_ids:
        decide(library, pid, "include")
    library.add_note(rep.added_ids[0], "ملاحظة: قارن مع طريقتنا؟")
    write_report(library, "html", tmp_path / "r.html")
    root = ET.parse(tmp_path / "r.html").getroot()
    texts = [t for t, _a in RTL_PAPERS] + ["ملاحظة: قارن مع طريقتنا؟", "rtl test"]
    for text in texts:
        holders = [e for e in root.iter() if (e.text or "").strip() == text]
        assert holders, text
        assert all(e.get("dir") == "auto" for e in holders), (text, [e.tag for e in holders])
