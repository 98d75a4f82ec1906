import datetime

import pytest
from django.core import signing

from grading.handoff import HandoffError, load_result, result_from_answers, sign_result

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


def test_an_expired_token_is_refused():
    token = sign_result(result_from_answers(ANSWERS, date=datetime.date(2026, 11, 21)))
    with pytest.raises(HandoffError, match="expired"):
        load_result(token, max_age=-1)
