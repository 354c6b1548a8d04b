//! How kubectl and kustomize read a YAML text that this layer reads as YAML 1.2, and the
//! places where they read it otherwise, which [`super::parse`] refuses.
//!
//! kubectl (and Argo CD, Flux, the API server) read YAML with sigs.k8s.io/yaml over go-yaml
//! v2; kustomize and kpt with kyaml over go-yaml v3. Both take the characters U+0085, U+2028
//! and U+2029 for line breaks, which YAML 1.2 does not ([`foreign_breaks`]); and both resolve
//! plain scalars by their own rules, taken here from their `resolve.go` and the way their
//! decoders turn a resolved scalar into a value ([`kubectl`], [`kustomize`]). A scalar whose
//! three readings are not the same value of the same type is refused ([`disagreement`]).
//! `tests/yaml/go-yaml-readings.tsv`, written by go-yaml itself, checks these rules.

use super::{is_core_float, Node, NodeKind, Pos, Scalar, ScalarStyle, CORE_TAG_PREFIX};

/// What a reader makes of a scalar.
#[derive(Clone, Debug)]
pub(super) enum Reading {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    /// A date and time (go-yaml v3 decodes it so).
    Timestamp,
    /// The merge key `<<`: the entries of the mapping it names are merged in.
    Merge,
    /// The reader refuses it (a tag that does not fit the value).
    Error,
}

impl PartialEq for Reading {
    fn eq(&self, other: &Reading) -> bool {
        use Reading::*;
        match (self, other) {
            (Null, Null) | (Timestamp, Timestamp) | (Merge, Merge) | (Error, Error) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Str(a), Str(b)) => a == b,
            _ => false,
        }
    }
}

impl Reading {
    /// The reading in words, for a message: `493`, `true (a boolean)`, `the string "yes"`.
    /// `go` says whether go-yaml read it (which takes a leading `0` for octal).
    fn describe(&self, text: &str, go: bool) -> String {
        match self {
            Reading::Null => "null".to_string(),
            Reading::Bool(b) => format!("{b} (a boolean)"),
            Reading::Int(i) => match radix_name(text, go) {
                Some(radix) => format!("{i} ({radix})"),
                None => i.to_string(),
            },
            Reading::Float(f) => format!("the float {f:?}"),
            Reading::Str(s) => format!("the string {s:?}"),
            Reading::Timestamp => "a timestamp".to_string(),
            Reading::Merge => "a merge key (the mapping it names is merged in)".to_string(),
            Reading::Error => "an error".to_string(),
        }
    }

    /// How to write the reading so that every reader agrees, when there is such a spelling.
    fn spelling(&self) -> Option<String> {
        match self {
            Reading::Bool(b) => Some(b.to_string()),
            Reading::Int(i) => Some(i.to_string()),
            Reading::Float(f) if f.is_finite() => Some(format!("{f:?}")),
            _ => None,
        }
    }
}

/// The radix of an integer written `0755`, `0b101` or `-0x1F`, as go-yaml (`go`) or YAML
/// 1.2 reads it; `None` for decimal.
fn radix_name(text: &str, go: bool) -> Option<&'static str> {
    let digits = text.trim_start_matches(['+', '-']).replace('_', "");
    match digits.as_bytes() {
        [b'0', b'x' | b'X', ..] => Some("hexadecimal"),
        [b'0', b'o' | b'O', ..] => Some("octal"),
        [b'0', b'b' | b'B', ..] if go => Some("binary"),
        [b'0', b'0'..=b'9', ..] if go => Some("octal"),
        _ => None,
    }
}

/// The characters go-yaml breaks lines at and YAML 1.2 does not: each with its position
/// (line and column as YAML 1.2 counts them) and its name.
pub(super) fn foreign_breaks(src: &str) -> Vec<(Pos, &'static str)> {
    let mut out = Vec::new();
    if src.is_ascii() {
        return out;
    }
    let (mut line, mut col) = (1, 1);
    let mut chars = src.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let name = match c {
            '\u{85}' => Some("U+0085 (next line)"),
            '\u{2028}' => Some("U+2028 (line separator)"),
            '\u{2029}' => Some("U+2029 (paragraph separator)"),
            _ => None,
        };
        if let Some(name) = name {
            out.push((Pos { line, col, offset }, name));
        }
        let crlf = c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n');
        if c == '\n' || (c == '\r' && !crlf) {
            (line, col) = (line + 1, 1);
        } else if !crlf {
            col += 1;
        }
    }
    out
}

/// The message for a foreign line break.
pub(super) fn foreign_break_message(name: &str) -> String {
    format!(
        "{name} is a line break to kubectl and kustomize (YAML 1.1), not to YAML 1.2: text after it \
         on the line (a comment, say) would be read differently; remove it, or write it as an \
         escape (`\\N`, `\\L`, `\\P`) in a double-quoted string"
    )
}

/// The message refusing a scalar whose readings differ, or `None` when every reader reads
/// it alike. `key` says whether the scalar is a mapping key.
pub(super) fn disagreement(node: &Node, key: bool) -> Option<String> {
    let NodeKind::Scalar { value, style } = &node.kind else { return None };
    let tag = node.tag.as_deref();
    if *style != ScalarStyle::Plain && tag.is_none() {
        return None; // A quoted or block scalar without a tag is a string to every reader.
    }
    if tag.is_none() && surely_alike(value, key) {
        return None;
    }
    let ours = core(node);
    let mut theirs = [kubectl(value, *style, tag), kustomize(value, *style, tag)];
    if key {
        // A mapping key `<<`, plain (untagged or tagged `!`) or tagged `!!merge`, merges.
        let plain = *style == ScalarStyle::Plain && matches!(tag, None | Some("!"));
        if value == "<<" && (plain || tag.map(tag_name) == Some("merge")) {
            theirs = [Reading::Merge, Reading::Merge];
        }
    } else {
        for reading in &mut theirs {
            if *reading == Reading::Merge {
                *reading = Reading::Str(value.clone()); // As a value, `<<` is the string.
            }
        }
    }
    if theirs.iter().all(|r| *r == ours) && !go_version_dependent(value, *style, tag) {
        return None;
    }
    Some(message(value, &ours, &theirs, node))
}

/// Whether every reader reads an untagged plain scalar alike, for the common cases that are
/// quick to tell (the full reading is made of the others): go-yaml resolves only a scalar
/// whose first character is a sign, a digit, `.`, or the first of a boolean, null or `<<`
/// (YAML 1.2 a subset of those); of the words, only YAML 1.1's booleans differ; and a decimal
/// integer without a leading zero, well within 64 bits, is the same number to all.
fn surely_alike(s: &str, key: bool) -> bool {
    const YAML_1_1_BOOLEANS: [&str; 16] =
        ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"];
    let Some(&first) = s.as_bytes().first() else { return false };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            !YAML_1_1_BOOLEANS.contains(&s)
        }
        b'<' => !(key && s == "<<"),
        b'+' | b'-' | b'.' => false,
        b'0'..=b'9' => {
            let decimal = s.len() < 19 && s.bytes().all(|b| b.is_ascii_digit());
            decimal && (first != b'0' || s.len() == 1)
        }
        _ => true,
    }
}

/// `0o17` (unsigned): go-yaml v2 has no rule of its own for the `0o` prefix and reads it as
/// a number only through Go's strconv, since Go 1.13; a kubectl built before is another
/// reader, who reads a string.
fn go_version_dependent(s: &str, style: ScalarStyle, tag: Option<&str>) -> bool {
    tag.is_none() && style == ScalarStyle::Plain && (s.starts_with("0o") || s.starts_with("0O"))
}

/// What YAML 1.2's core schema, this layer's reading, makes of a scalar.
fn core(node: &Node) -> Reading {
    match node.scalar() {
        Some(Scalar::Null) => Reading::Null,
        Some(Scalar::Bool(b)) => Reading::Bool(b),
        Some(Scalar::Int(i)) => Reading::Int(i.into()),
        Some(Scalar::Float(f)) => Reading::Float(f),
        Some(Scalar::Str(s)) => Reading::Str(s.to_string()),
        None => Reading::Error,
    }
}

/// The short name of a core tag (`int` for `tag:yaml.org,2002:int`), `!` for the
/// non-specific tag, and anything else as it is.
fn tag_name(tag: &str) -> &str {
    tag.strip_prefix(CORE_TAG_PREFIX).unwrap_or(tag)
}

/// What kubectl reads: go-yaml v2's decoder into an `interface{}`, as sigs.k8s.io/yaml
/// calls it. Quoted and block scalars without a tag are strings; a tag it resolves (`!!str`,
/// `!!bool`, `!!int`, `!!float`, `!!null`, `!!timestamp`) must fit the value, else the
/// document is refused; `!!binary` is decoded; any other tag (`!` and local ones included)
/// leaves the text a string; a timestamp stays the string it was written as.
pub(super) fn kubectl(value: &str, style: ScalarStyle, tag: Option<&str>) -> Reading {
    decode(value, style, tag, Go::V2)
}

/// What kustomize reads: go-yaml v3 (kyaml), decoding into an `interface{}`. As kubectl, but
/// with YAML 1.2's booleans only, `0o` octals of its own, the tag `!` read as no tag on a
/// plain scalar, and timestamps decoded as timestamps.
pub(super) fn kustomize(value: &str, style: ScalarStyle, tag: Option<&str>) -> Reading {
    decode(value, style, tag, Go::V3)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Go {
    V2,
    V3,
}

fn decode(value: &str, style: ScalarStyle, tag: Option<&str>, go: Go) -> Reading {
    let plain = style == ScalarStyle::Plain;
    let tag = match tag.map(tag_name) {
        Some("!") if plain && go == Go::V3 => None,
        Some("!") if go == Go::V3 => Some("str"),
        other => other,
    };
    let Some(tag) = tag else {
        return if plain {
            timestamp_as(resolve(value, go), value, go)
        } else {
            Reading::Str(value.to_string())
        };
    };
    match tag {
        "str" => Reading::Str(value.to_string()),
        "binary" => base64(value).map_or(Reading::Error, Reading::Str),
        "bool" | "int" | "float" | "null" | "timestamp" => {
            let resolved = resolve(value, go);
            let fits = match (tag, &resolved) {
                ("bool", Reading::Bool(_))
                | ("int", Reading::Int(_))
                | ("float", Reading::Float(_))
                | ("null", Reading::Null)
                | ("timestamp", Reading::Timestamp) => true,
                ("float", Reading::Int(i)) => return Reading::Float(*i as f64),
                _ => false,
            };
            if fits {
                timestamp_as(resolved, value, go)
            } else {
                Reading::Error
            }
        }
        _ => Reading::Str(value.to_string()),
    }
}

/// go-yaml v2 hands a timestamp to an `interface{}` as the string it was written as.
fn timestamp_as(reading: Reading, value: &str, go: Go) -> Reading {
    match reading {
        Reading::Timestamp if go == Go::V2 => Reading::Str(value.to_string()),
        other => other,
    }
}

/// go-yaml's `resolve` for a plain scalar (v2's or v3's).
fn resolve(s: &str, go: Go) -> Reading {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Reading::Null,
        "true" | "True" | "TRUE" => return Reading::Bool(true),
        "false" | "False" | "FALSE" => return Reading::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Reading::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Reading::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Reading::Float(f64::NEG_INFINITY),
        "<<" => return Reading::Merge,
        _ => {}
    }
    if go == Go::V2 {
        match s {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Reading::Bool(true),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Reading::Bool(false),
            _ => {}
        }
    }
    match s.as_bytes()[0] {
        b'.' => match underscore_ok(s).then(|| parse_float(&s.replace('_', ""))).flatten() {
            Some(f) => Reading::Float(f),
            None => Reading::Str(s.to_string()),
        },
        b'0'..=b'9' | b'+' | b'-' => number(s, go),
        _ => Reading::Str(s.to_string()),
    }
}

/// The digits-and-signs branch of go-yaml's `resolve`: a timestamp, then (underscores
/// dropped) an integer as Go's `strconv.ParseInt(s, 0, 64)` or `ParseUint` reads it, a float
/// of YAML's shape, and the `0b` (and, in v3, `0o`) prefixes it handles itself.
fn number(s: &str, go: Go) -> Reading {
    if is_timestamp(s) {
        return Reading::Timestamp;
    }
    let plain = s.replace('_', "");
    if let Some(i) = parse_int_base0(&plain) {
        return Reading::Int(i);
    }
    if is_yaml_float(&plain) {
        if let Some(f) = parse_float(&plain) {
            return Reading::Float(f);
        }
    }
    let mut prefixes = vec![(2, "0b", "-0b")];
    if go == Go::V3 {
        prefixes.push((8, "0o", "-0o"));
    }
    for (radix, prefix, negative) in prefixes {
        if let Some(rest) = plain.strip_prefix(prefix) {
            if let Some(i) = parse_int(rest, radix, true) {
                return Reading::Int(i);
            }
        } else if let Some(rest) = plain.strip_prefix(negative) {
            if let Some(i) = parse_int(&format!("-{rest}"), radix, false) {
                return Reading::Int(i);
            }
        }
    }
    Reading::Str(s.to_string())
}

/// Go's `ParseInt(s, radix, 64)`, falling back (when `unsigned_too`) on `ParseUint`: an
/// optional sign, then digits of `radix`, within `i64` (or `u64` without a sign).
fn parse_int(s: &str, radix: u32, unsigned_too: bool) -> Option<i128> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let n = u64::from_str_radix(digits, radix).ok().filter(|_| !digits.starts_with(['+', '-']))?;
    let signed = if negative { -i128::from(n) } else { i128::from(n) };
    let in_i64 = i64::try_from(signed).is_ok();
    let signless = digits.len() == s.len();
    (in_i64 || (unsigned_too && signless)).then_some(signed)
}

/// Go's `ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: the radix from the prefix (`0x`,
/// `0o`, `0b` in either case, then a digit at least; a leading `0` alone means octal).
fn parse_int_base0(s: &str) -> Option<i128> {
    let unsigned = s.trim_start_matches(['+', '-']);
    let signs = s.len() - unsigned.len();
    if signs > 1 {
        return None;
    }
    let b = unsigned.as_bytes();
    let (radix, skip) = match b {
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'x') => (16, 2),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'o') => (8, 2),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'b') => (2, 2),
        [b'0'] => return Some(0),
        [b'0', ..] => (8, 1),
        _ => (10, 0),
    };
    let digits = &unsigned[skip..];
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    parse_int(&format!("{}{digits}", &s[..signs]), radix, true)
}

/// go-yaml's `yamlStyleFloat`: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the
/// core schema's float with a sign.
fn is_yaml_float(s: &str) -> bool {
    is_core_float(s.strip_prefix(['+', '-']).unwrap_or(s))
}

/// Go's `ParseFloat(s, 64)` on a decimal: `None` where it fails, overflow included.
fn parse_float(s: &str) -> Option<f64> {
    let decimal = s.bytes().all(|b| b.is_ascii_digit() || b".eE+-".contains(&b));
    s.parse::<f64>().ok().filter(|f| decimal && f.is_finite())
}

/// Go's `underscoreOK`: every `_` between two digits.
fn underscore_ok(s: &str) -> bool {
    let mut last = b'^';
    for b in s.bytes() {
        last = match b {
            b'0'..=b'9' => b'0',
            b'_' if last == b'0' => b'_',
            b'_' => return false,
            _ if last == b'_' => return false,
            _ => b'!',
        };
    }
    last != b'_'
}

/// go-yaml's `parseTimestamp`: `YYYY-M-D`, alone or followed by `T`/`t` and `h:m:s`, an
/// optional fraction and `Z` or `±hh:mm`, or by a space and `h:m:s` and an optional fraction;
/// the date a real one, the time within a day.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut at = 5;
    let number = |at: &mut usize, max: u32| -> Option<u32> {
        let start = *at;
        while *at < b.len() && *at - start < 2 && b[*at].is_ascii_digit() {
            *at += 1;
        }
        let n: u32 = s.get(start..*at)?.parse().ok()?;
        (n <= max).then_some(n)
    };
    let year: u32 = s[..4].parse().unwrap_or(0);
    let Some(month) = number(&mut at, 12).filter(|&m| m >= 1) else { return false };
    if b.get(at) != Some(&b'-') {
        return false;
    }
    at += 1;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
    if number(&mut at, days).filter(|&d| d >= 1).is_none() {
        return false;
    }
    let zoned = match b.get(at) {
        None => return true,
        Some(b'T' | b't') => true,
        Some(b' ') => false,
        _ => return false,
    };
    at += 1;
    for (max, sep) in [(23, Some(b':')), (59, Some(b':')), (59, None)] {
        if number(&mut at, max).is_none() {
            return false;
        }
        if let Some(sep) = sep {
            if b.get(at) != Some(&sep) {
                return false;
            }
            at += 1;
        }
    }
    if matches!(b.get(at), Some(b'.' | b',')) && b.get(at + 1).is_some_and(u8::is_ascii_digit) {
        at += 1;
        while at < b.len() && b[at].is_ascii_digit() {
            at += 1;
        }
    }
    if !zoned {
        return at == b.len();
    }
    match &b[at.min(b.len())..] {
        [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Go's `base64.StdEncoding.DecodeString` after YAML has joined the lines (line breaks are
/// skipped): the text, or `None` where the encoding is invalid.
fn base64(text: &str) -> Option<String> {
    let symbols: Vec<u8> = text.bytes().filter(|b| !matches!(b, b'\n' | b'\r')).collect();
    if symbols.len() % 4 != 0 {
        return None;
    }
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    for (i, chunk) in symbols.chunks(4).enumerate() {
        let last = i + 1 == symbols.len() / 4;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = n << 6 | u32::from(value(c)?);
        }
        n <<= 6 * pad as u32;
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The message naming the readings: `` `0755` is 493 (octal) to kubectl and kustomize, 755 to
/// YAML 1.2: … ``.
fn message(text: &str, ours: &Reading, theirs: &[Reading; 2], node: &Node) -> String {
    let shown = match &node.tag {
        Some(tag) => format!("{} {text}", short_tag(tag)),
        None => text.to_string(),
    };
    if theirs.iter().all(|r| r == ours) {
        return format!(
            "`{shown}` is {} to YAML 1.2 and kustomize, and to kubectl only if it was built with Go 1.13 or \
             later (go-yaml v2 leaves the `0o` prefix to Go): write {}",
            ours.describe(text, false),
            ours.spelling().unwrap_or_default()
        );
    }
    let readers = [("kubectl", &theirs[0], true), ("kustomize", &theirs[1], true), ("YAML 1.2", ours, false)];
    let mut groups: Vec<(&Reading, bool, Vec<&str>)> = Vec::new();
    for (name, reading, go) in readers {
        match groups.iter_mut().find(|(r, _, _)| *r == reading) {
            Some((_, _, names)) => names.push(name),
            None => groups.push((reading, go, vec![name])),
        }
    }
    let said: Vec<String> = groups
        .iter()
        .map(|(r, go, names)| format!("{} to {}", r.describe(text, *go), names.join(" and ")))
        .collect();
    format!("`{shown}` is {}: {}", said.join(", "), hint(text, ours, theirs, node))
}

/// What to write instead.
fn hint(text: &str, ours: &Reading, theirs: &[Reading; 2], node: &Node) -> String {
    if theirs.contains(&Reading::Merge) {
        return "write the merged entries out, or quote the key (\"<<\") if it is a key".to_string();
    }
    if let Some(tag) = &node.tag {
        return format!("drop the tag `{}` and write the value every reader reads alike", short_tag(tag));
    }
    let mut numbers: Vec<String> = Vec::new();
    for spelling in theirs.iter().chain([ours]).filter_map(Reading::spelling) {
        if spelling != text && !numbers.contains(&spelling) {
            numbers.push(spelling);
        }
    }
    match numbers.as_slice() {
        [] => format!("quote it: \"{text}\""),
        [one] => format!("quote it (\"{text}\") or write {one}"),
        many => format!("quote it (\"{text}\") or write {}", many.join(" or ")),
    }
}

/// `!!int` for `tag:yaml.org,2002:int`.
fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(CORE_TAG_PREFIX) {
        Some(name) => format!("!!{name}"),
        None if tag.starts_with('!') => tag.to_string(),
        None => format!("!<{tag}>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse, parse_with, Limits};

    /// Written by go-yaml v2.4.0 and v3.0.1 (`tests/yaml/go-yaml-readings.go`).
    const READINGS: &str = include_str!("../../tests/yaml/go-yaml-readings.tsv");
    const CORPUS: &str = include_str!("../../tests/yaml/go-yaml-corpus.txt");

    /// The corpus `go-yaml-readings.go` reads: every string of 1 to 4 characters over its
    /// alphabet, in the same order, then the lines of the corpus file.
    fn corpus() -> Vec<String> {
        const ALPHABET: &str = "019_.+-eoxb";
        let mut out: Vec<String> = Vec::new();
        let mut level = vec![String::new()];
        for _ in 0..4 {
            level = level.iter().flat_map(|p| ALPHABET.chars().map(move |c| format!("{p}{c}"))).collect();
            out.extend(level.iter().cloned());
        }
        out.extend(CORPUS.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string));
        out
    }

    /// A reading as the Go program spells it; `str` is the text it was given.
    fn go_reading(spelt: &str, text: &str) -> Reading {
        let (kind, value) = spelt.split_once(':').unwrap_or((spelt, ""));
        match kind {
            "null" => Reading::Null,
            "bool" => Reading::Bool(value == "true"),
            "int" => Reading::Int(value.parse().unwrap()),
            "float" => Reading::Float(match value {
                "nan" => f64::NAN,
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                v => v.parse().unwrap(),
            }),
            "str" if value.is_empty() => Reading::Str(text.to_string()),
            "str" => Reading::Str(serde_json::from_str(value).unwrap()),
            "other" if value == "time.Time" => Reading::Timestamp,
            "error" => Reading::Error,
            other => panic!("unknown reading {other}"),
        }
    }

    #[test]
    fn the_rules_read_every_scalar_of_the_corpus_as_go_yaml_does() {
        let table: std::collections::HashMap<&str, (&str, &str)> = READINGS
            .lines()
            .map(|l| {
                let mut f = l.split('\t');
                (f.next().unwrap(), (f.next().unwrap(), f.next().unwrap()))
            })
            .collect();
        let corpus = corpus();
        assert!(corpus.len() > 16_000, "{}", corpus.len());
        let (mut checked, mut refused) = (0, 0);
        for text in &corpus {
            let Ok(docs) = parse_with(&format!("k: {text}\n"), &Limits::default(), false) else {
                // Not YAML to this layer: refused, whatever go-yaml makes of it.
                continue;
            };
            let node = docs[0].get("k").unwrap();
            let NodeKind::Scalar { value, style } = &node.kind else { panic!("{text}") };
            let (v2, v3) = table.get(text.as_str()).copied().unwrap_or(("str", "str"));
            let as_value = |r: Reading| if r == Reading::Merge { Reading::Str(value.clone()) } else { r };
            let tag = node.tag.as_deref();
            assert_eq!(as_value(kubectl(value, *style, tag)), go_reading(v2, text), "kubectl, {text}");
            assert_eq!(as_value(kustomize(value, *style, tag)), go_reading(v3, text), "kustomize, {text}");
            // And the parser refuses exactly what one of them reads otherwise than YAML 1.2.
            let differs = [v2, v3].iter().any(|r| go_reading(r, text) != core(node));
            let dependent = go_version_dependent(value, *style, tag);
            assert_eq!(disagreement(node, false).is_some(), differs || dependent, "{text}");
            assert_eq!(
                parse(&format!("k: {text}\n"), &Limits::default()).is_err(),
                differs || dependent,
                "{text}"
            );
            checked += 1;
            refused += usize::from(differs || dependent);
        }
        assert!(checked > 15_000 && refused > 600, "{checked} checked, {refused} refused");
    }

    fn refusals(src: &str) -> Vec<(usize, usize, String)> {
        match parse(src, &Limits::default()) {
            Ok(_) => Vec::new(),
            Err(e) => e.all().map(|e| (e.pos.line, e.pos.col, e.message.clone())).collect(),
        }
    }

    #[test]
    fn messages_name_every_reading_and_a_way_out() {
        let cases = [
            ("port: 0755", "`0755` is 493 (octal) to kubectl and kustomize, 755 to YAML 1.2: quote it (\"0755\") or write 493 or 755"),
            ("a: yes", "`yes` is true (a boolean) to kubectl, the string \"yes\" to kustomize and YAML 1.2: quote it (\"yes\") or write true"),
            ("a: Off", "`Off` is false (a boolean) to kubectl, the string \"Off\" to kustomize and YAML 1.2: quote it (\"Off\") or write false"),
            ("a: 1_000", "`1_000` is 1000 to kubectl and kustomize, the string \"1_000\" to YAML 1.2: quote it (\"1_000\") or write 1000"),
            ("a: 0b101", "`0b101` is 5 (binary) to kubectl and kustomize, the string \"0b101\" to YAML 1.2: quote it (\"0b101\") or write 5"),
            ("a: -0x1F", "`-0x1F` is -31 (hexadecimal) to kubectl and kustomize, the string \"-0x1F\" to YAML 1.2: quote it (\"-0x1F\") or write -31"),
            ("a: 08", "`08` is the float 8.0 to kubectl and kustomize, 8 to YAML 1.2: quote it (\"08\") or write 8.0 or 8"),
            ("a: 1e999", "`1e999` is the string \"1e999\" to kubectl and kustomize, the float inf to YAML 1.2: quote it: \"1e999\""),
            ("a: 2001-12-14", "`2001-12-14` is the string \"2001-12-14\" to kubectl and YAML 1.2, a timestamp to kustomize: quote it: \"2001-12-14\""),
            ("a: 0o17", "`0o17` is 15 (octal) to YAML 1.2 and kustomize, and to kubectl only if it was built with Go 1.13 or later (go-yaml v2 leaves the `0o` prefix to Go): write 15"),
            ("a: !!int \"0755\"", "`!!int 0755` is 493 (octal) to kubectl and kustomize, 755 to YAML 1.2: drop the tag `!!int` and write the value every reader reads alike"),
            ("a: !custom 5", "`!custom 5` is the string \"5\" to kubectl and kustomize, 5 to YAML 1.2: drop the tag `!custom` and write the value every reader reads alike"),
            ("<<: {a: 1}", "`<<` is a merge key (the mapping it names is merged in) to kubectl and kustomize, the string \"<<\" to YAML 1.2: write the merged entries out, or quote the key (\"<<\") if it is a key"),
        ];
        for (src, message) in cases {
            let col = if src.starts_with("<<") { 1 } else { src.find(": ").unwrap() + 3 };
            assert_eq!(refusals(src), [(1, col, message.to_string())], "{src}");
        }
    }

    #[test]
    fn what_every_reader_reads_alike_is_accepted() {
        let src = "a: true\nb: 8080\nc: null\nd: \"0755\"\ne: 'yes'\nf: web\ng: 1.5\nh: -17\ni: 0x1F\nj: ~\n\
                   k: .inf\nl: \"<<\"\nm: <<\nn2: 2001-13-01\no: !!int \"8080\"\np: !!str 0755\nq: |\n  yes\n\
                   r: 10.0.0.0/8\ns: v1.2.3\nt: 007\nu: !!merge <<\n\"<<\": quoted\nv: 1:30\nw: 2001-12-14x\n";
        assert_eq!(refusals(src), []);
    }

    #[test]
    fn every_disagreement_of_a_text_is_reported_at_once() {
        let src = "a: yes\nb: [no, 0755]\nc: {on: 1}\n<<: *x\n";
        let found: Vec<(usize, usize)> = refusals(src).into_iter().map(|(l, c, _)| (l, c)).collect();
        // The alias to nothing stops the reading; what came before it is reported with it.
        assert_eq!(found, [(1, 4), (2, 5), (2, 9), (3, 5), (4, 1), (4, 5)]);
        // An alias copies a scalar that was checked where it was anchored.
        assert_eq!(refusals("a: &x yes\nb: *x\nc: *x\n").len(), 1);
        // Keys too: kubectl makes `on` the key "true".
        assert_eq!(
            refusals("on: push\n")[0].2.split(':').next(),
            Some("`on` is true (a boolean) to kubectl, the string \"on\" to kustomize and YAML 1.2")
        );
    }

    #[test]
    fn go_yaml_line_breaks_are_refused_anywhere() {
        for (c, name) in [
            ('\u{85}', "U+0085 (next line)"),
            ('\u{2028}', "U+2028 (line separator)"),
            ('\u{2029}', "U+2029 (paragraph separator)"),
        ] {
            // A comment that ends, to go-yaml, before `ingress: [{}]`.
            let src = format!(
                "spec:\n  podSelector: {{}} # é{c}  ingress: [{{}}]\nb: \"in {c} quotes\"\r\nc: x\rd: {c}\n"
            );
            let found = refusals(&src);
            assert_eq!(
                found.iter().map(|(l, c, _)| (*l, *c)).collect::<Vec<_>>(),
                [(2, 22), (3, 8), (5, 4)],
                "{name}"
            );
            assert!(
                found[0].2.starts_with(&format!("{name} is a line break to kubectl and kustomize")),
                "{}",
                found[0].2
            );
        }
        // Escaped, they are what they are to every reader.
        assert_eq!(refusals("a: \"\\L \\P \\N\"\n"), []);
    }

    #[test]
    fn the_byte_offsets_of_refusals_are_right() {
        let e = parse("é: x\nb: yes\n", &Limits::default()).unwrap_err();
        assert_eq!(e.pos, Pos { line: 2, col: 4, offset: 9 });
        let e = parse("é: x\u{2028}\n", &Limits::default()).unwrap_err();
        assert_eq!(e.pos, Pos { line: 1, col: 5, offset: 5 });
    }
}
