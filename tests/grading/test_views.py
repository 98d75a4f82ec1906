import datetime
import html as html_module
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from grading.handoff import SALT, load_result, result_from_answers, result_path, sign_result

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
GRADE_III = {
    "periocular": "yes",
    "other_regions": "yes",
    "vision_interference": "yes",
    "disfiguring_asymmetry": "no",
    "severity": "3",
    "frequency": "4",
}
INCONSISTENT = {**GRADE_III, "periocular": "no", "other_regions": "no"}
# Each agreement rule of the spec broken by changing GRADE_III: (changes, questions named).
RULES = [
    pytest.param({"periocular": "no", "vision_interference": "no", "severity": "2", "frequency": "1"}, ["periocular", "severity"], id="A"),
    pytest.param({"vision_interference": "no", "severity": "0", "frequency": "0"}, ["periocular", "severity", "frequency"], id="B"),
    pytest.param({"vision_interference": "no"}, ["vision_interference", "frequency"], id="C"),
    pytest.param({"frequency": "1", "severity": "1"}, ["vision_interference", "frequency"], id="D"),
    pytest.param(
        {"periocular": "no", "other_regions": "no", "vision_interference": "no", "disfiguring_asymmetry": "yes", "severity": "0", "frequency": "1"},
        ["periocular", "other_regions", "disfiguring_asymmetry"],
        id="E",
    ),
]  # fmt: skip
QUESTION = {name: number for number, name in enumerate(GRADE_III, start=1)}


@pytest.fixture
def url():
    return reverse("grading:calculator")


def result_token(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["result"][0]


def signed(answers: dict, date=datetime.date(2026, 11, 21)) -> str:
    return sign_result(result_from_answers(answers, date=date))


def as_data(form_data: dict) -> dict:
    data = {name: form_data[name] == "yes" for name in list(form_data)[:4]}
    data.update(severity=int(form_data["severity"]), frequency=int(form_data["frequency"]))
    return data


# --- The empty page -------------------------------------------------------------------------


def test_calculator_page_has_six_labelled_questions_in_fieldsets(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert html.count("<fieldset") == 6
    assert html.count("<legend>") == 6
    radios = re.findall(r'<input type="radio"[^>]*id="([^"]+)"', html)
    assert len(radios) == 4 * 2 + 2 * 5
    for radio_id in radios:
        assert f'<label for="{radio_id}">' in html


def test_calculator_page_works_without_javascript_and_enhances_with_htmx(client, url):
    response = client.get(url)
    assertContains(response, f'action="{url}#error-summary" method="post"')
    assertContains(response, f'hx-post="{url}" hx-trigger="change" hx-target="#result"')
    assertContains(response, '<button type="submit">Show my result</button>')
    assertContains(response, 'id="result-status" class="result-status" role="status" aria-live="polite"')
    assertContains(response, '<section id="result"')
    assertContains(response, 'src="/static/js/calculator.js" defer')


def test_calculator_page_has_no_inline_script_style_or_hx_on(client, url):
    html = client.get(url, {"result": signed(as_data(GRADE_III))}).content.decode()
    assert "style=" not in html
    assert "hx-on" not in html
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script


def test_calculator_page_says_answers_are_not_stored_and_questions_are_our_wording(client, url):
    response = client.get(url)
    assertContains(response, "We do not save your answers.")
    assertContains(response, "written by our clinic in everyday words")
    assertContains(response, "This is not a diagnosis.")


def test_calculator_does_not_accept_other_methods(client, url):
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_calculator_responses_vary_on_htmx_and_are_not_cached(client, url):
    response = client.get(url)
    assert "HX-Request" in response["Vary"]
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-cache"}


# --- No JavaScript: POST, redirect, GET -----------------------------------------------------


def test_valid_post_redirects_to_a_signed_result_so_back_never_resubmits(client, url):
    response = client.post(url, GRADE_III)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{url}?result=")
    assert response["Location"].endswith("#result-heading")  # focusable: focus lands on the result
    result = load_result(result_token(response))
    assert result.smc.roman == "III"
    assert result.jankovic.total == 7
    assert result.answers == as_data(GRADE_III)


def test_result_page_shows_grade_score_meaning_and_date(client, url):
    token = signed(as_data(GRADE_III), date=datetime.date(2026, 11, 21))
    response = client.get(url, {"result": token})
    assert response.status_code == 200
    assertContains(response, '<span class="result__value">Grade III</span>')
    assertContains(response, "gets in the way of seeing")
    assertContains(response, '<span class="result__value">7 out of 8</span>')
    assertContains(response, "How strong: 3 out of 4")
    assertContains(response, "How often: 4 out of 4")
    assertContains(response, '<time datetime="2026-11-21">21 November 2026</time>')
    assertContains(response, "Take this to your appointment")


def test_result_page_keeps_the_answers_selected_in_the_form(client, url):
    response = client.get(url, {"result": signed(as_data(GRADE_III))})
    html = response.content.decode()
    assert 'value="yes" id="id_periocular_0" required checked' in html
    assert 'value="no" id="id_disfiguring_asymmetry_1" required checked' in html
    assert 'value="3" id="id_severity_3" required checked' in html


def test_result_page_has_every_disclaimer_and_both_sources(client, url):
    response = client.get(url, {"result": signed(as_data(GRADE_III))})
    for text in [
        "It is not a diagnosis.",
        "215 people",
        "19 in every 100",
        "18 in every 100",
        "already said they have hemifacial spasm",
        "made for doctors to score",
        "does not decide your treatment",
        "spasms on both sides of your face",
        "new weakness in your face",
        "hearing loss, or ringing in one ear",
        "any other new symptom",
        "Do not drive, cycle or use machines while a spasm is closing your eye.",
        "How we combine your answers, and which answers must agree, are our clinic's own rules.",
        "written by our clinic in everyday words",
        "We do not save your answers.",
        "Lee JA, Jo KW, Kong DS, Park K.",
        "doi.org/10.1159/000330396",
        "Jankovic J, Orman J.",
        "3561773",
    ]:
        assertContains(response, text)


def test_result_page_links_to_the_treatments_section_of_the_article(client, url):
    response = client.get(url, {"result": signed(as_data(GRADE_III))})
    article = reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"})
    assertContains(response, f'href="{article}#treatments"')
    assertContains(response, "Botulinum toxin injections")
    assertContains(response, "microvascular decompression")


@pytest.mark.parametrize(
    ("periocular", "other", "vision", "distortion", "roman"),
    [
        ("yes", "no", "no", "no", "I"),
        ("yes", "yes", "no", "no", "II"),
        ("no", "yes", "no", "no", "II"),
        ("yes", "no", "yes", "no", "III"),
        ("yes", "yes", "yes", "yes", "IV"),
    ],
)
def test_grade_scale_marks_the_patients_grade(client, url, periocular, other, vision, distortion, roman):
    data = {
        **GRADE_III,
        "periocular": periocular,
        "other_regions": other,
        "vision_interference": vision,
        "disfiguring_asymmetry": distortion,
        # Eyelid answers that agree with the rest (the spec's rules A, C and D).
        "severity": "3" if periocular == "yes" else "1",
        "frequency": ("4" if vision == "yes" else "3") if periocular == "yes" else "1",
    }
    html = client.get(client.post(url, data)["Location"]).content.decode()
    current = re.findall(
        r'grade-scale__step--current" aria-current="true">\s*<span class="grade-scale__roman">(\w+)</span>',
        html,
    )
    assert current == [roman]
    assert html.count('aria-current="true"') == 1
    assert "Your grade</span>" in html


def test_face_diagram_describes_and_stripes_only_the_reported_areas(client, url):
    eye_only = {**GRADE_III, "other_regions": "no", "vision_interference": "no", "frequency": "3"}
    html = client.get(client.post(url, eye_only)["Location"]).content.decode()
    assert 'role="img" aria-labelledby="face-title face-desc"' in html
    assert "Striped areas show where you said the spasm happens: around one eye." in html
    assert html.count('fill="url(#face-hatch)"') == 1
    assert '<text x="8" y="80">Forehead</text>' not in html

    html = client.get(client.post(url, GRADE_III)["Location"]).content.decode()
    assert "around one eye, and the forehead, cheek, mouth and neck on the same side" in html
    assert "The eye on that side is drawn shut." in html
    assert html.count('fill="url(#face-hatch)"') == 5


def test_away_from_the_eye_result_explains_the_at_least_grade_ii_rule(client, url):
    data = {**GRADE_III, "periocular": "no", "vision_interference": "no", "severity": "1", "frequency": "1"}
    response = client.get(client.post(url, data)["Location"])
    assertContains(response, "Grade II</span>")
    assertContains(response, "We count it as at least grade II.")


def test_no_spasm_now_shows_no_grade_rather_than_grade_zero(client, url):
    data = {
        **GRADE_III,
        "periocular": "no",
        "other_regions": "no",
        "vision_interference": "no",
        "severity": "0",
        "frequency": "0",
    }
    response = client.get(client.post(url, data)["Location"])
    assertContains(response, '<span class="result__value">No grade</span>')
    assertContains(response, '<span class="result__value">0 out of 8</span>')
    assertNotContains(response, "grade-scale__step--current")
    assertNotContains(response, "Grade 0")


# --- Invalid input --------------------------------------------------------------------------


def test_missing_answers_rerender_with_an_error_summary_linked_to_each_question(client, url):
    response = client.post(url, {"periocular": "yes"})
    assert response.status_code == 200
    assertTemplateUsed(response, "grading/calculator.html")
    assertContains(response, 'id="error-summary" tabindex="-1"')
    for name in ["other_regions", "vision_interference", "disfiguring_asymmetry", "severity", "frequency"]:
        assertContains(response, f'<a href="#id_{name}_0">')
        assertContains(response, f'<ul class="errorlist" id="id_{name}_error">')
        assertContains(response, f'aria-describedby="id_{name}_helptext id_{name}_error"')
    assertContains(response, 'aria-invalid="true"', count=2 * 3 + 5 * 2)
    assertContains(response, 'value="yes" id="id_periocular_0" required checked')


@pytest.mark.parametrize(("changes", "named"), RULES)
def test_without_javascript_contradicting_answers_get_no_result_but_a_summary_naming_them(
    client, url, changes, named
):
    data = {**GRADE_III, **changes}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert "Some answers do not agree" in summary
    assert " do not agree: you said " in summary
    linked = re.findall(r'<a href="#id_(\w+)_0">[Qq]uestion (\d)</a>', summary)
    assert linked == [(name, str(QUESTION[name])) for name in named]
    for name in named:
        assertContains(response, f'<ul class="errorlist" id="id_{name}_error"><li>This answer does not agree')
    # Every answer is kept as given.
    for name, value in data.items():
        radio = re.search(rf'<input type="radio" name="{name}" value="{value}"[^>]*>', html).group(0)
        assert "checked" in radio
    assert "result__value" not in html
    assert "our clinic's own rules" in html


@pytest.mark.parametrize(("changes", "named"), RULES)
def test_with_htmx_contradicting_answers_get_no_result_and_the_live_region_says_so(
    client, url, changes, named
):
    response = client.post(url, {**GRADE_III, **changes}, headers=HX)
    assert response.status_code == 200  # htmx 2 swaps 2xx only
    html = response.content.decode()
    assert "<html" not in html
    assert "Some answers do not agree, so there is no result yet." in html
    linked = re.findall(r'<a href="#id_(\w+)_0">[Qq]uestion (\d)</a>', html)
    assert linked == [(name, str(QUESTION[name])) for name in named]
    assert "result__value" not in html
    assert "result=" not in html  # no result token anywhere: nothing to send or print
    numbers = [str(QUESTION[name]) for name in named]
    numbers = ", ".join(numbers[:-1]) + " and " + numbers[-1]
    status = re.search(r'<p id="result-status" hx-swap-oob="innerHTML">(.*?)</p>', html).group(1)
    assert status.startswith(f"Some answers do not agree: check questions {numbers}.")


def test_fixing_one_answer_of_a_contradiction_gives_the_result(client, url):
    contradicting = {**GRADE_III, "vision_interference": "no"}  # rule C
    assert "result__value" not in client.post(url, contradicting, headers=HX).content.decode()
    fixed = client.post(url, {**contradicting, "frequency": "3"}, headers=HX).content.decode()
    assert '<span class="result__value">Grade II</span>' in fixed


def test_eyelid_flutters_with_blurred_sight_give_a_result(client, url):
    response = client.post(url, {**GRADE_III, "frequency": "2"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("name", "value"), [("severity", "9"), ("frequency", "-1"), ("severity", "1.5"), ("periocular", "maybe")]
)
def test_values_the_page_never_offers_get_a_message_and_a_400(client, url, name, value):
    response = client.post(url, {**GRADE_III, name: value})
    assert response.status_code == 400
    assertContains(response, "That answer is not one of the choices on this page.", status_code=400)
    assertContains(response, f'<a href="#id_{name}_0">', status_code=400)


# --- htmx: the result region only -----------------------------------------------------------


def test_htmx_post_returns_only_the_result_region_with_the_result(client, url):
    response = client.post(url, GRADE_III, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<form" not in html
    assert html.lstrip().startswith('<section id="result"')
    assert '<span class="result__value">Grade III</span>' in html
    assert (
        '<p id="result-status" hx-swap-oob="innerHTML">Result updated: grade III out of IV, eyelid score 7 out of 8.'
        in html
    )


def test_htmx_result_carries_a_signed_link_to_the_enquiry_form(client, url):
    html = client.post(url, GRADE_III, headers=HX).content.decode()
    [href] = re.findall(r'<a class="button" href="([^"]+)">Send this result to the care coordinator', html)
    assert href.startswith(reverse("contact:form") + "?")
    token = parse_qs(urlsplit(html_module.unescape(href)).query)["result"][0]
    assert load_result(token).answers == as_data(GRADE_III)


def test_htmx_partial_answers_show_progress_not_errors(client, url):
    response = client.post(url, {"periocular": "yes", "other_regions": "no"}, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "You have answered 2 of 6." in html
    assert '<a href="#id_vision_interference_0">' in html
    assert "errorlist" not in html
    assert '<p id="result-status" hx-swap-oob="innerHTML">2 of 6 questions answered.</p>' in html


def test_the_same_url_without_htmx_returns_the_full_page(client, url):
    response = client.get(url)
    assert "<html" in response.content.decode()
    assert client.post(url, GRADE_III).status_code == 302


# --- The signed result and tampering --------------------------------------------------------


def test_send_link_carries_a_token_that_the_enquiry_form_can_verify(client, url):
    token = signed(as_data(GRADE_III))
    html = client.get(url, {"result": token}).content.decode()
    [href] = re.findall(r'<a class="button" href="([^"]+)">Send this result', html)
    sent = parse_qs(urlsplit(html_module.unescape(href)).query)["result"][0]
    assert load_result(sent).as_data()["smc_roman"] == "III"


@pytest.mark.parametrize("token", ["", "garbage", "a:b:c", "%00"])
def test_an_unreadable_result_gives_a_clear_message_and_400(client, url, token):
    response = client.get(url, {"result": token})
    assert response.status_code == 400
    assertContains(response, "We could not show this result", status_code=400)
    assertContains(response, "Please use the calculator again.", status_code=400)
    assertNotContains(response, "result__value", status_code=400)


def test_an_edited_result_is_refused(client, url):
    token = signed(as_data(GRADE_III))
    payload, _, rest = token.partition(":")
    tampered = payload[:-2] + ("AA" if not payload.endswith("AA") else "BB") + ":" + rest
    response = client.get(url, {"result": tampered})
    assert response.status_code == 400
    assertContains(response, "could not be checked", status_code=400)


def test_a_forged_result_signed_with_another_key_is_refused(client, url, settings):
    forged = signing.dumps(
        {**as_data(GRADE_III), "date": "2026-11-21"}, key="not-our-key", salt=SALT, compress=True
    )
    response = client.get(url, {"result": forged})
    assert response.status_code == 400


def test_a_genuinely_signed_but_inconsistent_result_is_refused(client, url):
    bad = {**as_data(GRADE_III), "periocular": False, "other_regions": False}
    token = signing.dumps({**bad, "date": "2026-11-21"}, salt=SALT, compress=True)
    response = client.get(url, {"result": token})
    assert response.status_code == 400
    assertContains(response, "could not be read", status_code=400)


def test_a_result_address_made_30_days_ago_still_shows_the_result_with_its_date(client, url, monkeypatch):
    worked_out = timezone.localdate() - datetime.timedelta(days=30)
    thirty_days_ago = time.time() - 30 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: thirty_days_ago)  # signed 30 days ago
    token = signed(as_data(GRADE_III), date=worked_out)
    monkeypatch.undo()
    response = client.get(url, {"result": token})
    assert response.status_code == 200
    assertContains(response, '<span class="result__value">Grade III</span>')
    assertContains(
        response, f'<time datetime="{worked_out.isoformat()}">{worked_out.day} {worked_out:%B %Y}</time>'
    )


def test_an_edited_result_gets_the_friendly_page_not_an_error_page(client, url):
    token = signed(as_data(GRADE_III))
    response = client.get(url, {"result": token.replace(":", ":x", 1)})
    assert response.status_code == 400
    assertContains(response, "We could not show this result", status_code=400)
    assertContains(response, "please answer the questions again below", status_code=400)
    assertContains(response, '<form id="questions"', status_code=400)


# --- What MDCalc users expect: start again, copy, how it is worked out, a summary in view -------


def test_every_state_offers_start_again_as_a_plain_link(client, url):
    for response in [
        client.get(url),
        client.post(url, INCONSISTENT),
        client.get(url, {"result": signed(as_data(GRADE_III))}),
    ]:
        assertContains(response, f'<a class="button button--secondary" href="{url}">Start again</a>')


def test_the_page_explains_how_it_is_worked_out_with_both_sources_and_that_the_rules_are_ours(client, url):
    response = client.get(url)
    assertContains(response, '<h2 id="how-heading">How this is worked out</h2>')
    assertContains(response, "are our clinic's own rules")
    assertContains(response, '<h3 id="answers-must-agree">Answers that must agree</h3>')
    html = response.content.decode()
    rules = html[html.index('id="answers-must-agree"') : html.index("Where the scales come from")]
    assert rules.count("<li>") == 5
    assert "doi.org/10.1159/000330396" in html and "3561773" in html


def test_copy_result_holds_the_result_and_answers_as_plain_text(client, url):
    token = signed(as_data(GRADE_III), date=datetime.date(2026, 11, 21))
    html = client.get(url, {"result": token}).content.decode()
    assert '<button type="button" class="button--secondary" data-copy-result>Copy result</button>' in html
    text = html_module.unescape(
        re.search(r'<template id="result-text">(.*?)</template>', html, re.S).group(1)
    )
    assert "Grade III on a scale from I to IV." in text
    assert "Eyelid score 7 out of 8 (how strong: 3 out of 4; how often: 4 out of 4)." in text
    assert "Worked out with the calculator on 21 November 2026." in text
    assert "1. Do the muscles around one eye twitch or squeeze shut on their own? Yes" in text
    assert "It is not a diagnosis." in text
    assert "See this result again: http://testserver/grading/hemifacial-spasm/?result=" in text
    assert "<" not in text


def test_the_summary_beside_the_questions_follows_every_state(client, url):
    def summary(html: str) -> str:
        start = html.index('<section id="result-summary"')
        return html[start : html.index("</section>", start)]

    assert "will show here as you answer" in summary(client.get(url).content.decode())
    partial = client.post(url, {"periocular": "yes"}, headers=HX).content.decode()
    assert 'hx-swap-oob="true"' in summary(partial)
    assert "You have answered 1 of 6 questions." in summary(partial)
    assert "Some answers need checking" in summary(
        client.post(url, INCONSISTENT, headers=HX).content.decode()
    )
    done = summary(client.post(url, GRADE_III, headers=HX).content.decode())
    assert "Grade III" in done and "7 out of 8" in done and 'href="#result-heading"' in done


def test_send_link_preselects_hemifacial_spasm(client, url):
    html = client.get(url, {"result": signed(as_data(GRADE_III))}).content.decode()
    [href] = re.findall(r'<a class="button" href="([^"]+)">Send this result', html)
    query = parse_qs(urlsplit(html_module.unescape(href)).query)
    assert query["condition"] == ["hemifacial-spasm"]


# --- Print: the header names the page's full address, with a QR code -----------------------


def print_header(html: str) -> str:
    start = html.index('<div class="print-header"')
    return html[start : html.index("</svg>", start)]


def test_a_printed_result_names_the_clinic_and_the_result_page_s_full_address(client, url, monkeypatch):
    signed_a_while_ago = time.time() - 3600
    monkeypatch.setattr(signing.time, "time", lambda: signed_a_while_ago)
    token = signed(as_data(GRADE_III))
    monkeypatch.undo()
    header = print_header(client.get(url, {"result": token}).content.decode())
    assert "hidden" in header.split(">", 1)[0]  # on paper only
    assert "Neuro Asia Care" in header and "+65 6592 6871" in header
    address = html_module.unescape(re.search(r'class="print-header__address">([^<]+)<', header).group(1))
    assert address == "http://testserver" + result_path(token)  # exactly the address asked for
    assert '<svg viewBox="0 0 ' in header and 'class="print-header__qr"' in header
    assert "style=" not in header


def test_the_print_header_follows_an_htmx_result_so_the_printout_leads_back_to_it(client, url):
    html = client.post(url, GRADE_III, headers=HX).content.decode()
    header = print_header(html)
    assert 'id="print-header" hidden hx-swap-oob="true"' in header
    assert "http://testserver/grading/hemifacial-spasm/?result=" in header
    # Back to the plain calculator's address once the answers no longer give a result.
    header = print_header(client.post(url, {"periocular": "yes"}, headers=HX).content.decode())
    assert ">http://testserver/grading/hemifacial-spasm/<" in header


def test_the_print_address_uses_the_public_site_address_when_set(client, url, settings):
    settings.CONTACT_SITE_URL = "https://www.example.sg"
    header = print_header(client.get(url).content.decode())
    assert ">https://www.example.sg/grading/hemifacial-spasm/<" in header


def test_the_print_stylesheet_is_linked_for_print_only(client, url):
    assertContains(client.get(url), '<link rel="stylesheet" href="/static/css/print.css" media="print">')
