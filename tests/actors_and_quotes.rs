//! Actor and quote rules, one short draft per rule (drafts written for these tests).

use copydesk::analysis::{analyze, Actor, ActorKind, Analysis, Config, Format, Quote, Via};

fn run(text: &str) -> Analysis {
    analyze(text, Format::Plain, &Config::default())
}

fn actor<'a>(a: &'a Analysis, name: &str) -> &'a Actor {
    a.actors.iter().find(|x| x.name == name).unwrap_or_else(|| {
        panic!(
            "no actor {name}: {:?}",
            a.actors.iter().map(|x| &x.name).collect::<Vec<_>>()
        )
    })
}

fn owner_of<'a>(a: &'a Analysis, text: &str, needle: &str, nth: usize) -> Option<&'a str> {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let at = text
        .match_indices(needle)
        .filter(|(i, _)| {
            !is_word(text[..*i].chars().next_back())
                && !is_word(text[i + needle.len()..].chars().next())
        })
        .nth(nth)
        .expect("needle")
        .0;
    a.actors
        .iter()
        .find(|x| x.mentions.iter().any(|m| a.span_of(m).start == at))
        .map(|x| x.name.as_str())
}

fn speaker<'a>(a: &'a Analysis, q: &Quote) -> Option<&'a str> {
    q.speaker.map(|i| a.actors[i].name.as_str())
}

fn quote_starting<'a>(a: &'a Analysis, text: &str, words: &str) -> &'a Quote {
    a.quotes
        .iter()
        .find(|q| {
            let inner = a.quote_inner(q);
            text[inner.start..inner.end].starts_with(words)
        })
        .unwrap_or_else(|| panic!("no quote starting {words}"))
}

mod actors {
    use super::*;

    /// A surname two people share is the one named last, even when that was by first
    /// name only.
    #[test]
    fn a_shared_surname_is_whoever_was_named_last() {
        let t = "Anna Brennan chaired the meeting.\n\nTom Brennan spoke next.\n\nLater, Anna closed the session.\n\nBrennan said the budget was settled.\n";
        let a = run(t);
        assert_eq!(owner_of(&a, t, "Anna", 1), Some("Anna Brennan"));
        assert_eq!(owner_of(&a, t, "Brennan", 2), Some("Anna Brennan"));
        let t = t.replace("Later, Anna closed", "Later, the clerk closed");
        let a = run(&t);
        assert_eq!(owner_of(&a, &t, "Brennan", 2), Some("Tom Brennan"));
    }

    /// Of two other men named before, the one named last.
    #[test]
    fn a_pronoun_in_the_speakers_own_quote_is_the_last_other_named() {
        let t = "Coach Sam Hale praised winger Joe Park on Saturday.\n\nManager Tom Reed said: “He was magnificent.”";
        let a = run(t);
        assert_eq!(owner_of(&a, t, "He", 0), Some("Joe Park"));
    }

    /// "He" inside Reed's own quote is not Reed: it is the last other man named before.
    #[test]
    fn a_pronoun_in_the_speakers_own_quote_is_someone_else() {
        let t = "Manager Tom Reed watched striker Sam Hale score twice on Saturday.\n\nReed said: “He was magnificent, and he knows it.”";
        let a = run(t);
        assert_eq!(
            speaker(&a, quote_starting(&a, t, "He was")),
            Some("Tom Reed")
        );
        assert_eq!(owner_of(&a, t, "He", 0), Some("Sam Hale"));
        assert_eq!(owner_of(&a, t, "he", 0), Some("Sam Hale"));
    }

    #[test]
    fn introduced_then_surname() {
        let t = "Finance Minister Amara Okonjo presented the budget on Monday.\nOkonjo said the deficit would shrink.";
        let a = run(t);
        let x = actor(&a, "Amara Okonjo");
        assert_eq!(x.kind, ActorKind::Person);
        assert_eq!(x.roles, vec!["Finance Minister".to_string()]);
        assert_eq!(owner_of(&a, t, "Okonjo", 1), Some("Amara Okonjo"));
        assert!(x.mentions.iter().any(|m| m.via == Via::Surname));
    }

    #[test]
    fn surname_introduced_after_full_name_appears_later() {
        let t = "Okonjo declined to comment, Reuters said.\nFinance Minister Amara Okonjo later spoke to reporters in Abuja.";
        let a = run(t);
        assert_eq!(owner_of(&a, t, "Okonjo", 0), Some("Amara Okonjo"));
    }

    #[test]
    fn two_people_with_one_surname_take_the_nearest() {
        let t = "Senator Maria Lindqvist and her brother, Erik Lindqvist, both spoke.\nErik Lindqvist runs a bakery in Malmo.\nLindqvist said the bakery would stay open.";
        let a = run(t);
        assert_eq!(owner_of(&a, t, "Lindqvist", 3), Some("Erik Lindqvist"));
    }

    #[test]
    fn a_woman_and_a_man_alternating_pronouns() {
        let t = "Mayor Ruth Abernathy met Police Chief Daniel Osei on Friday. She said the budget was tight, and he said his officers needed raises. Her aides later said she would reconsider.";
        let a = run(t);
        for (word, nth, who) in [
            ("She", 0, "Ruth Abernathy"),
            ("he", 0, "Daniel Osei"),
            ("his", 0, "Daniel Osei"),
            ("Her", 0, "Ruth Abernathy"),
            ("she", 0, "Ruth Abernathy"),
        ] {
            assert_eq!(owner_of(&a, t, word, nth), Some(who), "{word}");
        }
    }

    #[test]
    fn an_organisation_referred_to_as_it() {
        let t = "The Northern Rail Workers Union rejected the offer and said it would strike on Monday. Its members voted 9 to 1.";
        let a = run(t);
        let u = actor(&a, "Northern Rail Workers Union");
        assert_eq!(u.kind, ActorKind::Organization);
        assert_eq!(
            owner_of(&a, t, "it", 0),
            Some("Northern Rail Workers Union")
        );
        assert_eq!(
            owner_of(&a, t, "Its", 0),
            Some("Northern Rail Workers Union")
        );
    }

    #[test]
    fn headline_lines_yield_only_names() {
        let t = "Okonjo Puts Squeeze on Lagos Spending Plans\nFinance Minister Amara Okonjo presented the budget in Lagos on Monday.";
        let a = run(t);
        let names: Vec<&str> = a.actors.iter().map(|x| x.name.as_str()).collect();
        assert!(
            names.contains(&"Amara Okonjo") && names.contains(&"Lagos"),
            "{names:?}"
        );
        for bad in ["Puts", "Squeeze", "Spending", "Plans", "Monday", "Finance"] {
            assert!(!names.iter().any(|n| n.contains(bad)), "{bad} in {names:?}");
        }
        assert_eq!(owner_of(&a, t, "Okonjo", 0), Some("Amara Okonjo"));
    }

    #[test]
    fn a_given_name_that_is_also_a_word_can_open_a_sentence() {
        let t = "Bill Okafor chairs the board. Will Berg voted against it. Will Europe act?";
        let a = run(t);
        assert_eq!(actor(&a, "Bill Okafor").kind, ActorKind::Person);
        assert_eq!(actor(&a, "Will Berg").kind, ActorKind::Person);
        assert!(a.actors.iter().all(|x| !x.name.starts_with("Will E")));
    }

    #[test]
    fn an_organisation_after_of_is_the_affiliation() {
        let t = "Councillor Tom Haversham of the Green Party objected. Ruth Adeyemi of Oxfam \
                 and Judge Omar Haddad of the New York Supreme Court spoke. Anna Berg of Leeds did not.";
        let a = run(t);
        assert_eq!(
            actor(&a, "Tom Haversham").affiliation.as_deref(),
            Some("Green Party")
        );
        assert_eq!(
            actor(&a, "Ruth Adeyemi").affiliation.as_deref(),
            Some("Oxfam")
        );
        assert_eq!(
            actor(&a, "Omar Haddad").affiliation.as_deref(),
            Some("Supreme Court")
        );
        // A town is where someone is from, not whom they speak for.
        assert_eq!(actor(&a, "Anna Berg").affiliation, None);
    }

    #[test]
    fn a_town_that_is_also_a_surname() {
        let t = "Martina Redmond chairs the board. Mr. Lincoln was absent. Redmond said the vote \
                 would wait. The board meets in Redmond.";
        let a = run(t);
        assert_eq!(
            owner_of(&a, t, "Martina Redmond", 0),
            Some("Martina Redmond")
        );
        assert_eq!(actor(&a, "Martina Redmond").kind, ActorKind::Person);
        assert_eq!(actor(&a, "Lincoln").kind, ActorKind::Person);
        assert_eq!(owner_of(&a, t, "Redmond", 1), Some("Martina Redmond"));
        assert_eq!(owner_of(&a, t, "Redmond", 2), Some("Redmond"));
        assert_eq!(actor(&a, "Redmond").kind, ActorKind::Place);
    }

    #[test]
    fn sentence_initial_words_days_and_numbered_things_are_not_actors() {
        let t = "Yet the plan stalled on Tuesday. Instead, officials cited Article 5 of the treaty. According to Reuters, talks resume in March.";
        let a = run(t);
        let names: Vec<&str> = a.actors.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, vec!["Reuters"]);
    }

    #[test]
    fn roles_from_premodifiers_appositives_and_who_clauses() {
        let t = "Brazilian President Luiz Moreira arrived first. Tomas Vidal, the foreign minister, followed. Ana Ruiz, who leads the Andean Water Council, spoke last. Acme Logistics spokeswoman Jo Park declined to comment.";
        let a = run(t);
        let m = actor(&a, "Luiz Moreira");
        assert_eq!(
            (m.roles.clone(), m.affiliation.as_deref()),
            (vec!["President".to_string()], Some("Brazil"))
        );
        assert_eq!(
            actor(&a, "Tomas Vidal").roles,
            vec!["foreign minister".to_string()]
        );
        let r = actor(&a, "Ana Ruiz");
        assert_eq!(
            (r.roles.clone(), r.affiliation.as_deref()),
            (vec!["leader".to_string()], Some("Andean Water Council"))
        );
        let p = actor(&a, "Jo Park");
        assert_eq!(
            (p.roles.clone(), p.affiliation.as_deref()),
            (vec!["spokeswoman".to_string()], Some("Acme Logistics"))
        );
    }

    #[test]
    fn honorifics_acronyms_and_nominal_references() {
        let t = "Prime Minister Keir Halden met the United Nations envoy. Mr. Halden told the UN that the prime minister's office would reply. The U.S. embassy in London said America would wait.";
        let a = run(t);
        let h = actor(&a, "Keir Halden");
        assert!(h.mentions.iter().any(|m| m.via == Via::Honorific));
        assert!(
            h.mentions.iter().any(|m| m.via == Via::Title),
            "the prime minister → Halden"
        );
        let un = actor(&a, "United Nations");
        assert!(un.mentions.iter().any(|m| m.via == Via::Acronym));
        let us = actor(&a, "United States");
        assert_eq!(us.kind, ActorKind::Place);
        assert_eq!(us.mentions.len(), 2, "U.S. and America");
    }
}

mod quotes {
    use super::*;

    #[test]
    fn trailing_and_inverted_cues() {
        let t = "“We will not pay,” Senator Ada Brooks said on Monday.\n“The deal is dead,” said Governor Tom Reyes.";
        let a = run(t);
        let q = quote_starting(&a, t, "We will");
        assert_eq!(
            (speaker(&a, q), q.cue.as_deref(), q.time.as_deref()),
            (Some("Ada Brooks"), Some("said"), Some("Monday"))
        );
        let q = quote_starting(&a, t, "The deal");
        assert_eq!(
            (speaker(&a, q), q.cue.as_deref()),
            (Some("Tom Reyes"), Some("said"))
        );
    }

    #[test]
    fn an_appositive_between_the_name_and_the_verb() {
        let t = "“The pool stays shut until June,” Nadia Okafor, a spokeswoman for the parks department, told reporters.\n\
                 “Nobody asked us,” Councillor Tomas Berg, who represents the harbour ward, said.\n\
                 “We will appeal,” Okafor, the department's lawyer, said, and left.\n\
                 “Not again,” Ruth Adeyemi, 45, a teacher from Leeds, said.\n\
                 “It was late,” Tomas Berg, Nadia Okafor and the mayor said.";
        let a = run(t);
        let q = quote_starting(&a, t, "The pool");
        assert_eq!(
            (speaker(&a, q), q.cue.as_deref()),
            (Some("Nadia Okafor"), Some("told"))
        );
        let q = quote_starting(&a, t, "Nobody");
        assert_eq!(
            (speaker(&a, q), q.cue.as_deref()),
            (Some("Tomas Berg"), Some("said"))
        );
        let q = quote_starting(&a, t, "We will");
        assert_eq!(speaker(&a, q), Some("Nadia Okafor"));
        let q = quote_starting(&a, t, "Not again");
        assert_eq!(speaker(&a, q), Some("Ruth Adeyemi"));
        // A list of speakers is not one name and an appositive.
        let q = quote_starting(&a, t, "It was late");
        assert_ne!(speaker(&a, q), Some("Tomas Berg"));
        let list = t.find("“It was late").unwrap();
        assert!(a.findings.iter().all(|f| f.span.start >= list));
    }

    #[test]
    fn a_speaker_of_an_organisation_is_the_person() {
        let t = "Maria Lopez of the Harbor Trust said: “We are ready.”\n\
                 “The berth opens in May,” Judge Omar Haddad of the Port Appeals Board said.";
        let a = run(t);
        let q = quote_starting(&a, t, "We are");
        assert_eq!(speaker(&a, q), Some("Maria Lopez"));
        let q = quote_starting(&a, t, "The berth");
        assert_eq!(speaker(&a, q), Some("Omar Haddad"));
    }

    #[test]
    fn a_paragraph_ending_in_a_credit_introduces_the_next_quote() {
        let t = "Kicking is mostly timing, Coach Dana Moritz declared.\n\n\
                 “Once you get the feel of it, there is not much to it.”\n\n\
                 The mayor said in a statement:\n\n\
                 “We will rebuild the pier before summer.”\n\n\
                 Moritz said the league would review the rule next spring.\n\n\
                 “It has never been tried.”";
        let a = run(t);
        let q = quote_starting(&a, t, "Once you");
        assert_eq!(speaker(&a, q), Some("Dana Moritz"));
        let q = quote_starting(&a, t, "We will rebuild");
        assert_eq!(q.speaker_text.as_deref(), Some("The mayor"));
        // Reported speech that does not end in its credit introduces nothing.
        let q = quote_starting(&a, t, "It has never");
        assert_eq!((q.speaker, q.speaker_text.as_deref()), (None, None));
        let codes: Vec<_> = a.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["unattributed-quote"]);
    }

    #[test]
    fn leading_cue_and_pronoun_speaker_with_addressee() {
        let t = "Coach Mia Santos was blunt. She told the Chronicle: “We were not good enough.” Later “it was a long night,” she told reporters.";
        let a = run(t);
        let q = quote_starting(&a, t, "We were");
        assert_eq!(
            (speaker(&a, q), q.cue.as_deref(), q.addressee.as_deref()),
            (Some("Mia Santos"), Some("told"), Some("the Chronicle"))
        );
        let sp = a.quote_speaker_span(q).unwrap();
        assert_eq!(
            &t[sp.start..sp.end],
            "She",
            "the speaker span is the pronoun"
        );
    }

    #[test]
    fn split_quote_continues_the_speaker() {
        let t = "“We start on Monday,” Chief Executive Lena Sorensen said. “Nobody will lose their job.”";
        let a = run(t);
        let q = quote_starting(&a, t, "Nobody");
        assert_eq!(speaker(&a, q), Some("Lena Sorensen"));
    }

    #[test]
    fn two_speakers_alternating_in_an_exchange() {
        let t = "“Are you staying?” Detective Hana Ito asked.\n“Only until noon,” Inspector Raj Malhotra replied.\n“Then we leave without you,” Ito said.";
        let a = run(t);
        assert_eq!(
            speaker(&a, quote_starting(&a, t, "Are you")),
            Some("Hana Ito")
        );
        assert_eq!(
            speaker(&a, quote_starting(&a, t, "Only")),
            Some("Raj Malhotra")
        );
        assert_eq!(speaker(&a, quote_starting(&a, t, "Then")), Some("Hana Ito"));
    }

    #[test]
    fn straight_quotes_with_apostrophes() {
        let t = "\"It's the '90s all over again, and we don't like it,\" Mayor Pat Kline said.";
        let a = run(t);
        assert_eq!(a.quotes.len(), 1);
        let q = &a.quotes[0];
        assert_eq!(
            &t[a.quote_inner(q).start..a.quote_inner(q).end],
            "It's the '90s all over again, and we don't like it,"
        );
        assert_eq!(speaker(&a, q), Some("Pat Kline"));
    }

    #[test]
    fn multi_paragraph_quote_takes_the_last_part_speaker() {
        let t = "Doctor Eva Lund described the night.\n“The ward filled in an hour. We ran out of beds by midnight.\n“By morning we were treating people in the corridors,” Lund said.";
        let a = run(t);
        let first = quote_starting(&a, t, "The ward");
        assert!(!first.closed && first.continues);
        assert_eq!(speaker(&a, first), Some("Eva Lund"));
        assert!(!a
            .findings
            .iter()
            .any(|f| f.code.as_str() == "unbalanced-quote"));
    }

    #[test]
    fn partial_quote_takes_the_speaker_of_its_clause() {
        let t = "Finance Minister Amara Okonjo said the plan was sound, adding that critics were “living in the past.”";
        let a = run(t);
        let q = quote_starting(&a, t, "living");
        assert!(q.partial);
        assert_eq!(
            (speaker(&a, q), q.cue.as_deref()),
            (Some("Amara Okonjo"), Some("adding"))
        );
    }

    #[test]
    fn a_posted_statement_and_according_to() {
        let t = "In a post on Truth Social, President Donna Hale said the talks “went very well.” According to Reuters, the aides “expect a deal within days.”";
        let a = run(t);
        assert_eq!(
            speaker(&a, quote_starting(&a, t, "went")),
            Some("Donna Hale")
        );
        let q = quote_starting(&a, t, "expect");
        assert_eq!(
            (speaker(&a, q), q.cue.as_deref()),
            (Some("Reuters"), Some("according to"))
        );
    }

    #[test]
    fn scare_quotes_need_no_speaker() {
        let t = "Residents were moved into “temporary” camps that have stood for a decade.";
        let a = run(t);
        assert!(a.quotes[0].scare);
        assert!(a.findings.is_empty(), "{:?}", a.findings);
    }

    #[test]
    fn an_uncredited_quote_is_reported_and_an_unclosed_one_too() {
        let t = "The river rose overnight.\n“The water took the bridge and the school with it.”\nResidents said the “warnings came too late.\n";
        let a = run(t);
        let codes: Vec<&str> = a.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, vec!["unattributed-quote", "unbalanced-quote"]);
        let mut config = Config::default();
        config.quotes.unattributed = false;
        config.quotes.unbalanced = false;
        assert!(analyze(t, Format::Plain, &config).findings.is_empty());
    }

    #[test]
    fn a_document_reads() {
        let t = "“Swimming is forbidden after dark,” the notice reads.\n\nThe council's letter reads: “We regret the delay.”";
        let a = run(t);
        assert_eq!(a.quotes[0].speaker_text.as_deref(), Some("the notice"));
        assert_eq!(a.quotes[1].cue.as_deref(), Some("reads"));
        assert!(a.findings.is_empty(), "{:?}", a.findings);
    }

    #[test]
    fn a_nominal_speaker_counts_as_credited() {
        let t = "“We are reviewing the footage,” a police spokesman said.";
        let a = run(t);
        assert_eq!(
            a.quotes[0].speaker_text.as_deref(),
            Some("a police spokesman")
        );
        assert!(a.findings.is_empty());
    }
}

mod roster {
    use super::*;
    use copydesk::analysis::roster::Roster;
    use std::sync::Arc;

    #[test]
    fn roster_adds_aliases_and_overrides_what_the_text_says() {
        let roster = Roster::parse(
            "[[actor]]\nname = \"Pete Hegseth\"\nkind = \"person\"\naliases = [\"the Pentagon chief\"]\nroles = [\"Secretary of Defense\"]\naffiliation = \"Department of Defense\"\npronouns = \"he\"\ndescription = \"Sworn in January 2025.\"\n\n[[actor]]\nname = \"Nobody Mentioned\"\n",
        )
        .unwrap();
        let config = Config {
            roster: Some(Arc::new(roster)),
            ..Config::default()
        };
        let t = "U.S. Defense Secretary Pete Hegseth landed in Brussels. The Pentagon chief said he would stay a day.";
        let a = analyze(t, Format::Plain, &config);
        let h = actor(&a, "Pete Hegseth");
        assert_eq!(
            h.roles,
            vec![
                "Secretary of Defense".to_string(),
                "Defense Secretary".to_string()
            ]
        );
        assert_eq!(h.affiliation.as_deref(), Some("Department of Defense"));
        assert_eq!(h.description.as_deref(), Some("Sworn in January 2025."));
        assert!(h.mentions.iter().any(|m| m.via == Via::Roster
            && &t[a.span_of(m).start..a.span_of(m).end] == "The Pentagon chief"));
        assert_eq!(owner_of(&a, t, "he", 0), Some("Pete Hegseth"));
        assert!(
            !a.actors.iter().any(|x| x.name == "Nobody Mentioned"),
            "unmentioned roster actors stay out"
        );
    }
}
