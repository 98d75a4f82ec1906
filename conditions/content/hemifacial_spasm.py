"""Patient article: hemifacial spasm.

Facts come from the two source documents in shared/seeds (the clinic's own page and a general
health article), rewritten in plain words, plus the published sources listed in REFERENCES.
The source's "tic convulsive" is a misspelling of the medical term "tic convulsif". It also calls
the first eyelid twitching "blepharospasm"; that word names a different condition (both eyelids),
so this article uses it only in that sense.
"""

from datetime import date

OVERVIEW = """\
Hemifacial spasm is a problem with the facial nerve. This nerve starts in the brain. It makes the \
muscles on one side of your face move. It is also called the seventh cranial nerve. (Cranial nerves \
are the 12 pairs of nerves that start in the brain.)

When the facial nerve is irritated, it sends signals you did not choose to send. The muscles on that \
side of the face then twitch or pull tight. This happens very fast and with no warning. "Hemi" means \
half, and "facial" means of the face.

### Who gets it

- It is more common in women than in men.
- It most often starts in middle age.
- It is more common in people of Asian background, mostly women.
- It nearly always affects one side of the face. The left side is affected a little more often.
- In rare cases, both sides of the face are affected.

### Is it serious?

Hemifacial spasm does not cause pain by itself. Mild spasms are not a risk to your health. But the \
twitching can be tiring, uncomfortable and upsetting. Over time it often becomes more noticeable and \
gets in the way of daily life. In severe cases the eye on that side can stay shut. This can make some \
things unsafe, such as driving.

The good news is that treatment helps most people.
"""

SYMPTOMS = """\
The main sign is twitching of the muscles on one side of the face. You cannot control it. It does \
not usually hurt.

### How it starts and spreads

1. It begins slowly. Most often it starts in the eyelid and the muscles around one eye. At first it \
can look like an eye twitch that will not go away.
2. Over time it spreads down the same side of the face. It can reach the eyebrow, cheek, lips and \
mouth, chin, jaw and the top of the neck.
3. Later, the spasms may hardly stop at all. They can take in every muscle on that side of the face. \
This can make daily life very hard.

### Other problems it can cause

- The eye on that side may close by itself. You then cannot see out of that eye for a while.
- Your speech may be affected.
- In severe cases it can be hard to use your eye and mouth as normal.
- Less often, people have hearing loss or ear pain on that side. Some hear a ringing sound in the \
ear. This is called tinnitus. These problems are more likely as the condition goes on.

### Things that can make it worse

- stress or strong feelings
- being tired
- feeling worried or anxious
- moving your face, such as when you eat

The spasms can even carry on while you sleep.
"""

CAUSES = """\
Most often, a blood vessel presses on the facial nerve. It presses just where the nerve leaves the \
brainstem. (The brainstem is the lowest part of the brain. It joins the brain to the spinal cord.) \
The pressure irritates the nerve. The nerve then sends extra signals that make the face muscles \
twitch. The top half of the drawing at the end of this section shows this.

A similar thing causes trigeminal neuralgia. In that painful face condition, a blood vessel presses \
on a different nerve in the head.

### Other causes

Less often, the nerve is irritated or hurt by:

- a growth (tumour) or a small sac of fluid (cyst) pressing on the nerve
- an injury to the facial nerve
- Bell's palsy, which makes the muscles on one side of the face weak for a while. Spasms can \
follow it.
- multiple sclerosis (MS), a condition that affects the brain and nerves

### When no cause is found

Sometimes the tests do not show a clear cause. Treatment can still help.
"""

DIAGNOSIS = """\
Only a doctor can tell if your symptoms are hemifacial spasm. This is often a neurologist or a \
neurosurgeon. (A neurosurgeon is a doctor who operates on the brain and nerves.)

### What to expect

- **Questions and a check-up.** The doctor asks about your symptoms and how they started. Then \
they check your face, eyes, hearing and nerves.
- **MRI scan.** This scan uses a strong magnet to take clear pictures of the brain. It can show a \
blood vessel pressing on the nerve. It can also show if a tumour is pressing on it.
- **Other scans.** Sometimes the doctor also asks for a CT scan or a scan of the blood vessels \
(angiography). Scans help find the cause. They also help the doctor plan your treatment.
- **A muscle test.** Now and then you may need an electromyogram (EMG). This test records the \
electrical signals in your muscles. It helps rule out other problems.

### Problems that can look the same

Other conditions can also make the face twitch. One is blepharospasm. In blepharospasm both eyelids \
squeeze shut, not just one side. It is important to tell them apart. The best treatment may not be \
the same.
"""

TREATMENTS = """\
Your treatment is planned just for you. It depends on the cause and how severe your spasms are. It \
also depends on how well each treatment works for you, and what you prefer.

Tablets or injections are often tried first. There are three main choices, shown below.
"""

OUTLOOK = """\
Without treatment, hemifacial spasm is usually a long-term condition. It rarely goes away fully on \
its own. It often slowly gets worse. It can have a big effect on your daily life.

With treatment, most people can control their spasms well:

- Injections keep the spasms down for a few months at a time.
- An operation called MVD can stop the spasms for good in most people.

Your care plan is made for you. It depends on the cause, how severe your spasms are and how you \
respond to treatment. It can change over time.
"""

LIVING_WITH = """\
### Everyday tips

- Try to lower your stress. Short breaks, gentle exercise and things you enjoy may help.
- Get enough sleep. Being tired can make the spasms worse.
- Keep a short diary of when the spasms happen. It can help you spot what sets them off. It also \
shows your doctor how things change.
- Tell your doctor if you feel worried or low. Help is there.

### Staying safe

- Do not drive or use machines while a spasm is closing your eye.
- Take extra care on stairs, when you cross roads and when you cook.
- If your eye often shuts, ask your doctor if it is safe for you to drive.

### Your feelings

A face that twitches can make you feel shy or embarrassed. This is very common. It can help to talk \
to family, friends or your care team.

Treatment can make a big difference. Ask us what might suit you.
"""

WHEN_TO_GET_HELP = """\
Not sure what to do next? Our care coordinator can help you work out your next step. The guide \
below shows how soon to get help.
"""

ARTICLE = {
    "slug": "hemifacial-spasm",
    "name": "Hemifacial spasm",
    "also_known_as": ["tic convulsif"],
    "summary": (
        "Hemifacial spasm makes the muscles on one side of the face twitch or pull tight without "
        "warning. It often starts around one eye and slowly spreads. It does not hurt, but it can "
        "affect sight, speech and daily life. Injections or an operation help most people."
    ),
    "reviewed_by": "Neuro Asia Care clinical team",
    "reviewed_by_role": "Neurosurgery",
    "last_reviewed": date(2026, 11, 21),
    "next_review_due": date(2027, 11, 21),
    "calculator": "grading:calculator",
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
            "name": "Medicines taken by mouth",
            "verdict": "Not usually effective",
            "verdict_kind": "not-effective",
            "body": """\
Some doctors try tablets first. These include baclofen, clonazepam and carbamazepine.

Sadly, these medicines often do not work well for hemifacial spasm. They can also make you feel \
sleepy. So they are not seen as a main treatment.
""",
        },
        {
            "name": "Botulinum toxin injections",
            "verdict": "Works well, but must be repeated",
            "verdict_kind": "repeat",
            "body": """\
Botulinum toxin type A is often called by a brand name, Botox. A doctor puts very small amounts \
into the muscles that twitch, using a fine needle. These are most often around the eye and in the \
face. The toxin makes those muscles weaker, so they twitch less.

- This is the most common treatment.
- It works well for most people. About 85 to 95 in every 100 people who have the injections find \
their spasms ease a lot.
- Each dose usually lasts about 3 to 4 months, and for some people up to 6. Then the twitching comes \
back. So you need more injections every few months.
- Side effects can include a droopy eyelid, a dry or watery eye, or a weak face for a while. They \
usually wear off.
""",
        },
        {
            "name": "Microvascular decompression (MVD)",
            "verdict": "Works well, done once",
            "verdict_kind": "once",
            "body": """\
Microvascular decompression (MVD) is an operation. It takes the pressure of the blood vessel off the \
facial nerve. So it treats the root cause of the spasms. Our neurosurgeons often use it for severe \
hemifacial spasm.

It may be the best choice for you if injections have stopped working, or you cannot cope with them \
every few months. It may also be a good choice for younger people, and early in the condition. If \
other treatments do not help enough, MVD can work very well.

### What happens

- You are fully asleep for the operation.
- The surgeon makes a small opening in the skull behind the ear. This is keyhole surgery.
- Using a microscope, the surgeon gently moves the blood vessel off the nerve.
- A small soft pad is placed between the vessel and the nerve. It is often made of Teflon. It keeps \
the two apart. The drawing in the Causes section shows this.
- Scans that guide the surgeon, and checks on the nerves during the operation, help keep it safe.

### Results

- As soon as the pressure is off, the cause of the spasms is gone. For many people the spasms stop \
soon after. For others they fade slowly over weeks or months.
- MVD can stop hemifacial spasm for good in most people: about 85 in every 100.
- As it is keyhole surgery, most people get better quite fast.

### Risks

Every operation has risks. Your surgeon will go through them with you. For MVD they include:

- hearing loss in the ear on that side, which can be lasting
- weakness of the face, which often gets better
- a leak of the fluid around the brain, an infection or bleeding
- serious problems such as a stroke, which are rare

In a small number of people the spasms come back.
""",
        },
    ],
    "urgency": {
        "routine": """\
Book an appointment if you have twitching on one side of your face that keeps coming back. Do the \
same if your spasms are getting worse, or your treatment is wearing off too soon. Call our care \
coordinator or write in to us. We will help you plan your next step.
""",
        "urgent": """\
See a doctor soon, within a few days, if you have:

- spasms on both sides of the face
- weakness of the face that is new or getting worse
- hearing loss or a ringing sound in the ear
- any other new symptoms, such as numbness, face pain or double vision
""",
        "emergency": """\
Call [995](tel:995) now if you have:

- a sudden droop of the face, sudden weakness of an arm or leg, or sudden slurred speech, even if it \
goes away. These can be signs of a stroke.
- a sudden, very bad headache, the worst you have ever had
- sudden loss of sight, a fit, or passing out
- a high fever with a stiff neck, or clear fluid dripping from the nose or wound, after a recent \
operation on the head
""",
    },
    "references": [
        {
            "title": "Hemifacial spasm: clinical findings and treatment",
            "source": "Wang A, Jankovic J. Muscle & Nerve 21(12):1740-1747",
            "year": 1998,
            "url": "https://pubmed.ncbi.nlm.nih.gov/9843077/",
        },
        {
            "title": "Hemifacial spasm: conservative and surgical treatment options",
            "source": "Rosenstengel C, et al. Deutsches Ärzteblatt International 109(41):667-673",
            "year": 2012,
            "url": "https://doi.org/10.3238/arztebl.2012.0667",
        },
        {
            "title": (
                "Using the new clinical grading scale for quantification of the severity of hemifacial "
                "spasm: correlations with a quality of life scale"
            ),
            "source": "Lee JA, Jo KW, Kong DS, Park K. Stereotactic and Functional Neurosurgery 90(1):16-19",
            "year": 2012,
            "url": "https://doi.org/10.1159/000330396",
        },
        {
            "title": (
                "Asian over-representation among patients with hemifacial spasm compared to patients "
                "with cranial-cervical dystonia"
            ),
            "source": "Wu Y, Davidson AL, Pan T, Jankovic J. Journal of the Neurological Sciences 298(1-2):61-63",
            "year": 2010,
            "url": "https://doi.org/10.1016/j.jns.2010.08.017",
        },
        {
            "title": "Hemifacial spasm and neurovascular compression",
            "source": "Lu AY, et al. The Scientific World Journal 2014:349319",
            "year": 2014,
            "url": "https://doi.org/10.1155/2014/349319",
        },
    ],
    "figures": [
        {
            "file": "mvd-schematic.png",
            "alt": (
                "Two labelled drawings, one above the other. Before: a looped blood vessel presses on "
                "the facial nerve where it leaves the brainstem. After MVD: a soft Teflon pad sits "
                "between the vessel and the nerve."
            ),
            "caption": (
                "Top: a blood vessel presses on the facial nerve where it leaves the brainstem. This "
                "can cause the spasms. Bottom: after an operation called microvascular decompression "
                "(MVD), a small soft pad, often made of Teflon, keeps the vessel off the nerve. Simple "
                "drawing, not to scale."
            ),
            "section": "causes",
        }
    ],
    "related": ["trigeminal-neuralgia"],
}
