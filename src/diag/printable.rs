//! What a diagnostic's text may hold: it echoes values from files (a misspelt key, a name
//! Kubernetes refuses), and a file may hold anything. [`printable`] makes such text safe for
//! a terminal, a log and an annotation: every control character escaped (so ESC and BEL from
//! a value never reach a terminal, nor a line break a workflow command), and every value
//! quoted in backticks cut to [`MAX_VALUE`] characters.

use std::fmt::Write as _;

/// The longest value a message echoes whole, in characters.
pub const MAX_VALUE: usize = 80;

/// `text` with its control characters escaped (see [`escaped`]) and each `` `value` `` longer
/// than [`MAX_VALUE`] characters cut to that many and `…`.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The parts between backticks, odd ones quoted; an unpaired last backtick quotes nothing.
    let parts: Vec<&str> = text.split('`').collect();
    let quoted_parts = parts.len() - 1 - (parts.len() - 1) % 2;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('`');
        }
        let quoted = i % 2 == 1 && i < quoted_parts;
        match part.char_indices().nth(MAX_VALUE) {
            Some((cut, _)) if quoted => {
                out.push_str(&escaped(&part[..cut]));
                out.push('…');
            }
            _ => out.push_str(&escaped(part)),
        }
    }
    out
}

/// `text` with every character that would act rather than show escaped as Rust writes it
/// (`\u{1b}`, `\n`, `\t`): the C0 and C1 controls and DEL, the line and paragraph separators,
/// and the bidirectional overrides and isolates that reorder what is shown.
pub fn escaped(text: &str) -> String {
    if !text.chars().any(acts) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if acts(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether `c` does something to a terminal or to the order of text rather than show.
fn acts(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_wherever_they_are() {
        assert_eq!(printable("name `a\x1b[31mred\x07`"), "name `a\\u{1b}[31mred\\u{7}`");
        assert_eq!(printable("two\nlines\r\tand \u{202e}gnp.exe"), "two\\nlines\\r\\tand \\u{202e}gnp.exe");
        assert_eq!(printable("plain `text`, é and ✓"), "plain `text`, é and ✓");
        assert_eq!(printable("\u{9b}31m"), "\\u{9b}31m");
    }

    #[test]
    fn a_long_quoted_value_is_cut_and_the_rest_stays() {
        let long = "x".repeat(200);
        let cut = printable(&format!("invalid label value `{long}`: must be at most 63 characters, not 200"));
        assert_eq!(
            cut,
            format!("invalid label value `{}…`: must be at most 63 characters, not 200", "x".repeat(80))
        );
        let exact = "y".repeat(80);
        assert_eq!(printable(&format!("`{exact}`")), format!("`{exact}`"));
        // Characters, not bytes, are counted; text outside backticks is never cut.
        let wide = "é".repeat(81);
        assert_eq!(printable(&format!("`{wide}`")), format!("`{}…`", "é".repeat(80)));
        assert_eq!(printable(&format!("unquoted {long}")), format!("unquoted {long}"));
        assert_eq!(printable(&format!("odd ` {long}")), format!("odd ` {long}"));
    }
}
