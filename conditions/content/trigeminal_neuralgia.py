"""Patient article: trigeminal neuralgia.

The source documents only name this condition (as related to hemifacial spasm: both are often caused
by a blood vessel pressing on a cranial nerve). The rest is well-established, conservative medical
knowledge, checked against the guideline and reviews listed in REFERENCES.
"""

from datetime import date

OVERVIEW = """\
Trigeminal neuralgia causes sudden attacks of very bad pain in the face. "Neuralgia" means nerve \
pain. The pain comes from the trigeminal nerve. This nerve carries feeling from your face to your \
brain. There is one on each side of the head. Each has three branches. They cover the forehead and \
eye, the cheek, and the jaw.

Each attack is short, but the pain can be very strong. It is also known as tic douloureux.

### Who gets it

- It usually starts after the age of 50, but younger people can get it too.
- It is more common in women than in men.
- It nearly always affects one side of the face at a time.

### How it is linked to hemifacial spasm

Both conditions are often caused by a blood vessel pressing on a nerve in the head. In trigeminal \
neuralgia the nerve carries feeling, so the result is pain. In hemifacial spasm it is the nerve that \
moves the face, so the result is twitching.

Trigeminal neuralgia is not a danger to life. But the pain can be very hard to live with. Good \
treatments are available.
"""

SYMPTOMS = """\
### The pain

- It comes on suddenly and is very strong.
- People often say it feels like an electric shock, a stab or a shooting pain.
- Each attack lasts from less than a second up to 2 minutes.
- It is usually on one side of the face only.
- It is most often felt in the cheek, jaw, teeth, gums or lips. Less often it is around the eye or \
forehead.
- Attacks may come many times a day.
- Between attacks there is often no pain. Some people also have a dull ache or burning feeling.

### Things that can set off an attack

- a light touch on the face, washing the face or shaving
- putting on make-up
- eating, chewing or drinking
- talking or smiling
- brushing your teeth
- a breeze or cold wind on the face

### Attacks come and go

Attacks often come in bouts that last for days, weeks or months. Then the pain may stop for months \
or even years. For some people, these pain-free spells get shorter over time.

The pain is often felt in the teeth or jaw. So many people see a dentist first.
"""

CAUSES = """\
Often, a blood vessel presses on the trigeminal nerve. It presses close to where the nerve joins the \
brainstem. (The brainstem is the lowest part of the brain.) Over time, the pressure can wear away \
the nerve's outer coat. The nerve then sends sudden bursts of pain signals.

This is like hemifacial spasm. In that condition, a blood vessel presses on the facial nerve.

### Other causes

- multiple sclerosis (MS), a condition that harms the coat around nerves in the brain
- rarely, a growth (tumour) or a small sac of fluid (cyst) pressing on the nerve

Sometimes no cause is found. Treatment can still help.
"""

DIAGNOSIS = """\
There is no single test for trigeminal neuralgia. A doctor tells mainly from how you describe the \
pain. Only a doctor can tell if your pain is trigeminal neuralgia or something else.

### What to expect

- **Questions and a check-up.** The doctor asks when the pain started and what sets it off. They ask \
how long each attack lasts. They check the feeling in your face and test your other nerves.
- **MRI scan.** This scan uses a strong magnet to take clear pictures of the brain. It can show a \
blood vessel touching the nerve. It can also look for other causes, such as MS or a tumour.
- **Checks for other causes.** Other things can cause face pain too. These include tooth problems, \
jaw joint problems, sinus problems and some kinds of headache. Your doctor or dentist may need to \
rule these out.

It helps to keep a pain diary before your visit. Write down when the pain comes, how long it lasts \
and what set it off.
"""

TREATMENTS = """\
Treatment aims to stop the attacks of pain. Most people start with medicines. If medicines do not \
work well, or the side effects are too much, an operation or another procedure may help. Your doctor \
will explain the good points and risks of each choice.

Common painkillers, such as paracetamol, do not usually help this kind of pain.
"""

OUTLOOK = """\
Trigeminal neuralgia is usually a long-term condition. It often comes and goes. For some people the \
pain-free spells get shorter, or the attacks get harder to control. For many others it stays the \
same or gets better with treatment.

With treatment, many people get good control of their pain. Medicines help most people at first. \
If they stop working, or cause side effects, an operation or another procedure often helps.

Your care plan is made for you. It can change over time.
"""

LIVING_WITH = """\
### Avoiding things that set off pain

- Cover the painful side of your face with a scarf in wind or cold.
- Do not sit right next to fans, air-con vents or open windows.
- Use a straw for drinks. Drinks that are not too hot or too cold may be easier.
- Choose soft foods if chewing hurts. Try to chew on the side that does not hurt.
- Keep caring for your teeth. A soft brush and warm water may be gentler.

### Looking after yourself

- Eat regular meals. Some people eat less because chewing hurts, and lose weight.
- Take your medicine as your doctor tells you, even on good days.
- Do not drive or use machines if your medicine makes you sleepy or dizzy.
- Pain that goes on and on can make you feel low, worried or alone. Tell your doctor if this \
happens. Help is there. Talking to others with the same condition may help too.
"""

WHEN_TO_GET_HELP = """\
Not sure what to do next? Our care coordinator can help you work out your next step. The guide \
below shows how soon to get help.
"""

ARTICLE = {
    "slug": "trigeminal-neuralgia",
    "name": "Trigeminal neuralgia",
    "also_known_as": ["tic douloureux"],
    "summary": (
        "Trigeminal neuralgia causes sudden attacks of very strong pain on one side of the face, "
        "often like an electric shock. Touching the face, chewing or brushing the teeth can set "
        "it off. It is often caused by a blood vessel pressing on a nerve. Medicines and surgery "
        "can help."
    ),
    "reviewed_by": "Neuro Asia Care clinical team",
    "reviewed_by_role": "Neurosurgery",
    "last_reviewed": date(2026, 11, 21),
    "next_review_due": date(2027, 11, 21),
    "calculator": None,
    "sections": {
        "overview": OVERVIEW,
        "symptoms": SYMPTOMS,
        "causes": CAUSES,
        "diagnosis": DIAGNOSIS,
        "treatments": TREATMENTS,
        "outlook": OUTLOOK,
        "living-with": LIVING_WITH,
        "when-to-get-help": WHEN_TO_GET_HELP,
    },
    "treatments": [
        {
            "name": "Medicines",
            "verdict": "Often work well as the first treatment, taken every day",
            "verdict_kind": "repeat",
            "body": """\
- Carbamazepine is usually the first medicine to try. Oxcarbazepine is a similar medicine. Both were \
first made to treat fits (epilepsy). They calm the nerve, so it sends fewer pain signals.
- If these do not suit you, your doctor may suggest other medicines. Some can be taken together.
- You take the medicine every day, not only when the pain comes.
- Your doctor starts with a low dose and raises it slowly. Do not stop the medicine suddenly unless \
your doctor tells you to.
- Side effects can include feeling sleepy, dizzy or unsteady. You may need blood tests to check for \
problems.
- In Singapore, people of Asian background usually have a gene blood test before they start \
carbamazepine. Some carry a gene that raises the risk of a rare but serious skin reaction.
- Over time the medicine may work less well. If so, talk to your doctor about other choices.
""",
        },
        {
            "name": "Microvascular decompression (MVD)",
            "verdict": "Can give long-lasting relief, done once",
            "verdict_kind": "once",
            "body": """\
Microvascular decompression (MVD) is an operation. It takes the pressure of a blood vessel off the \
trigeminal nerve. It may be offered if a scan shows a vessel pressing on the nerve, and you are well \
enough for surgery.

- You are fully asleep for the operation.
- The surgeon makes a small opening in the skull behind the ear.
- The surgeon gently moves the blood vessel off the nerve. A small soft pad, often made of Teflon, \
is placed between them.
- The nerve is not damaged on purpose. So the feeling in your face is usually kept.

For many people, MVD gives the longest relief of all the treatments. In some people the pain comes \
back later.

Every operation has risks. Your surgeon will go through them with you. For MVD they include hearing \
loss on that side, numbness of the face, a leak of the fluid around the brain, and infection. \
Serious problems, such as a stroke, are rare.
""",
        },
        {
            "name": "Needle and radiation treatments",
            "verdict": "Can help, but may need repeating if pain returns",
            "verdict_kind": "repeat",
            "body": """\
These treatments damage the nerve on purpose, in a careful and controlled way. This stops it sending \
pain signals. They may suit people who cannot have, or do not want, a bigger operation.

- **Needle treatments.** A needle goes through the cheek to the nerve. You are given medicine so you \
sleep or feel relaxed. The nerve is then treated with heat, a tiny balloon or a chemical.
- **Radiation treatment (radiosurgery).** Thin beams of radiation are aimed at the nerve. No cut is \
needed. It can take weeks or months for the pain to ease.

Afterwards, part of the face often feels numb. In time the pain may come back. The treatment can \
then be done again.
""",
        },
    ],
    "urgency": {
        "routine": """\
Book an appointment if you have attacks of face pain that keep coming back. Do the same if your \
medicine does not control the pain, or its side effects trouble you. Call our care coordinator or \
write in to us. We will help you plan your next step.
""",
        "urgent": """\
See a doctor soon, within a few days, if you have:

- numbness or loss of feeling in the face
- pain that is there all the time, not in attacks
- pain on both sides of the face
- new symptoms such as weakness of the face, hearing loss or changes in your sight
""",
        "emergency": """\
Call [995](tel:995) now if you have:

- a sudden droop of the face, sudden weakness of an arm or leg, or sudden slurred speech, even if it \
goes away. These can be signs of a stroke.
- a sudden, very bad headache, the worst you have ever had
- a rash with blisters, peeling skin, mouth sores or a fever, mostly in the first weeks on a new \
medicine such as carbamazepine
- thoughts of harming yourself
""",
    },
    "references": [
        {
            "title": "Trigeminal neuralgia: new classification and diagnostic grading for practice and research",
            "source": "Cruccu G, et al. Neurology 87(2):220-228",
            "year": 2016,
            "url": "https://doi.org/10.1212/WNL.0000000000002840",
        },
        {
            "title": "European Academy of Neurology guideline on trigeminal neuralgia",
            "source": "Bendtsen L, et al. European Journal of Neurology 26(6):831-849",
            "year": 2019,
            "url": "https://doi.org/10.1111/ene.13950",
        },
        {
            "title": (
                "Advances in diagnosis, classification, pathophysiology, and management of trigeminal "
                "neuralgia"
            ),
            "source": "Bendtsen L, et al. The Lancet Neurology 19:784-796",
            "year": 2020,
            "url": "https://doi.org/10.1016/S1474-4422(20)30233-7",
        },
        {
            "title": "Recommendations for HLA-B*1502 genotype testing prior to initiation of carbamazepine in new patients",
            "source": "Health Sciences Authority and Ministry of Health, Singapore",
            "year": 2013,
            "url": "https://www.hsa.gov.sg/announcements/recommendations-for-hla-b-1502-genotype-testing-prior-to-initiation-of-carbamazepine-in-new-patients-1/",
        },
        {
            "title": "Trigeminal neuralgia",
            "source": "Cruccu G, Di Stefano G, Truini A. New England Journal of Medicine 383:754-762",
            "year": 2020,
            "url": "https://doi.org/10.1056/NEJMra1914484",
        },
    ],
    "figures": [],
    "related": ["hemifacial-spasm"],
}
