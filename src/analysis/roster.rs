//! The project roster, `copydesk.toml`: actors the newsroom knows, which add to and
//! override what the draft says about them.
//!
//! ```toml
//! [[actor]]
//! name = "Pete Hegseth"
//! kind = "person"                 # person | organization | place
//! aliases = ["the Pentagon chief", "Hegseth"]
//! roles = ["Defense Secretary"]
//! affiliation = "United States"
//! pronouns = "he"                 # he | she | they | it
//! description = "Former Fox News host; confirmed January 2025."
//! ```

use serde::Deserialize;

use super::lexicon::Gender;
use super::ActorKind;

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Roster {
    pub actors: Vec<RosterActor>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RosterActor {
    pub name: String,
    pub kind: Option<ActorKind>,
    pub aliases: Vec<String>,
    pub roles: Vec<String>,
    pub affiliation: Option<String>,
    pub gender: Option<Gender>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterError {
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for RosterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    actor: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    kind: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    roles: Vec<String>,
    affiliation: Option<String>,
    pronouns: Option<String>,
    description: Option<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The roster's file name, looked for at the project root.
pub const ROSTER_FILE: &str = "copydesk.toml";

impl Roster {
    /// Reads and parses a roster file (the one place the analysis touches the disk).
    pub fn load(path: &std::path::Path) -> Result<Roster, RosterError> {
        let text = std::fs::read_to_string(path).map_err(|e| RosterError {
            line: None,
            message: format!("cannot read {}: {e}", path.display()),
        })?;
        Roster::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Roster, RosterError> {
        let file: File = toml::from_str(text).map_err(|e| RosterError {
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().to_string(),
        })?;
        let mut actors = Vec::new();
        for (i, e) in file.actor.into_iter().enumerate() {
            let at = |field: &str| {
                // Point at the entry's n-th [[actor]] header for problems TOML cannot see.
                let header = text
                    .match_indices("[[actor]]")
                    .nth(i)
                    .map(|(o, _)| line_of(text, o));
                RosterError {
                    line: header,
                    message: format!("actor \"{}\": {field}", e.name),
                }
            };
            if e.name.trim().is_empty() {
                return Err(at("name must not be empty"));
            }
            let kind = match e.kind.as_deref() {
                None => None,
                Some("person") => Some(ActorKind::Person),
                Some("organization" | "organisation") => Some(ActorKind::Organization),
                Some("place") => Some(ActorKind::Place),
                Some(other) => {
                    return Err(at(&format!(
                        "kind \"{other}\" is not one of person, organization, place"
                    )))
                }
            };
            let gender = match e.pronouns.as_deref() {
                None => None,
                Some("he" | "he/him") => Some(Gender::Male),
                Some("she" | "she/her") => Some(Gender::Female),
                Some("they" | "they/them" | "it") => Some(Gender::Unknown),
                Some(other) => {
                    return Err(at(&format!(
                        "pronouns \"{other}\" is not one of he, she, they, it"
                    )))
                }
            };
            actors.push(RosterActor {
                name: e.name.trim().to_string(),
                kind,
                aliases: e
                    .aliases
                    .into_iter()
                    .filter(|a| !a.trim().is_empty())
                    .collect(),
                roles: e.roles,
                affiliation: e.affiliation,
                gender,
                description: e.description,
            });
        }
        Ok(Roster { actors })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries() {
        let r = Roster::parse(
            "[[actor]]\nname = \"Ada Brooks\"\nkind = \"person\"\naliases = [\"the senator from Ohio\"]\nroles = [\"Senator\"]\npronouns = \"she\"\ndescription = \"Chairs the budget committee.\"\n",
        )
        .unwrap();
        let a = &r.actors[0];
        assert_eq!(a.kind, Some(ActorKind::Person));
        assert_eq!(a.gender, Some(Gender::Female));
        assert_eq!(a.aliases, vec!["the senator from Ohio".to_string()]);
    }

    #[test]
    fn bad_rosters_say_where() {
        let e = Roster::parse("[[actor]]\nname = \"X\"\nkind = \"planet\"\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("planet"), "{e}");
        let e = Roster::parse("[[actor]]\nname = \"X\"\nnmae = 3\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = Roster::parse("[[actor]\n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        assert!(Roster::parse("").unwrap().actors.is_empty());
    }
}
