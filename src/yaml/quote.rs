//! When a string must be quoted: what a YAML 1.1 reader (go-yaml, sigs.k8s.io/yaml) or a
//! YAML 1.2 reader would read as something else written plain.

/// True when `s`, written as a plain scalar, might not be read back as that same string by a
/// YAML 1.1 reader (go-yaml, sigs.k8s.io/yaml) or a YAML 1.2 reader.
///
/// That is: the empty string; the YAML 1.1 booleans and nulls (`y`, `yes`, `on`, `off`, `~`, …
/// in their three spellings), `<<` and `=`; anything shaped like a YAML 1.1 or 1.2 number
/// (`0755`, `+1`, `1_000`, `0x1F`, `0o17`, `0b101`, `1:30`, `1e3`, `.5`, `1.2.3`, `.inf`,
/// `.NaN`, …) or a YAML 1.1 date (`2001-12-14…`); a leading or trailing space; a first
/// character among ``-?:,[]{}#&*!|>'"%@` `` or a leading `...`; `: ` or ` #` inside, or a `:` at
/// the end; any of `,[]{}`; and any control, non-printable, line-separator or BOM character.
pub fn needs_quotes(s: &str) -> bool {
    const RESERVED: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
        "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "<<", "=",
    ];
    let (Some(first), Some(last)) = (s.chars().next(), s.chars().next_back()) else {
        return true;
    };
    RESERVED.contains(&s)
        || looks_like_number(s)
        || looks_like_date(s)
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.starts_with("...")
        || first.is_whitespace()
        || last.is_whitespace()
        || last == ':'
        || s.contains(": ")
        || s.contains(" #")
        || s.contains([',', '[', ']', '{', '}'])
        || s.chars().any(is_unsafe_char)
}

/// Control characters, characters YAML cannot hold unescaped, YAML 1.1 line breaks and the BOM.
pub(super) fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
        || !matches!(c, '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A superset of the YAML 1.1 and 1.2 int and float forms:
/// `[-+]?( [0-9][0-9_]*(:[0-9]{1,2})* (\.[0-9._]*)? | \.[0-9._]* )([eE][-+]?[0-9]+)?`,
/// `[-+]?0[xXoObB][0-9a-fA-F_]*` and `[-+]?\.(inf|nan)` in any case.
pub(super) fn looks_like_number(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    if let Some(rest) = b.strip_prefix(b".") {
        if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"nan") {
            return true;
        }
    }
    if b.len() >= 2 && b[0] == b'0' && b"xXoObB".contains(&b[1]) {
        return b[2..].iter().all(|c| c.is_ascii_hexdigit() || *c == b'_');
    }
    let n = b.len();
    let mut i = 0;
    let digit = |i: usize| i < n && b[i].is_ascii_digit();
    let has_int = digit(0);
    if has_int {
        while i < n && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
        // Sexagesimal: 1:30, 190:20:30.
        while i < n && b[i] == b':' {
            let start = i + 1;
            i = start;
            while digit(i) && i - start < 2 {
                i += 1;
            }
            if i == start {
                return false;
            }
        }
    }
    let has_dot = i < n && b[i] == b'.';
    if has_dot {
        i += 1;
        while i < n && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'_') {
            i += 1;
        }
    }
    if !has_int && !has_dot {
        return false;
    }
    if i < n && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < n && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while digit(i) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == n
}

/// `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}` alone or followed by `T`, `t`, a space or a tab: the start
/// of every YAML 1.1 timestamp.
pub(super) fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, min: usize, max: usize| -> Option<usize> {
        let count = b[from.min(b.len())..].iter().take(max).take_while(|c| c.is_ascii_digit()).count();
        (count >= min).then_some(from + count)
    };
    let date_end = digits(0, 4, 4)
        .filter(|&i| b.get(i) == Some(&b'-'))
        .and_then(|i| digits(i + 1, 1, 2))
        .filter(|&i| b.get(i) == Some(&b'-'))
        .and_then(|i| digits(i + 1, 1, 2));
    match date_end {
        Some(i) => matches!(b.get(i), None | Some(b'T' | b't' | b' ' | b'\t')),
        None => false,
    }
}

/// Whether a scalar read as plain can be written back plain, in block context, as the same
/// string.
pub(super) fn plain_ok(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if "[]{},#&*!|>'\"%@`".contains(first) || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if matches!(first, '-' | '?' | ':') && matches!(chars.next(), None | Some(' ')) {
        return false;
    }
    !(s.starts_with(' ')
        || s.ends_with(' ')
        || s.ends_with(':')
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(is_unsafe_char))
}

/// Whether a literal block scalar can hold `s` exactly. At the document's root, an
/// indentation indicator is avoided.
pub(super) fn literal_ok(s: &str, root: bool) -> bool {
    if s.trim_matches('\n').is_empty() || s.chars().any(|c| c != '\n' && c != '\t' && is_unsafe_char(c)) {
        return false;
    }
    !(root && literal_needs_indicator(s))
}

/// A literal block needs an indentation indicator when its first non-empty line starts with
/// a space.
pub(super) fn literal_needs_indicator(s: &str) -> bool {
    s.split('\n').find(|l| !l.is_empty()).is_some_and(|l| l.starts_with(' '))
}
