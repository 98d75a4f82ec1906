import datetime
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing

from grading.handoff import SALT, HandoffError, load_result, result_from_answers, result_path, sign_result
from grading.scoring import InconsistentAnswers

ANSWERS = {
    "periocular": True,
    "other_regions": True,
    "vision_interference": False,
    "disfiguring_asymmetry": False,
    "severity": 2,
    "frequency": 3,
}


def test_a_signed_result_round_trips_and_is_rescored():
    result = result_from_answers(ANSWERS, date=datetime.date(2026, 11, 21))
    loaded = load_result(sign_result(result))
    assert loaded == result
    assert loaded.smc.roman == "II"
    assert loaded.jankovic.total == 5
    assert loaded.as_data()["date"] == "2026-11-21"


def test_an_edited_token_is_refused():
    token = sign_result(result_from_answers(ANSWERS, date=datetime.date(2026, 11, 21)))
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    with pytest.raises(HandoffError):
        load_result(tampered)


def test_a_token_signed_with_another_salt_is_refused():
    forged = signing.dumps({**ANSWERS, "date": "2026-11-21"}, salt="something-else")
    with pytest.raises(HandoffError):
        load_result(forged)


def test_a_genuinely_signed_but_inconsistent_payload_is_refused():
    bad = {**ANSWERS, "periocular": False, "other_regions": False, "vision_interference": True}
    token = signing.dumps({**bad, "date": "2026-11-21"}, salt="grading.hemifacial-spasm.result.v1")
    with pytest.raises(HandoffError):
        load_result(token)


def test_a_result_signed_30_days_ago_still_loads_with_the_date_it_was_worked_out(monkeypatch):
    worked_out = datetime.date.today() - datetime.timedelta(days=30)
    result = result_from_answers(ANSWERS, date=worked_out)
    # Sign as the calculator did 30 days ago: the token's timestamp is 30 days old.
    thirty_days_ago = time.time() - 30 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: thirty_days_ago)
    token = sign_result(result)
    monkeypatch.undo()
    with pytest.raises(signing.SignatureExpired):  # it really was signed that long ago
        signing.loads(token, salt=SALT, max_age=29 * 24 * 3600)
    loaded = load_result(token)
    assert loaded == result
    assert loaded.date == worked_out


def test_answers_that_contradict_each_other_give_no_result():
    # Rule C of the spec: the eye shut by spasm most of the day, but no trouble seeing.
    with pytest.raises(InconsistentAnswers):
        result_from_answers({**ANSWERS, "frequency": 4}, date=datetime.date(2026, 11, 21))


def test_a_token_from_before_the_agreement_rules_with_contradicting_answers_is_refused():
    old = {**ANSWERS, "periocular": True, "severity": 0, "frequency": 0}  # rule B
    token = signing.dumps({**old, "date": "2026-01-05"}, salt=SALT, compress=True)
    with pytest.raises(HandoffError, match="could not be read"):
        load_result(token)


def test_result_path_is_the_calculator_with_the_token():
    token = sign_result(result_from_answers(ANSWERS, date=datetime.date(2026, 11, 21)))
    path = result_path(token)
    assert path.startswith("/grading/hemifacial-spasm/?result=")
    assert load_result(parse_qs(urlsplit(path).query)["result"][0]).answers == ANSWERS
