"""The footprint engine on hand-written user pages in English, Persian and Chinese."""

from __future__ import annotations

import pytest

from rightsdesk.safety.footprint.analyse import analyse_wikitext, template_spans, username_words
from rightsdesk.safety.footprint.findings import EVIDENCE_LIMIT, Finding, Severity, make_finding
from tests.safety.wikitext import one_megabyte_page, read


def of_kind(findings: list[Finding], kind: str) -> list[Finding]:
    return [finding for finding in findings if finding.kind == kind]


def evidence(findings: list[Finding], kind: str) -> list[str]:
    return [finding.evidence for finding in of_kind(findings, kind)]


# Persian.


def test_the_persian_page_shows_its_photos_with_the_localised_namespaces():
    findings = analyse_wikitext(read("persian.wiki"), source="کاربر:علی")
    photos = evidence(findings, "photo")
    assert "[[پرونده:علی رضایی در همایش ویکی‌پدیا.jpg|بندانگشتی|من در همایش]]" in photos
    assert "[[تصویر:خانه ما در کرج.jpg|۲۰۰px]]" in photos
    assert "<gallery> پرونده:عکس من.jpg" in photos
    # Flags are SVG drawings, not photos of the person.
    assert not [photo for photo in photos if ".svg" in photo]
    assert {(f.severity, f.lesson) for f in of_kind(findings, "photo")} == {
        (Severity.HIGH, "user-page-beginner")
    }
    assert {finding.source for finding in findings} == {"کاربر:علی"}


def test_the_persian_page_shows_its_location_userboxes():
    findings = analyse_wikitext(read("persian.wiki"))
    locations = {f.evidence: f.severity for f in of_kind(findings, "location")}
    assert locations["{{کاربر تهران}}"] == Severity.HIGH  # a city
    assert locations["{{کاربر اهل ایران}}"] == Severity.MEDIUM  # a country
    assert locations["ساکن کرج"] == Severity.HIGH  # written in the prose
    assert all(f.lesson == "doxxing-beginner" for f in of_kind(findings, "location"))


def test_the_persian_page_shows_school_faith_politics_age_and_name():
    findings = analyse_wikitext(read("persian.wiki"))
    assert "دانشگاه تهران" in evidence(findings, "school")[0]
    assert evidence(findings, "religion") == ["{{کاربر مسلمان}}"]
    assert evidence(findings, "politics") == ["{{کاربر اصلاح‌طلب}}"]
    assert evidence(findings, "age") == ["۲۳ ساله"]
    assert evidence(findings, "real_name") == ["اسم من علی رضایی"]
    assert evidence(findings, "coordinates") == ["{{مختصات|35.8|51.0}}"]
    assert evidence(findings, "social_media") == ["https://t.me/alirezaei_wiki"]
    assert {f.severity for f in of_kind(findings, "religion")} == {Severity.MEDIUM}
    assert {f.lesson for f in of_kind(findings, "politics")} == {"sensitive-topics-beginner"}


def test_the_persian_page_shows_contact_details_written_in_persian_digits():
    findings = analyse_wikitext(read("persian.wiki"))
    assert evidence(findings, "email") == ["ali.rezaei@example.ir"]
    assert evidence(findings, "phone") == ["۰۹۱۲ ۳۴۵ ۶۷۸۹"]
    assert of_kind(findings, "phone")[0].severity == Severity.HIGH


def test_language_boxes_are_low():
    findings = analyse_wikitext(read("persian.wiki"))
    boxes = of_kind(findings, "language_box")
    assert [box.evidence for box in boxes] == ["{{بابل|fa|en-3|ar-1}}", "{{کاربر fa}}"]
    assert {box.severity for box in boxes} == {Severity.LOW}
    # The lowest come last.
    assert findings[-len(boxes) :] == boxes


# Chinese.


def test_the_chinese_page_shows_its_photos_and_location():
    findings = analyse_wikitext(read("chinese.wiki"))
    photos = evidence(findings, "photo")
    assert "image=我的照片.jpg" in photos
    assert "[[File:天安门前的我.jpg|缩略图|我在北京]]" in photos
    assert "[[文件:我的猫.png|200px]]" in photos
    assert "[[图像:我家门口.jpeg]]" in photos
    locations = evidence(findings, "location")
    assert locations[0] == "{{User 北京}}"
    assert of_kind(findings, "location")[0].severity == Severity.HIGH
    assert any("来自上海" in location for location in locations)
    assert "住在北京" in locations


def test_the_chinese_page_shows_contacts_age_name_and_languages():
    findings = analyse_wikitext(read("chinese.wiki"))
    assert evidence(findings, "email") == ["wangxm@example.cn"]
    assert evidence(findings, "phone") == ["139 1234 5678"]
    assert evidence(findings, "age") == ["25岁"]
    assert evidence(findings, "real_name") == ["我叫王小明"]
    assert evidence(findings, "social_media") == ["https://weibo.com/wangxiaoming"]
    assert any("清华大学" in school for school in evidence(findings, "school"))
    assert evidence(findings, "language_box") == ["{{Babel|zh|en-2|ja-1}}", "{{User zh-hans-N}}"]


# English.


def test_the_english_page_shows_what_it_reveals():
    findings = analyse_wikitext(read("english.wiki"), username="SiobhanMurphy")
    kinds = {finding.kind for finding in findings}
    assert kinds == {
        "location", "real_name", "photo", "email", "phone", "coordinates", "age", "school",
        "religion", "employer", "social_media", "language_box", "personal_site",
    }  # fmt: skip
    assert "lives in [[Cork]]" in evidence(findings, "location")[0]
    assert evidence(findings, "age") == ["{{User born|1994}}"]
    assert evidence(findings, "religion") == ["{{User Catholic}}"]
    assert evidence(findings, "email") == ["siobhan.murphy@example.ie"]
    assert evidence(findings, "phone") == ["+353 87 123 4567"]
    assert evidence(findings, "social_media") == [
        "https://twitter.com/siobhanm",
        "https://www.instagram.com/siobhan.m/",
        "@siobhan@mastodon.ie",
    ]
    assert evidence(findings, "personal_site") == ["https://siobhan-murphy.example.net/about"]
    assert {f.lesson for f in of_kind(findings, "social_media")} == {"user-page-beginner"}
    # A userbox for being a Wikipedian reveals nothing, and an SVG flag is no photo.
    assert not [f for f in findings if "Wikipedian" in f.evidence]
    assert not [photo for photo in evidence(findings, "photo") if ".svg" in photo]


def test_findings_come_by_severity_then_page_order():
    findings = analyse_wikitext(read("english.wiki"))
    order = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
    ranks = [order[finding.severity] for finding in findings]
    assert ranks == sorted(ranks)
    highs = [f.kind for f in findings if f.severity == Severity.HIGH]
    assert highs.index("photo") < highs.index("email") < highs.index("coordinates")


def test_a_username_made_of_the_name_written_on_the_page_is_a_real_name():
    findings = analyse_wikitext(read("english.wiki"), username="SiobhanMurphy")
    matches = [e for e in evidence(findings, "real_name") if e.startswith("SiobhanMurphy:")]
    assert len(matches) == 1
    assert "My name is Siobhan Murphy" in matches[0]
    assert of_kind(findings, "real_name")[0].severity == Severity.HIGH


def test_a_username_only_in_signatures_is_not_a_real_name():
    text = "Thanks! [[User:John Smith|John Smith]] ([[User talk:John Smith|talk]]) 10:00, 1 May"
    assert analyse_wikitext(text, username="John Smith") == []
    assert analyse_wikitext("I am John Smith.", username="Wiki Gnome") == [
        make_finding("real_name", Severity.HIGH, "I am John Smith")
    ]


@pytest.mark.parametrize(
    ("username", "words"),
    [
        ("JohnSmith1990", ["John", "Smith"]),
        ("John_Smith", ["John", "Smith"]),
        ("john.smith", ["john", "smith"]),
        ("Gnome", ["Gnome"]),
    ],
)
def test_usernames_split_into_words(username: str, words: list[str]):
    assert username_words(username) == words


def test_plain_prose_and_ordinary_links_reveal_nothing():
    text = (
        "I edit articles about [[Medieval history]] and {{cite web|url=https://en.wikipedia.org"
        "/wiki/X|title=X}}. I am going to finish the article on the 1990 floods, from time to "
        "time. {{User Wikipedian}} {{Userbox begin}} {{Userbox end}} [[:File:Not shown.jpg]]"
    )
    assert analyse_wikitext(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Write to me: jane [at] example [dot] org", "email", "jane [at] example [dot] org"),
        ("Call ٠٠٩٦٤ ٧٧٠ ١٢٣ ٤٥٦٧ please", "phone", "٠٠٩٦٤ ٧٧٠ ١٢٣ ٤٥٦٧"),
        ("tel:+33-1-23-45-67-89", "phone", "tel:+33-1-23-45-67-89"),
        (
            "[https://geohack.toolforge.org/geohack.php?params=35.7_N_51.4_E home]",
            "coordinates",
            "https://geohack.toolforge.org/geohack.php?params=35.7_N_51.4_E",
        ),
        ("{{Coord|35|41|N|51|25|E}}", "coordinates", "{{Coord|35|41|N|51|25|E}}"),
        ("{{#babel:fa|en-2}}", "language_box", "{{#babel:fa|en-2}}"),
        ("{{Userbox|city=Mashhad}}", "location", "city=Mashhad"),
        ("{{User:UBX/Shiraz}}", "location", "{{User:UBX/Shiraz}}"),
        ("{{User from Germany}}", "location", "{{User from Germany}}"),
        ("{{Участник Москва}}", "location", "{{Участник Москва}}"),
        ("Je m'appelle Claire Dubois.", "real_name", "Je m'appelle Claire Dubois"),
        ("Меня зовут Иван Петров.", "real_name", "Меня зовут Иван Петров"),
        ("Vivo en Bogotá desde 2010.", "location", "Vivo en Bogotá"),
        ("أعيش في بغداد منذ سنوات", "location", "أعيش في بغداد"),
        ("{{Userbox|info=Works at [[Acme]]}}", "employer", "{{Userbox|info=Works at [[Acme]]}}"),
        ("{{userbox|image=Me.JPG|info=hi}}", "photo", "image=Me.JPG"),
        (
            "https://vk.com/id1 and https://www.linkedin.com/in/x",
            "social_media",
            "https://vk.com/id1",
        ),
    ],
)
def test_each_kind_is_found(text: str, kind: str, found: str):
    assert found in evidence(analyse_wikitext(text), kind)


def test_the_same_photo_counts_once():
    text = "[[File:Me.jpg|thumb]] {{userbox|image=Me.jpg}} [[Image:Me.jpg]]"
    assert len(evidence(analyse_wikitext(text), "photo")) == 1


def test_a_wiki_namespace_alias_counts_as_an_image_namespace():
    text = "[[Bestand:Ik.jpg|thumb]]"
    assert analyse_wikitext(text) == []
    found = analyse_wikitext(text, image_namespaces=("Bestand", "Afbeelding"))
    assert evidence(found, "photo") == ["[[Bestand:Ik.jpg|thumb]]"]


def test_evidence_is_trimmed():
    text = "{{Userbox|info=This user lives in Tehran. " + "Long text. " * 100 + "}}"
    (finding,) = analyse_wikitext(text)
    assert len(finding.evidence) == EVIDENCE_LIMIT
    assert finding.evidence.endswith("…")
    assert finding.as_dict() == {
        "kind": "location",
        "severity": "high",
        "evidence": finding.evidence,
        "lesson": "doxxing-beginner",
        "source": "",
    }


# Bad input.


def test_a_malformed_page_gives_findings_from_what_could_be_read():
    findings = analyse_wikitext(read("malformed.wiki"))
    assert "{{User Tehran}}" in evidence(findings, "location")
    assert any("Shiraz" in location for location in evidence(findings, "location"))
    assert "[[File:Me at home.jpg|thumb|unclosed link" in evidence(findings, "photo")
    assert "<gallery> File:Holiday photo.jpg" in evidence(findings, "photo")
    assert evidence(findings, "email") == ["broken.page@example.org"]
    assert evidence(findings, "phone") == ["+98 912 345 6789"]
    assert evidence(findings, "coordinates") == ["{{coord|35.7|51.4}}"]
    assert "{{Babel|fa|en-2}}" in evidence(findings, "language_box")


@pytest.mark.parametrize(
    "text",
    ["", "{{", "}}", "[[", "{{{{{{{{", "}}}}]]]]", "<gallery>", "{{a|" * 2000, "[[File:" * 500,
     "{{User\x00Tehran}}", "\ud800 lone surrogate {{coord"],
)  # fmt: skip
def test_odd_input_never_raises(text: str):
    assert isinstance(analyse_wikitext(text), list)


def test_unclosed_templates_are_read_to_the_end_of_their_line():
    assert template_spans("{{User Tehran\nprose") == [(0, 13)]
    assert template_spans("{{User Tehran\nprose }}") == [(0, 22)]
    assert template_spans("{{a|{{b}}}}") == [(0, 11), (4, 9)]


def test_a_one_megabyte_page_completes_with_findings():
    page = one_megabyte_page()
    assert len(page) >= 1_000_000
    findings = analyse_wikitext(page, username="SiobhanMurphy")
    kinds = {finding.kind for finding in findings}
    assert {"photo", "location", "email", "phone", "language_box", "real_name"} <= kinds
    # Every kind is capped, so the report stays short whatever the page holds.
    assert all(len(of_kind(findings, kind)) <= 25 for kind in kinds)
