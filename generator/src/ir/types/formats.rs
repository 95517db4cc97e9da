//! Custom date formats (`x-fincode-date-format`): a Java pattern (`dd/MM/yyyy`) as a `time` format
//! description and the serde module that reads and writes it.

use super::Types;
use crate::ir::names::snake;
use crate::ir::{DateFormat, DateKind};

impl Types<'_> {
    /// A custom date pattern (`dd/MM/yyyy`) as a `time` format description, when it names a whole date.
    pub(super) fn date_format(&mut self, pattern: &str) -> Option<DateFormat> {
        if let Some(found) = self.formats.get(pattern) {
            return Some(found.clone());
        }
        let (description, has_day, has_time) = java_to_time(pattern)?;
        if !has_day {
            return None;
        }
        let claimed = self
            .format_names
            .claim(&format!("format_{}", snake(&pattern.replace('\'', ""))).replace("__", "_"));
        let module = self.findings.ident(claimed, "")?;
        let format = DateFormat {
            module,
            description,
            pattern: pattern.to_owned(),
            kind: if has_time {
                DateKind::DateTime
            } else {
                DateKind::Date
            },
        };
        self.formats.insert(pattern.to_owned(), format.clone());
        Some(format)
    }
}

/// A Java date pattern (`dd/MM/yyyy`) as a `time` format description, with whether it has a day and a time.
fn java_to_time(pattern: &str) -> Option<(String, bool, bool)> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let (mut day, mut month, mut year, mut hour) = (false, false, false, false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        match (c, run) {
            ('\'', _) => {
                let end = chars[i + 1..].iter().position(|&x| x == '\'')? + i + 1;
                for &lit in &chars[i + 1..end] {
                    push_literal(&mut out, lit);
                }
                i = end + 1;
                continue;
            }
            ('y', 4) => {
                out.push_str("[year]");
                year = true;
            }
            ('M', 2) => {
                out.push_str("[month]");
                month = true;
            }
            ('d', 2) => {
                out.push_str("[day]");
                day = true;
            }
            ('H', 2) => {
                out.push_str("[hour]");
                hour = true;
            }
            ('m', 2) => out.push_str("[minute]"),
            ('s', 2) => out.push_str("[second]"),
            ('S', n) => out.push_str(&format!("[subsecond digits:{n}]")),
            (c, _) if c.is_ascii_alphabetic() => return None,
            (c, n) => {
                for _ in 0..n {
                    push_literal(&mut out, c);
                }
            }
        }
        i += run;
    }
    Some((out, day && month && year, hour))
}

fn push_literal(out: &mut String, c: char) {
    if c == '[' {
        out.push_str("[[");
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_patterns_become_time_descriptions() {
        assert_eq!(
            java_to_time("dd/MM/yyyy"),
            Some(("[day]/[month]/[year]".into(), true, false))
        );
        assert_eq!(
            java_to_time("MM/yyyy"),
            Some(("[month]/[year]".into(), false, false))
        );
        assert_eq!(
            java_to_time("dd-MM-yyyy'T'HH:mm:ss.SSS"),
            Some((
                "[day]-[month]-[year]T[hour]:[minute]:[second].[subsecond digits:3]".into(),
                true,
                true
            ))
        );
        assert_eq!(
            java_to_time("yyyy-MM-dd'T'HH:mm:ss").map(|t| t.2),
            Some(true)
        );
        assert_eq!(java_to_time("EEE, d MMM"), None);
        assert_eq!(java_to_time("dd'T"), None);
    }
}
