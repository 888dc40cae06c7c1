//! Function bodies blanked before an index parse: most of a Go file's bytes are statements
//! the index does not record, and tree-sitter reads blanks far faster than code. Every byte
//! keeps its offset and every newline its line, so declarations parsed from the masked text
//! have the original's ranges, and their text (signature, doc, body hash) is read from the
//! original bytes.

/// `bytes` with the inside of each top-level function body turned into spaces (newlines
/// kept); `None` when the lexer is unsure (unbalanced braces, an unterminated string or
/// comment): the caller parses the original then.
pub fn mask_bodies(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = bytes.to_vec();
    let mut lex = Lexer { bytes, i: 0 };
    // Top level: `func` at a line start opens a header; the first `{` of the header that is
    // not a type's (`struct{`, `interface{`, inside parentheses or brackets) opens the body.
    let mut in_header = false;
    let mut nesting = 0usize; // ( and [ in a header
    let mut braces = 0usize; // { } outside bodies: type literals, composite literals
    while let Some(token) = lex.next()? {
        match token {
            Token::Word(start, end) => {
                if braces == 0
                    && nesting == 0
                    && &bytes[start..end] == b"func"
                    && at_line_start(bytes, start)
                {
                    in_header = true;
                }
            }
            // Go puts the body's `{` on the header's last line: a header whose line ends at
            // the top level has no body (an assembly function).
            Token::Newline => {
                if nesting == 0 {
                    in_header = false;
                }
            }
            Token::Open(b'(' | b'[') => nesting += 1,
            Token::Close(b')' | b']') => nesting = nesting.checked_sub(1)?,
            Token::Open(_) => {
                let at = lex.i - 1;
                if in_header && nesting == 0 && braces == 0 && !after_type_keyword(bytes, at) {
                    let close = lex.skip_block()?;
                    for b in &mut out[at + 1..close] {
                        if *b != b'\n' {
                            *b = b' ';
                        }
                    }
                    in_header = false;
                } else {
                    braces += 1;
                }
            }
            Token::Close(_) => braces = braces.checked_sub(1)?,
        }
    }
    (nesting == 0 && braces == 0).then_some(out)
}

fn at_line_start(bytes: &[u8], i: usize) -> bool {
    i == 0 || bytes[i - 1] == b'\n'
}

/// The `{` at `at` follows `struct` or `interface`: a type literal, not a body.
fn after_type_keyword(bytes: &[u8], at: usize) -> bool {
    let before = bytes[..at].trim_ascii_end();
    (before.ends_with(b"struct") || before.ends_with(b"interface"))
        && !before
            .iter()
            .rev()
            .nth(if before.ends_with(b"struct") { 6 } else { 9 })
            .is_some_and(|&b| b == b'_' || b.is_ascii_alphanumeric())
}

enum Token {
    Newline,
    Word(usize, usize),
    Open(u8),
    Close(u8),
}

struct Lexer<'a> {
    bytes: &'a [u8],
    i: usize,
}

impl Lexer<'_> {
    /// The next word or bracket outside comments and literals; `Ok(None)`-like `Some(None)`
    /// at the end, `None` when a comment or literal never ends.
    fn next(&mut self) -> Option<Option<Token>> {
        let b = self.bytes;
        while self.i < b.len() {
            let c = b[self.i];
            match c {
                b'/' if b.get(self.i + 1) == Some(&b'/') => {
                    self.i = memchr::memchr(b'\n', &b[self.i..]).map_or(b.len(), |n| self.i + n);
                }
                b'/' if b.get(self.i + 1) == Some(&b'*') => {
                    self.i = memchr::memmem::find(&b[self.i + 2..], b"*/")? + self.i + 4;
                }
                b'\n' => {
                    self.i += 1;
                    return Some(Some(Token::Newline));
                }
                b'"' | b'\'' => self.i = quoted_end(b, self.i, c)?,
                b'`' => self.i = memchr::memchr(b'`', &b[self.i + 1..])? + self.i + 2,
                b'(' | b'[' | b'{' => {
                    self.i += 1;
                    return Some(Some(Token::Open(c)));
                }
                b')' | b']' | b'}' => {
                    self.i += 1;
                    return Some(Some(Token::Close(c)));
                }
                _ if c == b'_' || c.is_ascii_alphabetic() => {
                    let start = self.i;
                    while self.i < b.len()
                        && (b[self.i] == b'_' || b[self.i].is_ascii_alphanumeric())
                    {
                        self.i += 1;
                    }
                    return Some(Some(Token::Word(start, self.i)));
                }
                _ => self.i += 1,
            }
        }
        Some(None)
    }

    /// Past the `}` that closes the block just opened; its offset.
    fn skip_block(&mut self) -> Option<usize> {
        let mut depth = 1usize;
        loop {
            match self.next()?? {
                Token::Open(b'{') => depth += 1,
                Token::Close(b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(self.i - 1);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Past the closing quote of the string or rune opened at `start`; `None` if the line ends
/// first (Go's interpreted strings and runes never span lines).
fn quoted_end(b: &[u8], start: usize, quote: u8) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(src: &str) -> String {
        String::from_utf8(mask_bodies(src.as_bytes()).expect("masks")).unwrap()
    }

    #[test]
    fn bodies_are_blank_and_everything_keeps_its_place() {
        let src = "package a\n\n// Run runs.\nfunc (s *S) Run(x int) error {\n\tif x > 0 { return nil }\n\treturn f(\"}\")\n}\n\ntype T struct{ A int }\n";
        let out = masked(src);
        assert_eq!(out.len(), src.len());
        assert_eq!(out.lines().count(), src.lines().count());
        assert!(out.contains("func (s *S) Run(x int) error {\n"), "{out}");
        assert!(!out.contains("return"), "{out}");
        assert!(out.contains("\n}\n\ntype T struct{ A int }\n"), "{out}");
    }

    #[test]
    fn type_literals_in_a_header_are_not_bodies() {
        let src = "package a\nfunc F[T interface{ ~int }](x struct{ a int }) (interface{ M() }, map[string]struct{}) { return nil, nil }\nfunc G() func() { return nil }\n";
        let out = masked(src);
        assert!(out.contains("func F[T interface{ ~int }](x struct{ a int }) (interface{ M() }, map[string]struct{}) {"), "{out}");
        assert!(out.contains("func G() func() {"), "{out}");
        assert!(!out.contains("return"), "{out}");
    }

    #[test]
    fn braces_in_strings_runes_and_comments_do_not_count() {
        let src = "package a\nfunc F() {\n\ts := `}`\n\tr := '}'\n\t// }\n\t/* } */\n\t_ = \"\\\"}\"\n}\nvar X = 1\n";
        let out = masked(src);
        assert!(out.ends_with("\n}\nvar X = 1\n"), "{out}");
    }

    #[test]
    fn a_function_without_a_body_leaves_the_next_literal_alone() {
        let src = "package a\nfunc Add(x, y int) int\n\nvar V = T{\n\tA: 1,\n}\n";
        assert_eq!(masked(src), src);
    }

    #[test]
    fn unsure_text_is_left_to_the_full_parse() {
        for src in [
            "package a\nfunc F() {\n",
            "package a\nfunc F() { s := \"abc\n}\n",
            "package a\n/* never closed\nfunc F() {}\n",
            "package a\nfunc F() { }}\n",
        ] {
            assert!(mask_bodies(src.as_bytes()).is_none(), "{src:?}");
        }
    }

    #[test]
    fn a_masked_parse_finds_what_the_whole_parse_finds() {
        let src = "package a\n\nimport \"fmt\"\n\n// T is.\ntype T struct{ A int }\n\n// M does.\nfunc (t *T) M(x int) (int, error) {\n\tfmt.Println(\"{\")\n\treturn x, nil\n}\n\nvar V = func() int { return 1 }()\n\nconst C = 3\n";
        let whole = crate::golang::extract(src.as_bytes());
        let masked = crate::golang::extract(&mask_bodies(src.as_bytes()).unwrap());
        assert_eq!(whole.decls, masked.decls);
    }
}
