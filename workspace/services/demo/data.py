"""The demo's people, organisations, networks and audit answers: fictional, in places named
for no real school or service. The loaders (one module per area) read these tables."""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from workspace.models.audits import AgePhase, ArtForm, Priority
from workspace.models.partnerships import Role, Sector

DEMO_PASSWORD = "workspace-demo"

# One login per persona: (email, name, what the login shows).
PERSONAS = [
    ("lead@example.org", "Priya Shah", "lead of the London cultural education partnership"),
    ("steering@example.org", "Tom Okafor", "steering group member"),
    ("teacher@example.org", "Jan Morris", "primary music teacher"),
    ("practitioner@example.org", "Leah Grant", "instrumental teacher working towards the CME"),
    ("editor@example.org", "Sam Patel", "catalogue editor"),
    ("admin@example.org", "Alex Rowe", "site administrator"),
    ("head@example.org", "Chris Adeyemi", "head of an extended school"),
    ("ne.lead@example.org", "Graham Reed", "lead of the North East music hub"),
]
CATALOGUE_EDITORS = {"editor@example.org"}
SITE_ADMINS = {"admin@example.org"}

LONDON = {
    "name": "Riverside Cultural Education Partnership",
    "place": "London Borough of Riverside (fictional): Northgate, Riverside and Southfields wards",
    "lead_organisation": "Riverside Council Culture and Learning",
    "description": "Schools, the music service, arts and youth organisations, the college and "
                   "the council, working on cultural education for the borough's children and "
                   "young people: primary, secondary and SEND music networks, a provision audit "
                   "and a steering group.",
}
EXTENDED_SCHOOL = "Southfields Extended Primary School"
MUSIC_SERVICE = "Riverside Music Service"
# (name, sector, school phase, ward)
LONDON_ORGANISATIONS = [
    ("Riverside Council Culture and Learning", Sector.LOCAL_AUTHORITY, None, "Riverside"),
    (MUSIC_SERVICE, Sector.MUSIC_HUB, None, "Riverside"),
    ("Riverside Arts Centre", Sector.CULTURAL, None, "Riverside"),
    ("Northgate Youth Theatre", Sector.YOUTH, None, "Northgate"),
    ("Riverside College", Sector.FE, None, "Riverside"),
    ("Northgate Primary School", Sector.SCHOOL, "Primary", "Northgate"),
    ("Riverside Primary School", Sector.SCHOOL, "Primary", "Riverside"),
    (EXTENDED_SCHOOL, Sector.SCHOOL, "Primary", "Southfields"),
    ("Riverside Academy", Sector.SCHOOL, "Secondary", "Riverside"),
    ("Brookside School", Sector.SCHOOL, "Special (SEND)", "Northgate"),
]
# Members of the London partnership: (email, name, role, organisation they represent).
LONDON_MEMBERS = [
    ("lead@example.org", "Priya Shah", Role.LEAD, "Riverside Council Culture and Learning"),
    ("steering@example.org", "Tom Okafor", Role.STEERING, "Riverside Arts Centre"),
    ("teacher@example.org", "Jan Morris", Role.MEMBER, "Northgate Primary School"),
    ("practitioner@example.org", "Leah Grant", Role.MEMBER, MUSIC_SERVICE),
    ("editor@example.org", "Sam Patel", Role.MEMBER, "Riverside College"),
    ("arts@example.org", "Kofi Mensah", Role.MEMBER, "Riverside Arts Centre"),
    ("youth@example.org", "Nadia Brooks", Role.STEERING, "Northgate Youth Theatre"),
    ("r.ahmed@example.org", "Rukhsana Ahmed", Role.MEMBER, "Northgate Primary School"),
    ("o.price@example.org", "Owen Price", Role.MEMBER, "Riverside Primary School"),
    ("g.lin@example.org", "Grace Lin", Role.MEMBER, "Riverside Primary School"),
    ("s.turner@example.org", "Sophie Turner", Role.MEMBER, "Northgate Primary School"),
    ("b.adler@example.org", "Ben Adler", Role.MEMBER, "Riverside Academy"),
    ("h.osei@example.org", "Hannah Osei", Role.MEMBER, "Riverside Academy"),
    ("l.ortega@example.org", "Luis Ortega", Role.MEMBER, "Riverside Academy"),
    ("r.campbell@example.org", "Ruth Campbell", Role.MEMBER, "Brookside School"),
    ("d.hughes@example.org", "Dan Hughes", Role.MEMBER, "Brookside School"),
    ("i.popescu@example.org", "Ioana Popescu", Role.MEMBER, "Brookside School"),
]

PRIMARY_TEACHER = "Primary teacher / non-specialist classroom teacher delivering music"
SECONDARY_TEACHER = "Secondary Teacher with QTS"  # an Annexe 1 role
# Job roles (of the shipped catalogue) on members' profiles, shared with the partnership's
# leads so the workforce figures count them; Leah's and Kofi's are set with their enrolments.
MEMBER_ROLES = {
    "teacher@example.org": PRIMARY_TEACHER, "r.ahmed@example.org": PRIMARY_TEACHER,
    "o.price@example.org": PRIMARY_TEACHER, "g.lin@example.org": PRIMARY_TEACHER,
    "s.turner@example.org": PRIMARY_TEACHER, "b.adler@example.org": SECONDARY_TEACHER,
    "h.osei@example.org": SECONDARY_TEACHER, "l.ortega@example.org": SECONDARY_TEACHER,
    "r.campbell@example.org": PRIMARY_TEACHER,
    "d.hughes@example.org": "Teaching assistant and other school learning support roles",
    "i.popescu@example.org": "Music leader", "youth@example.org": "Youth worker",
    "editor@example.org": "Teacher / trainer in the further education and skills sector",
}


@dataclass(frozen=True)
class NetworkPlan:
    """A CPD network and the rhythm of its sessions over the year around today."""

    name: str
    description: str
    kind: str  # what a session is called: "Network day", "Twilight session"...
    weekday: int  # Monday 0
    start: time
    end: time
    hours: Decimal
    venue: str
    topics: tuple[str, ...]  # one per session, in turn
    teachers: tuple[str, ...]  # the emails of its regular teachers, first to book first
    full_capacity: int  # the next session's places: fewer than its teachers, so it is full
    capacity: int = 20
    every_weeks: int = 8
    claims_supply: bool = True


LONDON_NETWORKS = [
    NetworkPlan(
        "Primary music teachers", "A network day about every half term for KS1 and KS2 "
        "teachers: singing, composing and whole-class instrumental teaching.", "Network day",
        1, time(9, 30), time(15, 30), Decimal("5"), "Riverside Music Centre",
        ("Singing in the whole school", "Composing at KS2", "Whole-class ukulele: next steps",
         "Assessing progress in music", "Music and the new curriculum"),
        ("teacher@example.org", "o.price@example.org", "g.lin@example.org",
         "s.turner@example.org", "r.ahmed@example.org"), full_capacity=3),
    NetworkPlan(
        "Secondary music teachers", "A network day about every half term for KS3 and KS4 "
        "teachers: music technology, GCSE composing and ensembles.", "Network day",
        2, time(9, 30), time(15, 30), Decimal("5"), "Riverside Academy",
        ("Music technology at KS3", "GCSE composing", "Running ensembles",
         "KS3 curriculum design"),
        ("b.adler@example.org", "h.osei@example.org", "practitioner@example.org",
         "l.ortega@example.org"), full_capacity=2),
    NetworkPlan(
        "SEND music", "Afternoon sessions for staff in special schools and SEND bases: sensory "
        "music, adapted instruments and music technology for access.", "Afternoon session",
        3, time(13, 30), time(16), Decimal("2.5"), "Brookside School",
        ("Sensory music sessions", "Adapted instruments", "Music technology for access",
         "Intensive interaction through music"),
        ("r.campbell@example.org", "d.hughes@example.org", "i.popescu@example.org"),
        full_capacity=2, capacity=12, every_weeks=6),
]

# Needs the London schools stated in the audit: (school, ward, phase, art form, target
# group or None, priority, children, description). Every school states at least one need
# about all its pupils, so the report can name it among the schools engaged.
LONDON_NEEDS = [
    ("Northgate Primary School", "Northgate", AgePhase.KS2, ArtForm.SINGING, "SEND",
     Priority.HIGH, 12, "Singing for pupils with SEND in mainstream classes"),
    ("Northgate Primary School", "Northgate", AgePhase.KS1, ArtForm.MUSIC, None,
     Priority.MEDIUM, 60, "A music specialist for KS1 classes"),
    ("Riverside Primary School", "Riverside", AgePhase.KS2, ArtForm.WHOLE_CLASS, None,
     Priority.LOW, 60, "Whole-class instrumental teaching for Year 5"),
    (EXTENDED_SCHOOL, "Southfields", AgePhase.KS2, ArtForm.DRAMA, None, Priority.MEDIUM, 40,
     "Drama in the after-school club"),
    (EXTENDED_SCHOOL, "Southfields", AgePhase.KS1, ArtForm.MUSIC, "SEND", Priority.MEDIUM, 20,
     "Sensory music for KS1 pupils with SEND"),
    ("Riverside Academy", "Riverside", AgePhase.KS3, ArtForm.FILM_DIGITAL, None,
     Priority.HIGH, 90, "Film-making and digital art at KS3"),
    ("Riverside Academy", "Riverside", AgePhase.KS4, ArtForm.PROGRESSION, "Disadvantaged",
     Priority.MEDIUM, 25, "Instrumental lessons for pupils on free school meals"),
    ("Brookside School", "Northgate", AgePhase.KS3, ArtForm.MUSIC, None, Priority.HIGH, 35,
     "Music technology that every pupil can play"),
    ("Brookside School", "Northgate", AgePhase.KS2, ArtForm.SINGING, "SEND", Priority.HIGH, 18,
     "Signing choir with a singing leader"),
]
# The job role that could meet a need (a role of the shipped catalogue), by its description.
NEED_ROLES = {
    "Singing for pupils with SEND in mainstream classes": "Instrumental and vocal teacher",
    "Signing choir with a singing leader": "Music leader",
    "Sensory music for KS1 pupils with SEND": "Community musician / workshop leader",
    "A music specialist for KS1 classes": "Instrumental and vocal teacher",
}
# What the partnership's organisations offer: (provider, activity, art form, phase, ward,
# target group or None, children reached).
LONDON_PROVISION = [
    (MUSIC_SERVICE, "Whole-class ukulele", ArtForm.WHOLE_CLASS, AgePhase.KS2, "Riverside",
     None, 240),
    (MUSIC_SERVICE, "Youth choir", ArtForm.SINGING, AgePhase.KS3, "Riverside", None, 45),
    (MUSIC_SERVICE, "Steel pan ensemble", ArtForm.ENSEMBLES, AgePhase.KS3, "Northgate",
     "Disadvantaged", 30),
    ("Riverside Arts Centre", "Sensory music sessions", ArtForm.MUSIC, AgePhase.KS1,
     "Southfields", "SEND", 18),
    ("Riverside Arts Centre", "Family film club", ArtForm.FILM_DIGITAL, AgePhase.KS2,
     "Riverside", None, 55),
    ("Northgate Youth Theatre", "Youth theatre", ArtForm.DRAMA, AgePhase.KS3, "Northgate",
     None, 40),
]

NORTH_EAST = {
    "name": "North Tyne Music Education Hub",
    "place": "A fictional hub area in the North East of England: North Tyne and Coquet Valley",
    "lead_organisation": "North Tyne Music Service",
    "description": "The music education hub for North Tyne: first, primary, secondary and "
                   "special schools, with a SEND music network shared with the region's hubs.",
}
NE_ORGANISATIONS = [
    ("North Tyne Music Service", Sector.MUSIC_HUB, None),
    ("Coquet Valley Council", Sector.LOCAL_AUTHORITY, None),
    ("Hillside Special School", Sector.SCHOOL, "Special (SEND)"),
    ("Tynebank First School", Sector.SCHOOL, "Primary"),
    ("Northside High School", Sector.SCHOOL, "Secondary"),
    ("Tyne Youth Music", Sector.YOUTH, None),
    ("Tyneside University", Sector.HE, None),
]
NE_MEMBERS = [
    ("ne.lead@example.org", "Graham Reed", Role.LEAD, "North Tyne Music Service"),
    ("k.walker@example.org", "Kath Walker", Role.MEMBER, "Hillside Special School"),
    ("m.ali@example.org", "Mo Ali", Role.MEMBER, "Hillside Special School"),
    ("e.scott@example.org", "Ellie Scott", Role.MEMBER, "Tynebank First School"),
    ("j.robson@example.org", "Jack Robson", Role.STEERING, "Tyne Youth Music"),
]
NE_NETWORKS = [
    NetworkPlan(
        "SEND music network", "Half-day sessions for special school staff and SEND "
        "practitioners; some are open to the North East SEND music network of hubs.",
        "Afternoon session",
        3, time(13), time(16), Decimal("3"), "Hillside Special School",
        ("Sensory music sessions", "Adapted instruments and switches",
         "Music for pupils with profound and multiple learning difficulties"),
        ("k.walker@example.org", "m.ali@example.org", "e.scott@example.org"),
        full_capacity=8, capacity=16, claims_supply=False),
]
SECOND_NE_HUB = {
    "name": "Wear Dale Music Education Hub",
    "place": "A fictional hub area in the North East of England: Wear Dale",
    "lead_organisation": "Wear Dale Music Service",
    "description": "A neighbouring hub, partner in the North East SEND music network.",
}
SECOND_NE_MEMBERS = [
    ("ne2.lead@example.org", "Alison Marsh", Role.LEAD, "Wear Dale Music Service"),
    ("k.doyle@example.org", "Kieran Doyle", Role.MEMBER, "Wear Dale Music Service"),
]
