//! Reading the files a command is given: which files hold an intent ([`discover`]) and which
//! files a kustomization deploys ([`kustomize`]); and the one rule for every file read, that
//! its bytes be UTF-8 text ([`text`]).

pub mod collect;
pub mod discover;
pub mod kustomize;

use crate::diag::{Code, Diagnostic};

/// The text of the file `name` from its bytes; when they are not UTF-8, an `unreadable`
/// diagnostic that names the file and the first byte that is not, by its byte offset and its
/// line and column.
pub fn text(name: &str, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let before = std::str::from_utf8(valid).expect("the bytes before the error are UTF-8");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let byte = e.as_bytes()[valid.len()];
        let message = format!(
            "not UTF-8 text: byte 0x{byte:02x} at byte offset {} (line {line}) is not UTF-8",
            valid.len()
        );
        let d = Diagnostic::problem(Code::Unreadable, message)
            .with_help("netpol-intent reads UTF-8 only, as Kubernetes does: save the file as UTF-8");
        Box::new(d.in_file(name).at_line(line, col))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_that_is_not_utf8_names_the_byte_offset_and_line() {
        let d = super::text("a.yaml", b"a: 1\nb: caf\xe9\n".to_vec()).unwrap_err();
        assert_eq!(d.message, "not UTF-8 text: byte 0xe9 at byte offset 11 (line 2) is not UTF-8");
        assert_eq!((d.file.as_deref(), d.line(), d.col()), (Some("a.yaml"), 2, 7));
        assert_eq!(super::text("a.yaml", "é\n".as_bytes().to_vec()).unwrap(), "é\n");
    }
}
