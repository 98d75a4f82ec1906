"""The hostile-input catalogue: what people and machines send that a form never offers.

Each entry is (id, value). `UNICODE_TEXTS` are valid text a patient may really write; they must
round-trip intact into the database and back onto the page (escaped). The rest must never cause a
500: they are stored intact, refused with a clear message, or answered with the right 4xx.
"""

# Valid Unicode that must survive unchanged: emoji (with ZWJ sequences and a flag), combining
# marks, right-to-left scripts, CJK, and text that merely looks like code.
UNICODE_TEXTS = [
    ("emoji", "My eye twitches 😣👁️\u200d🗨️ every day 🇸🇬"),
    ("combining marks", "Ze\u0301ro, Zoë, Z̷̢̛a̶͎l̸g̵o̵ text"),
    ("right-to-left", "مرحبا، عيني ترتعش שלום"),
    ("bidi override", "invoice\u202egpj.exe\u202c and more"),
    ("cjk", "面肌痉挛 半側顔面痙攣 안면경련"),
    ("html and javascript", "<script>alert('x')</script><img src=x onerror=alert(1)>"),
    ("attribute breakout", '" onmouseover="alert(1)" x=\''),
    ("sql", "'; DROP TABLE contact_enquiry; -- 1' OR '1'='1"),
    (
        "markdown with raw html and links",
        "[click](javascript:alert(1)) ![x](data:text/html;base64,PHNjcmlwdD4=) <iframe src=//evil.example>",
    ),
    ("template syntax", "{{ settings.SECRET_KEY }} {% debug %} ${7*7} %s%n"),
    ("csv formula", '=HYPERLINK("http://evil.example","x")'),
]

# Text that a form should refuse (or normalise) with a message, never a 500.
HOSTILE_TEXTS = [
    ("very long", "A" * 100_000),
    ("nul", "before\x00after"),
    ("control characters", "a" + "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) + "\x7fb"),
    ("crlf header injection", "Tan\r\nBcc: victim@example.com\r\nSubject: hi"),
    ("zero width and bom", "\ufeff\u200b\u200d\u2060"),
    ("unicode line separators", "line\u2028next\u2029para"),
    ("whitespace only", " \t\n\u00a0\u3000 "),
    ("path traversal", "../../../../etc/passwd"),
]

ALL_TEXTS = UNICODE_TEXTS + HOSTILE_TEXTS

# Raw query-string and path pieces, percent-encoded as a client would send them. %FF and %FE can
# never start a UTF-8 character; %C0%AF is an overlong "/"; %ED%A0%80 a UTF-16 surrogate.
INVALID_UTF8 = ["%FF%FE", "%C0%AF", "%ED%A0%80", "abc%FF", "%E2%82", "%00", "%0D%0A"]
