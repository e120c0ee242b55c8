//! Generated news drafts for the benchmarks and `examples/gendraft.rs`.
//!
//! Shared by path (`#[path = "support/gen.rs"] mod gen;`), so it is not part of the library
//! (and, being in a subfolder, not a bench target of its own).
//! Every paragraph is assembled from sentence templates with many slots (people, titles,
//! organisations, places, numbers, dates, quotes in curly or straight marks and speech
//! verbs), so paragraphs practically never repeat verbatim: the per-paragraph cache gets
//! no help from the generator. A few deliberate exact and edited copies are mixed in, as a
//! real draft has, so the duplicate pass has something to report.
//!
//! Deterministic: the same (words, seed) gives the same text on every machine.
#![allow(dead_code)]

/// A small, fast, deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "Linda",
    "Marcus",
    "Aoife",
    "José",
    "Priya",
    "Tomasz",
    "Grace",
    "Kwame",
    "Helena",
    "Dmitri",
    "Fatima",
    "Owen",
    "Zoë",
    "Rafael",
    "Ingrid",
    "Samuel",
    "Mei",
    "Patrick",
    "Amara",
    "Henrik",
    "Lucía",
    "Daniel",
    "Yusuf",
    "Claire",
    "Björn",
    "Nadia",
    "Gareth",
    "Renée",
    "Tobias",
    "Ama",
    "Siobhán",
    "Victor",
    "Keiko",
    "Ibrahim",
    "Eleanor",
    "Mateo",
    "Olga",
    "Desmond",
    "Farah",
    "Connor",
    "Beatriz",
    "Ravi",
    "Hannah",
    "François",
    "Chidi",
    "Martina",
    "Jonas",
    "Leila",
    "Stuart",
    "Camille",
    "Emeka",
    "Rosa",
    "Anders",
    "Tamsin",
    "Hugo",
    "Noor",
    "Declan",
    "Élodie",
    "Wei",
    "Margaret",
    "Łukasz",
    "Teresa",
    "Malik",
    "Freya",
    "Bruno",
    "Adaeze",
    "Callum",
    "Inés",
];

const LAST: &[&str] = &[
    "Okafor",
    "Brennan",
    "Castellanos",
    "Lindqvist",
    "Haddad",
    "Whitfield",
    "Nakamura",
    "Osei",
    "Kowalski",
    "Moreau",
    "Fitzgerald",
    "Achebe",
    "Sørensen",
    "Delgado",
    "Pritchard",
    "Ivanova",
    "Mensah",
    "Harrington",
    "Yilmaz",
    "Carvalho",
    "O'Donnell",
    "Takahashi",
    "Adeyemi",
    "Novak",
    "Gallagher",
    "Rahman",
    "Bergström",
    "Quintero",
    "Abernathy",
    "Mbeki",
    "Lefebvre",
    "Ashworth",
    "Petrović",
    "Nguyen",
    "Mulholland",
    "Banerjee",
    "Strand",
    "Olumide",
    "Vasquez",
    "Kerrigan",
    "Hoffmann",
    "Appiah",
    "Lindgren",
    "Montague",
    "Chaudhry",
    "Fairbanks",
    "Dubois",
    "Keane",
    "Szabó",
    "Oyelaran",
    "Whitlock",
    "Esposito",
    "Halvorsen",
    "Mwangi",
    "Redmond",
    "Tanaka",
    "Ferreira",
    "Ellison",
    "Jankowski",
    "Boateng",
    "Cartwright",
    "Ruiz",
    "Kilbride",
    "Shapiro",
    "Ngata",
    "Holloway",
    "Zielinski",
    "Akhtar",
    "Prescott",
    "Lombardi",
    "Thorsen",
    "Mahlangu",
];

const TITLE: &[&str] = &[
    "Mayor",
    "Councillor",
    "Senator",
    "Deputy Mayor",
    "Police Chief",
    "Superintendent",
    "Professor",
    "Dr.",
    "Judge",
    "Commissioner",
    "Coach",
    "Captain",
    "Governor",
    "Treasurer",
    "Inspector",
    "Alderman",
    "Chief Executive",
    "Sheriff",
    "Representative",
    "Director",
];

const ROLE: &[&str] = &[
    "the city's chief financial officer",
    "a spokeswoman for the port authority",
    "head of the regional teachers' union",
    "a lawyer for the residents",
    "the hospital's medical director",
    "chair of the planning committee",
    "a senior fire officer",
    "the club's longtime groundskeeper",
    "an economist at the state university",
    "the owner of a bakery on the square",
    "a spokesman for the transport ministry",
    "the council's head of housing",
    "a volunteer with the food bank",
    "the district's schools chief",
    "a retired ferry captain",
    "the union's lead negotiator",
    "a hydrologist with the river agency",
    "the opposition's finance spokesperson",
    "the festival's artistic director",
    "a nurse who has worked nights on the ward for a decade",
    "the treasurer of the chamber of commerce",
    "a parent who organised the petition",
];

const ORG: &[&str] = &[
    "the Harbor Transit Authority",
    "Northfield County Council",
    "the Riverside Tenants Union",
    "the Eastbrook Chamber of Commerce",
    "the state Department of Education",
    "the Calder Valley Water Board",
    "St. Brendan's Hospital",
    "the Millhaven Police Department",
    "the regional fire service",
    "the Port Calder Dockworkers' Association",
    "the Greenway Conservation Trust",
    "the city's planning department",
    "the provincial audit office",
    "Westmoor Rovers",
    "the Ashford Heights Residents' Forum",
    "the national rail operator",
    "the Lower Quay Business Improvement District",
    "the teachers' federation",
    "the Brightwater Community Land Trust",
    "the county coroner's office",
];

const PLACE: &[&str] = &[
    "Eastbrook",
    "Port Calder",
    "Millhaven",
    "Ashford Heights",
    "the Lower Quay",
    "São Bento",
    "Kirkwall Road",
    "Northfield",
    "Westmoor",
    "the old tannery district",
    "Brightwater",
    "Harrow Green",
    "the riverside estate",
    "Culver Street",
    "Saint-Aubin",
    "the ring road",
    "Thornbury",
    "the industrial park on Mill Lane",
    "Greystone",
    "the harbour front",
    "Oakhurst",
    "Marlow Bridge",
    "the airport corridor",
    "Fenwick Square",
    "Dunmore",
];

const DAY: &[&str] = &[
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "on Thursday",
    "on Friday",
    "on Saturday",
    "on Sunday",
    "late on Monday",
    "early on Tuesday",
    "on Wednesday night",
    "on Thursday evening",
    "on Friday afternoon",
    "over the weekend",
    "last week",
    "earlier this month",
    "yesterday",
];

const MONTH: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const SAID: &[&str] = &[
    "said",
    "told reporters",
    "added",
    "warned",
    "insisted",
    "argued",
    "explained",
    "acknowledged",
    "noted",
    "conceded",
    "wrote in a statement",
    "told the Gazette",
    "said in an interview",
    "told the meeting",
    "posted on social media",
];

const TOPIC: &[&str] = &[
    "the budget",
    "the bus depot",
    "the flood barrier",
    "rent controls",
    "the school merger",
    "the new stadium",
    "water rates",
    "the night-time curfew",
    "the hospital's new wing",
    "the bike-lane network",
    "the ferry contract",
    "the library closures",
    "the waste incinerator",
    "the pension deal",
    "the harbour dredging",
    "the housing plan",
    "the parking levy",
    "the tram extension",
    "the pay offer",
    "the market hall renovation",
    "the youth centre",
    "the sewage overflow",
    "the bridge repairs",
    "the festival licence",
];

const ACTION: &[&str] = &[
    "approved",
    "rejected",
    "delayed a vote on",
    "cut funding for",
    "ordered a review of",
    "opened an inquiry into",
    "signed off on",
    "voted to scrap",
    "asked for a second report on",
    "quietly shelved",
    "doubled the budget for",
    "froze spending on",
    "agreed in principle to",
    "refused to publish the costs of",
];

const BODY: &[&str] = &[
    "the council",
    "the board",
    "the committee",
    "the cabinet",
    "the assembly",
    "the trustees",
    "the authority",
    "ministers",
    "the panel",
    "the governors",
];

const ADJ: &[&str] = &[
    "reckless",
    "overdue",
    "a betrayal",
    "a sensible compromise",
    "unworkable",
    "long overdue",
    "a good start",
    "deeply unfair",
    "the right call",
    "rushed",
    "a slap in the face",
    "fiscally responsible",
    "a gamble",
    "short-sighted",
    "historic",
    "a disgrace",
];

const Q_OPEN: &[&str] = &[
    "We have waited",
    "Nobody asked us about",
    "I have lived here",
    "Families cannot keep paying for",
    "We were promised",
    "This is not about politics, it is about",
    "I sat through every hearing on",
    "You cannot run a city on",
    "Our members will not accept",
    "The numbers simply do not support",
    "I understand the anger over",
    "Frankly, we underestimated",
    "There is no plan B for",
    "We will keep fighting",
    "Every engineer we spoke to warned about",
    "I would ask people to be patient with",
];

const Q_MID: &[&str] = &[
    "for years",
    "since the spring",
    "while the costs kept climbing",
    "and the evidence is clear",
    "even after the last election",
    "without a single public meeting",
    "at a time when rents are rising",
    "despite what the consultants said",
    "until someone is held to account",
    "because the old system failed",
    "and that is the honest truth",
    "long before any of this started",
];

const Q_END: &[&str] = &[
    "We deserve better than that",
    "That has to change",
    "I do not think that is too much to ask",
    "People are rightly furious",
    "We will be watching very closely",
    "Nobody wins if this drags on",
    "The city owes them an answer",
    "I am proud of what we achieved",
    "It is simply not good enough",
    "Let the voters decide",
    "This is the moment to get it right",
    "We got this one wrong, and I am sorry",
];

const CLAUSE: &[&str] = &[
    "after a hearing that ran past midnight",
    "despite objections from neighbours",
    "following months of negotiation",
    "amid a row over who would pay",
    "in a closed session",
    "without debate",
    "after a petition gathered thousands of signatures",
    "under pressure from the regional government",
    "days before the deadline",
    "as protesters gathered outside",
    "after the auditors raised concerns",
    "in a vote that split the ruling coalition",
];

const CONSEQUENCE: &[(&str, &str)] = &[
    ("Work on", "is expected to start"),
    ("A final decision on", "is due"),
    ("The first payments for", "will arrive"),
    ("Contractors for", "could be on site"),
    ("A public consultation on", "will open"),
    ("The changes to", "take effect"),
    ("An independent report on", "is expected"),
    ("The next hearing on", "is scheduled"),
    ("Talks about", "will resume"),
    ("A decision on", "was postponed until"),
];

const BACKGROUND: &[&str] = &[
    "The project was first proposed",
    "Similar plans collapsed",
    "The last major review was carried out",
    "The scheme was launched",
    "The building has stood empty",
    "The dispute began",
    "Talks broke down",
    "The same proposal was rejected",
];

const REACTION: &[&str] = &[
    "Shop owners along the route said trade had already fallen",
    "Residents packed the public gallery",
    "Several members walked out before the vote",
    "Opposition members demanded the full costings",
    "Commuters faced delays of up to an hour",
    "Supporters cheered as the result was read out",
    "The decision drew sharp criticism online",
    "Union leaders called an emergency meeting",
    "Parents gathered outside the school gates",
    "Local businesses welcomed the announcement",
];

fn person(r: &mut Rng, s: &mut String) {
    if r.chance(45) {
        s.push_str(r.pick(TITLE));
        s.push(' ');
    }
    s.push_str(r.pick(FIRST));
    s.push(' ');
    s.push_str(r.pick(LAST));
}

fn person_with_role(r: &mut Rng, s: &mut String) {
    person(r, s);
    if r.chance(40) {
        s.push_str(", ");
        s.push_str(r.pick(ROLE));
        s.push(',');
    }
}

fn surname_ref(r: &mut Rng, s: &mut String) {
    match r.below(3) {
        0 => s.push_str(r.pick(&["He", "She"])),
        1 => {
            s.push_str(r.pick(TITLE));
            s.push(' ');
            s.push_str(r.pick(LAST));
        }
        _ => s.push_str(r.pick(LAST)),
    }
}

fn money(r: &mut Rng, s: &mut String) {
    match r.below(4) {
        0 => s.push_str(&format!("${}.{} million", r.range(1, 480), r.below(10))),
        1 => s.push_str(&format!("£{},{:03}", r.range(2, 950), r.below(1000))),
        2 => s.push_str(&format!("${} billion", r.range(1, 12))),
        _ => s.push_str(&format!("€{} million", r.range(2, 90))),
    }
}

fn count(r: &mut Rng, s: &mut String) {
    let n = match r.below(3) {
        0 => r.range(12, 99),
        1 => r.range(100, 9_999),
        _ => r.range(10_000, 250_000),
    };
    if n >= 10_000 {
        s.push_str(&format!("{},{:03}", n / 1000, n % 1000));
    } else {
        s.push_str(&n.to_string());
    }
}

fn date(r: &mut Rng, s: &mut String) {
    match r.below(3) {
        0 => s.push_str(&format!("in {} {}", r.pick(MONTH), r.range(2019, 2031))),
        1 => s.push_str(&format!("by {} {}", r.pick(MONTH), r.range(1, 28))),
        _ => s.push_str(&format!("within {} weeks", r.range(2, 40))),
    }
}

/// Opening and closing quotation marks: mostly curly, as a newsroom CMS produces.
fn marks(r: &mut Rng) -> (&'static str, &'static str) {
    if r.chance(85) {
        ("\u{201C}", "\u{201D}")
    } else {
        ("\"", "\"")
    }
}

fn quote_body(r: &mut Rng, s: &mut String) {
    s.push_str(r.pick(Q_OPEN));
    s.push(' ');
    if r.chance(70) {
        s.push_str(r.pick(TOPIC));
    } else {
        s.push_str("this");
    }
    s.push(' ');
    s.push_str(r.pick(Q_MID));
    match r.below(3) {
        0 => {
            s.push_str(". ");
            s.push_str(r.pick(Q_END));
        }
        1 => {
            s.push_str(r.pick(&[
                ". Ask anyone in ",
                ". Go and talk to the people of ",
                ". I grew up in ",
                ". Look at what happened in ",
            ]));
            s.push_str(r.pick(PLACE));
        }
        _ => {}
    }
}

fn cap_first(s: &mut String, from: usize) {
    if let Some(c) = s[from..].chars().next() {
        if c.is_lowercase() {
            let up: String = c.to_uppercase().collect();
            s.replace_range(from..from + c.len_utf8(), &up);
        }
    }
}

/// A quoted sentence, with a final space.
fn quote_sentence(r: &mut Rng, s: &mut String) {
    let start = s.len();
    let which = 1 + r.below(2);
    some_sentence(r, s, which);
    cap_first(s, start);
    s.push(' ');
}

/// One sentence, with a final space.
fn sentence(r: &mut Rng, s: &mut String) {
    let start = s.len();
    let which = r.below(14);
    some_sentence(r, s, which);
    cap_first(s, start);
    s.push(' ');
}

fn some_sentence(r: &mut Rng, s: &mut String, which: usize) {
    match which {
        0 => {
            // Lead: body action topic day clause.
            s.push_str(r.pick(BODY));
            s.push_str(" in ");
            s.push_str(r.pick(PLACE));
            s.push(' ');
            s.push_str(r.pick(ACTION));
            s.push(' ');
            s.push_str(r.pick(TOPIC));
            s.push(' ');
            s.push_str(r.pick(DAY));
            s.push_str(", ");
            s.push_str(r.pick(CLAUSE));
            s.push('.');
        }
        1 => {
            // “Quote,” Person said.
            let (o, c) = marks(r);
            s.push_str(o);
            quote_body(r, s);
            s.push(',');
            s.push_str(c);
            s.push(' ');
            person_with_role(r, s);
            s.push(' ');
            s.push_str(r.pick(SAID));
            s.push('.');
        }
        2 => {
            // Person said: “Quote.”
            let (o, c) = marks(r);
            person(r, s);
            s.push(' ');
            s.push_str(r.pick(SAID));
            s.push_str(r.pick(&[": ", ", "]));
            s.push_str(o);
            quote_body(r, s);
            s.push('.');
            s.push_str(c);
        }
        3 => {
            // Partial quote.
            let (o, c) = marks(r);
            person(r, s);
            s.push_str(r.pick(&[
                " called the decision ",
                " described the plan as ",
                " said the vote was ",
            ]));
            s.push_str(o);
            s.push_str(r.pick(ADJ));
            s.push_str(c);
            s.push_str(" and ");
            s.push_str(r.pick(&["urged", "asked", "challenged"]));
            s.push(' ');
            s.push_str(r.pick(BODY));
            s.push_str(r.pick(&[
                " to think again about ",
                " to publish the evidence on ",
                " to hold a public vote on ",
                " to pause work on ",
                " to explain the delays to ",
            ]));
            s.push_str(r.pick(TOPIC));
            if r.chance(50) {
                s.push(' ');
                s.push_str(r.pick(DAY));
            }
            s.push('.');
        }
        4 => {
            // Money.
            s.push_str(r.pick(TOPIC));
            s.push_str(r.pick(&[
                " will cost ",
                " is expected to cost ",
                " has already cost ",
                " could save ",
            ]));
            money(r, s);
            s.push_str(r.pick(&[", according to ", ", figures from ", ", a report by "]));
            s.push_str(r.pick(ORG));
            s.push_str(r.pick(&[" show.", " suggest.", " found.", " estimated."]));
        }
        5 => {
            // Counts.
            s.push_str(r.pick(&["About ", "More than ", "Nearly ", "Fewer than ", "Roughly "]));
            count(r, s);
            s.push(' ');
            s.push_str(r.pick(&[
                "residents",
                "passengers",
                "households",
                "pupils",
                "workers",
                "patients",
                "fans",
                "signatures",
            ]));
            s.push_str(r.pick(&[" in ", " around ", " near "]));
            s.push_str(r.pick(PLACE));
            s.push_str(r.pick(&[
                " are affected",
                " have signed up",
                " were moved",
                " could lose access",
                " turned out",
            ]));
            s.push_str(", ");
            s.push_str(r.pick(ORG));
            s.push_str(" said.");
        }
        6 => {
            // Consequence with date.
            let (a, b) = CONSEQUENCE[r.below(CONSEQUENCE.len())];
            s.push_str(a);
            s.push(' ');
            s.push_str(r.pick(TOPIC));
            s.push(' ');
            s.push_str(b);
            s.push(' ');
            date(r, s);
            s.push_str(r.pick(&[
                ", officials said.",
                ", though the timetable could slip.",
                " if the funding is confirmed.",
                ", according to the council's own papers.",
            ]));
        }
        7 => {
            // Background with year.
            s.push_str(r.pick(BACKGROUND));
            s.push_str(r.pick(&[" in ", " near ", " across "]));
            s.push_str(r.pick(PLACE));
            s.push_str(&format!(" in {} {}", r.pick(MONTH), r.range(1987, 2024)));
            s.push_str(r.pick(&[
                " under a previous administration",
                " after a similar dispute",
                " when ",
                "",
            ]));
            if s.ends_with("when ") {
                s.push_str(r.pick(ORG));
                s.push_str(" ran out of money");
            }
            s.push('.');
        }
        8 => {
            // Reaction.
            s.push_str(r.pick(REACTION));
            s.push(' ');
            s.push_str(r.pick(DAY));
            s.push_str(r.pick(&[" as ", " after ", " when "]));
            s.push_str(r.pick(BODY));
            s.push_str(r.pick(&[" discussed ", " debated ", " took questions on "]));
            s.push_str(r.pick(TOPIC));
            if r.chance(50) {
                s.push_str(", and ");
                s.push_str(r.pick(BODY));
                s.push_str(r.pick(&[
                    " promised a response ",
                    " said it would publish its findings ",
                    " agreed to meet again ",
                ]));
                date(r, s);
            }
            s.push('.');
        }
        9 => {
            // Follow-up reference.
            surname_ref(r, s);
            s.push_str(r.pick(&[
                " declined to comment on ",
                " did not respond to questions about ",
                " has previously defended ",
                " is expected to give evidence on ",
                " voted against ",
            ]));
            s.push_str(r.pick(TOPIC));
            s.push_str(r.pick(&[".", " last year.", " at the time.", " before the election."]));
        }
        10 => {
            // Percent and comparison.
            s.push_str(r.pick(&[
                "Costs",
                "Complaints",
                "Ridership",
                "Turnout",
                "Waiting times",
                "Rents",
                "Arrests",
                "Applications",
            ]));
            s.push_str(r.pick(&[" rose ", " fell ", " jumped ", " slipped "]));
            s.push_str(&format!("{}.{} percent", r.range(1, 64), r.below(10)));
            s.push_str(r.pick(&[" in the year to ", " between January and "]));
            s.push_str(r.pick(MONTH));
            s.push_str(", compared with ");
            s.push_str(&format!("{} percent", r.range(1, 30)));
            s.push_str(r.pick(&[" in neighbouring ", " across ", " in "]));
            s.push_str(r.pick(PLACE));
            s.push('.');
        }
        11 => {
            // Meeting and vote.
            s.push_str(r.pick(&[
                "The motion passed ",
                "The amendment failed ",
                "The proposal was carried ",
                "The vote was tied ",
            ]));
            s.push_str(&format!("{}-{}", r.range(3, 12), r.range(0, 9)));
            s.push_str(", with ");
            person(r, s);
            s.push_str(r.pick(&[
                " abstaining",
                " casting the deciding vote",
                " absent through illness",
                " switching sides at the last minute",
            ]));
            s.push('.');
        }
        12 => {
            // Time and place of an event.
            s.push_str(r.pick(&[
                "A public meeting on ",
                "A march against ",
                "The tribunal hearing on ",
                "A drop-in session about ",
                "A briefing on ",
                "A protest over ",
            ]));
            s.push_str(r.pick(TOPIC));
            s.push_str(r.pick(&[" will be held at ", " is planned for ", " opens at "]));
            s.push_str(&format!(
                "{}:{:02} {}",
                r.range(1, 12),
                r.below(4) * 15,
                r.pick(&["a.m.", "p.m."])
            ));
            s.push_str(" at ");
            s.push_str(r.pick(&[
                "the town hall in ",
                "the community centre in ",
                "a church hall in ",
                "the library in ",
            ]));
            s.push_str(r.pick(PLACE));
            s.push('.');
        }
        _ => {
            // Organisation statement with an em dash aside.
            s.push_str(r.pick(ORG));
            s.push_str(r.pick(&[
                " said in a statement that it ",
                " confirmed that it ",
                " denied that it ",
            ]));
            s.push_str(r.pick(&[
                "had been warned about ",
                "was reviewing ",
                "would appeal against the ruling on ",
                "had set aside money for ",
            ]));
            s.push_str(r.pick(TOPIC));
            s.push_str(" \u{2014} ");
            s.push_str(r.pick(&[
                "a claim disputed by ",
                "a move welcomed by ",
                "a position criticised by ",
                "something first reported by ",
            ]));
            person(r, s);
            s.push('.');
        }
    }
}

/// One paragraph of 1–4 sentences (news paragraphs are short), without a final space.
fn paragraph(r: &mut Rng) -> String {
    let mut s = String::with_capacity(400);
    if r.chance(2) {
        // A dateline now and then.
        let place = r.pick(PLACE).trim_start_matches("the ").to_uppercase();
        s.push_str(&place);
        s.push_str(" \u{2014} ");
    }
    let n = match r.below(20) {
        0..=1 => 1,
        2..=10 => 2,
        11..=17 => 3,
        _ => 4,
    };
    if n == 1 {
        // A one-sentence paragraph is a quote, the richest template.
        quote_sentence(r, &mut s);
    } else {
        for _ in 0..n {
            sentence(r, &mut s);
        }
    }
    s.truncate(s.trim_end().len());
    s
}

/// Hard-wraps at about `width` columns, as some editors and email-era drafts do.
fn wrap(p: &str, width: usize) -> String {
    let mut out = String::with_capacity(p.len() + p.len() / width + 1);
    let mut col = 0;
    for (i, w) in p.split(' ').enumerate() {
        let len = w.chars().count();
        if i > 0 {
            if col + 1 + len > width {
                out.push('\n');
                col = 0;
            } else {
                out.push(' ');
                col += 1;
            }
        }
        out.push_str(w);
        col += len;
    }
    out
}

/// An edited copy: a word swapped, a clause dropped or a sentence added.
fn rework(r: &mut Rng, p: &str) -> String {
    let words: Vec<&str> = p.split(' ').collect();
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    match r.below(3) {
        0 => {
            // Swap two or three words for others.
            for _ in 0..r.range(2, 3) {
                let i = r.below(out.len());
                out[i] = r
                    .pick(&[
                        "new",
                        "latest",
                        "revised",
                        "disputed",
                        "controversial",
                        "costly",
                    ])
                    .to_string();
            }
        }
        1 => {
            // Drop a few words near the end.
            let n = out.len();
            let cut = (n / 8).max(1).min(n.saturating_sub(12));
            let at = n - cut - 1;
            out.drain(at..at + cut);
        }
        _ => {
            out.push(
                r.pick(&[
                    "Critics called it rushed.",
                    "The decision can be appealed.",
                    "More details are expected next week.",
                    "It was not clear who would pay.",
                ])
                .to_string(),
            );
        }
    }
    out.join(" ")
}

pub struct Draft {
    pub text: String,
    /// White-space separated words.
    pub words: usize,
    pub paragraphs: usize,
    /// Deliberate exact copies (some with straight instead of curly quotes).
    pub exact_copies: usize,
    /// Deliberate edited copies.
    pub near_copies: usize,
}

/// A plain-text draft of about `words` words: paragraphs separated by blank lines, about
/// half of them hard-wrapped, with roughly one deliberate copy in 250 paragraphs.
pub fn draft(words: usize, seed: u64) -> Draft {
    let mut r = Rng::new(seed);
    let mut text = String::with_capacity(words * 7);
    let mut written: Vec<(usize, usize)> = Vec::new(); // one-line paragraphs kept for copying
    let mut d = Draft {
        text: String::new(),
        words: 0,
        paragraphs: 0,
        exact_copies: 0,
        near_copies: 0,
    };
    while d.words < words {
        let roll = r.below(1000);
        let mut p = if roll < 2 && written.len() > 10 {
            // Exact copy of an earlier paragraph; sometimes the paste lost its curly quotes.
            let (a, b) = written[r.below(written.len())];
            d.exact_copies += 1;
            let p = text[a..b].to_string();
            if r.chance(30) {
                p.replace(['\u{201C}', '\u{201D}'], "\"")
            } else {
                p
            }
        } else if roll < 4 && written.len() > 10 {
            let (a, b) = written[r.below(written.len())];
            let src = text[a..b].to_string();
            if src.split(' ').count() < 30 {
                paragraph(&mut r)
            } else {
                d.near_copies += 1;
                rework(&mut r, &src)
            }
        } else {
            paragraph(&mut r)
        };
        if r.chance(45) {
            p = wrap(&p, 72);
        }
        d.words += p.split_whitespace().count();
        d.paragraphs += 1;
        let start = text.len();
        text.push_str(&p);
        if !p.contains('\n') {
            written.push((start, text.len()));
        }
        text.push_str("\n\n");
    }
    d.text = text;
    d
}

/// Inserts `what` just after the first space at or after `at` (a word boundary inside a
/// paragraph), as a typist would; returns the byte offset of the insertion.
pub fn insert_at_word(text: &mut String, at: usize, what: &str) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    let off = text[i..].find(' ').map_or(i, |k| i + k + 1);
    text.insert_str(off, what);
    off
}

/// Byte offsets of word starts in `n` different paragraphs around the middle of the text:
/// where the incremental benchmarks type.
pub fn edit_sites(text: &str, n: usize) -> Vec<usize> {
    let paras = copydesk::analysis::paragraphs::split(text, copydesk::analysis::Format::Plain);
    let mid = paras.len() / 2;
    let from = mid.saturating_sub(n / 2);
    paras[from..(from + n).min(paras.len())]
        .iter()
        .map(|p| {
            let body = &text[p.span.start..p.span.end];
            p.span.start + body.find(' ').map_or(0, |k| k + 1)
        })
        .collect()
}

/// Types `typed` at site `i` of `sites` (as from `edit_sites`), as a cursor would: the site
/// moves past it, and so do the sites after it.
pub fn type_at(text: &mut String, sites: &mut [usize], i: usize, typed: &str) {
    text.insert_str(sites[i], typed);
    for s in &mut sites[i..] {
        *s += typed.len();
    }
}
