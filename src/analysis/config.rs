//! User-tunable switches and thresholds. Editors send them as camelCase JSON
//! (`initializationOptions`, `workspace/didChangeConfiguration`); unknown keys are ignored
//! and missing ones keep their defaults, so a partial or stale setting never breaks the server.

use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct Config {
    pub duplicates: DuplicatesConfig,
    pub quotes: QuotesConfig,
    /// The project's `copydesk.toml`, read from disk by the server or the CLI.
    #[serde(skip)]
    pub roster: Option<std::sync::Arc<super::roster::Roster>>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct DuplicatesConfig {
    pub enabled: bool,
    /// Report edited copies as well as exact ones.
    pub near: bool,
    /// Similarity (0..1) at or above which an edited copy is reported.
    pub near_threshold: f32,
    /// Paragraphs with fewer words are never compared: "Read more." twice is not a mistake.
    pub min_words: usize,
    /// Paragraphs with fewer words are compared exactly only; short texts share too much by chance.
    pub near_min_words: usize,
}

impl Default for DuplicatesConfig {
    fn default() -> Self {
        DuplicatesConfig {
            enabled: true,
            near: true,
            near_threshold: 0.65,
            min_words: 6,
            near_min_words: 15,
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct QuotesConfig {
    pub unattributed: bool,
    pub unbalanced: bool,
}

impl Default for QuotesConfig {
    fn default() -> Self {
        QuotesConfig {
            unattributed: true,
            unbalanced: true,
        }
    }
}

impl Config {
    /// Reads settings leniently: a value of the wrong type falls back to the default for
    /// that whole section rather than rejecting everything.
    pub fn from_json(value: &serde_json::Value) -> Config {
        let value = value
            .get("copydesk")
            .filter(|v| v.is_object())
            .unwrap_or(value);
        let mut config = Config::default();
        if let Some(v) = value.get("duplicates") {
            if let Ok(d) = serde_json::from_value(v.clone()) {
                config.duplicates = d;
            }
        }
        if let Some(v) = value.get("quotes") {
            if let Ok(q) = serde_json::from_value(v.clone()) {
                config.quotes = q;
            }
        }
        config.duplicates.near_threshold = config.duplicates.near_threshold.clamp(0.05, 1.0);
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_settings_keep_defaults() {
        let c = Config::from_json(&json!({"duplicates": {"nearThreshold": 0.9}}));
        assert_eq!(c.duplicates.near_threshold, 0.9);
        assert_eq!(c.duplicates.min_words, 6);
        assert!(c.quotes.unattributed);
    }

    #[test]
    fn nested_under_copydesk_and_garbage_tolerated() {
        let c = Config::from_json(&json!({"copydesk": {"duplicates": {"enabled": false}}}));
        assert!(!c.duplicates.enabled);
        let c = Config::from_json(&json!({"duplicates": "yes please"}));
        assert_eq!(c, Config::default());
        let c = Config::from_json(&json!(null));
        assert_eq!(c, Config::default());
    }
}
