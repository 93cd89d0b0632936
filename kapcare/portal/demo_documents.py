"""The demo practice's consent documents (version 1 of each), written from CLINICAL.md
("Consent must cover") and the program's own words. Synthetic: a real practice writes
and publishes its own, reviewed by its counsel."""

from kapcare.pathway.vocabulary import ConsentKind

__all__ = ["DEMO_CONSENT_DOCUMENTS"]

_KAP = """\
This document explains Ketamine-Assisted Psychotherapy (KAP) at our practice, so that you
can decide, freely and without pressure, whether to take part. Please read it at your own
pace. You can ask your therapist about anything in it before you sign.

What KAP is. KAP combines psychotherapy with a low dose of ketamine, taken under medical
supervision in our office. The medicine does not do the healing on its own: preparation
sessions before, your therapist's presence during, and integration sessions after are part
of every medicine session.

Off-label use and Schedule III status. Ketamine is approved by the FDA as an anaesthetic.
Its use in psychotherapy is "off-label": allowed, and common, but not an FDA-approved
indication. Ketamine is a Schedule III controlled substance. Only our medical provider, who
is registered with the DEA, prescribes it; your therapist never does.

Risks. Ketamine commonly causes a dreamlike or dissociated state, drowsiness, and a
temporary rise in blood pressure and heart rate. Some people feel nauseous, dizzy or anxious
while it works. Repeated use can lead to misuse or dependence, and frequent high-dose use
has been linked to bladder problems (cystitis). We check your blood pressure before the
dose, about 40 minutes after, and until you are ready to leave, and oxygen levels
throughout.

Before each medicine session. Please do not eat for 4 hours or drink for 2 hours before your
session (small sips of water are fine unless we tell you otherwise). Please avoid alcohol,
cannabis, benzodiazepines and opioids around the session; tell us about every medicine you
take, so our medical provider can advise you.

Getting home. You may not drive, cycle or operate machinery until the next day after a
night's sleep. An adult you trust must collect you from the office; we will not discharge
you on your own.

Your right to stop. Taking part is voluntary. You can pause or stop at any time, before or
during a session, and you can revoke this consent at any time from your portal or by telling
us. Stopping will never affect the rest of your care with us.

Supportive touch. Some clients find a hand on the shoulder or holding a hand grounding
during a session. We only offer touch if you agree beforehand, and you can say no at any
moment.

There is no pressure to have a particular experience or outcome."""

_TELEHEALTH = """\
Some preparation, integration and therapy sessions can take place by video. Medicine
sessions never do: they happen only in person at our Bryn Mawr and Philadelphia offices.

Where you are matters. Your clinician may only work with you while you are physically in a
state where they are licensed (for our practice: Pennsylvania and New Jersey). At the start
of every video session we ask where you are (state, and city if you like). If you are
elsewhere, we will reschedule rather than meet.

Privacy. We use a video service set up for health care. Please join from a private place
where you will not be overheard, and not while driving. We do not record sessions.

If the connection fails, your clinician will try to reach you by phone at the number we have
for you.

Safety. We keep your emergency contact and your location for the session so that we can get
help to you in an emergency.

You can withdraw this consent at any time and have your sessions in person instead."""

_FINANCIAL = """\
This agreement explains how fees work at our practice.

Fees. Our current fees for consultation, preparation, medicine, integration and therapy
sessions are listed on our fee schedule, which we give you before your first session.
Medicine sessions include the time of your therapist and of the clinical staff who monitor
you.

Insurance. We will give you the documents you need to ask your insurer about reimbursement.
Many insurers do not cover KAP; please check with yours.

Cancelling. Please cancel at least 24 hours before a session (48 hours for a medicine
session, which reserves a room and several clinicians). Later cancellations may be charged,
except in an emergency.

Questions about a bill are always welcome: ask the front desk."""

DEMO_CONSENT_DOCUMENTS: dict[ConsentKind, tuple[str, str]] = {
    ConsentKind.KAP_INFORMED_CONSENT: (
        "Informed consent for Ketamine-Assisted Psychotherapy",
        _KAP,
    ),
    ConsentKind.TELEHEALTH: ("Consent to sessions by video (telehealth)", _TELEHEALTH),
    ConsentKind.FINANCIAL: ("Financial agreement", _FINANCIAL),
}
