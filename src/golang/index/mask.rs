//! Function bodies (and other blocks that declare nothing) cut out before an index parse:
//! most of a Go file's bytes are statements and fields the index does not record, and
//! tree-sitter's time grows with the bytes it reads. Each body keeps only its newlines, so
//! every declaration keeps its lines; its byte offsets are mapped back to the original's
//! (`Masked::original`), and its text (signature, doc, body hash) is the original's. A
//! function whose body is cut loses its parameters and results too (`F(\n)`, newlines kept):
//! they are a third of what is left to parse, and its signature is read from the original.

use crate::item::Kind;

/// A file's text with its function bodies cut down to their newlines.
pub struct Masked {
    pub text: Vec<u8>,
    /// (offset in `text` where a cut's replacement ends, bytes cut up to there).
    shifts: Vec<(usize, usize)>,
    /// Each function whose parameters were cut: the original offsets of its `func` and of
    /// its body's `{`, in order.
    headers: Vec<(usize, usize)>,
}

impl Masked {
    /// The offset in the original of `offset` in `text`. Declarations start and end
    /// outside what was cut, where this is exact.
    pub fn original(&self, offset: usize) -> usize {
        let i = self.shifts.partition_point(|&(at, _)| at <= offset);
        offset + i.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }

    /// The original text of the function declared at `func` (an original offset) up to its
    /// body, when its parameters were cut.
    pub fn header<'b>(&self, original: &'b [u8], func: usize) -> Option<&'b [u8]> {
        let i = self.headers.binary_search_by_key(&func, |h| h.0).ok()?;
        original.get(func..self.headers[i].1)
    }
}

/// What is cut: a body (`{` … `}` keeps its newlines) or a function's parameters and
/// results (name … `{` becomes `(`, its newlines, `)`, then the `{`).
#[derive(Clone, Copy)]
enum Cut {
    Body,
    Params,
}

/// The function header being read: where its `func` is, and where its name ends once seen.
struct Header {
    func: usize,
    name_end: Option<usize>,
}

/// `bytes` with the inside of each top-level function body cut down to its newlines, and
/// that function's parameters and results with it;
/// `None` when the lexer is unsure (unbalanced braces, an unterminated string or comment):
/// the caller parses the original then.
pub fn mask_bodies(bytes: &[u8]) -> Option<Masked> {
    let mut cuts: Vec<(usize, usize, Cut)> = Vec::new();
    let mut headers = Vec::new();
    let mut lex = Lexer { bytes, i: 0 };
    // Top level: `func` at a line start opens a header; the first `{` of the header that is
    // not a type's (`struct{`, `interface{`, inside parentheses or brackets) opens the body.
    let mut header: Option<Header> = None;
    let mut nesting = 0usize; // ( and [ in a header
    let mut braces = 0usize; // { } outside bodies: type literals, composite literals
    while let Some(token) = lex.next().ok()? {
        match token {
            Token::Word(start, end) => {
                if braces == 0
                    && nesting == 0
                    && &bytes[start..end] == b"func"
                    && at_line_start(bytes, start)
                {
                    header = Some(Header {
                        func: start,
                        name_end: None,
                    });
                } else if let Some(h) = header.as_mut().filter(|_| nesting == 0) {
                    // The first word outside the receiver's parentheses is the name.
                    h.name_end.get_or_insert(end);
                }
            }
            // Go puts the body's `{` on the header's last line: a header whose line ends at
            // the top level has no body (an assembly function).
            Token::Newline => {
                if nesting == 0 {
                    header = None;
                }
            }
            Token::Open(b'(' | b'[') => nesting += 1,
            Token::Close(b')' | b']') => nesting = nesting.checked_sub(1)?,
            Token::Open(_) => {
                let at = lex.i - 1;
                let body = header.is_some()
                    && nesting == 0
                    && braces == 0
                    && !after_keyword(bytes, at, b"struct")
                    && !after_keyword(bytes, at, b"interface");
                // Outside bodies, a block that runs over lines (a struct's fields, a
                // composite literal, a function literal) declares nothing either and leaves
                // every signature's first line alone; an interface's methods are
                // declarations and stay.
                let block = header.is_none()
                    && bytes.get(at + 1) == Some(&b'\n')
                    && !after_keyword(bytes, at, b"interface");
                if body || block {
                    let close = lex.skip_block()?;
                    if let Some(h) = header.take() {
                        let params = h.name_end.filter(|&n| {
                            matches!(bytes[n..at].trim_ascii_start().first(), Some(b'(' | b'['))
                        });
                        if let Some(n) = params {
                            cuts.push((n, at, Cut::Params));
                            headers.push((h.func, at));
                        }
                    }
                    cuts.push((at + 1, close, Cut::Body));
                } else {
                    braces += 1;
                }
            }
            Token::Close(_) => braces = braces.checked_sub(1)?,
        }
    }
    if nesting != 0 || braces != 0 {
        return None;
    }
    let mut text = Vec::with_capacity(bytes.len() / 2);
    let mut shifts = Vec::with_capacity(cuts.len());
    let mut copied = 0;
    let mut cut = 0;
    for (start, end, what) in cuts {
        text.extend_from_slice(&bytes[copied..start]);
        let gone = &bytes[start..end];
        let lines = memchr::memchr_iter(b'\n', gone).count();
        let kept = match what {
            Cut::Body => lines,
            Cut::Params => lines + 2,
        };
        if matches!(what, Cut::Params) {
            text.push(b'(');
        }
        text.resize(text.len() + lines, b'\n');
        if matches!(what, Cut::Params) {
            text.push(b')');
        }
        // `(` … `)` holds at least two bytes, so nothing is ever added.
        cut += gone.len() - kept;
        shifts.push((text.len(), cut));
        copied = end;
    }
    text.extend_from_slice(&bytes[copied..]);
    Some(Masked {
        text,
        shifts,
        headers,
    })
}

/// A file's declarations as `extract` finds them, read from the masked text when that is
/// safe. A file over the parse limit is left to `extract`, which says so.
pub fn declarations(bytes: &[u8]) -> crate::golang::FileDecls {
    let masked = (bytes.len() <= crate::golang::MAX_PARSE_BYTES)
        .then(|| mask_bodies(bytes))
        .flatten();
    let Some(m) = masked else {
        return crate::golang::extract(bytes);
    };
    let mut file = crate::golang::extract(&m.text);
    for d in &mut file.decls {
        d.start_byte = m.original(d.start_byte);
        d.end_byte = m.original(d.end_byte);
        if !matches!(d.kind, Kind::Func | Kind::Method) {
            continue;
        }
        if let Some(header) = m.header(bytes, d.start_byte) {
            d.signature = crate::golang::extract::func_signature(header);
        }
    }
    file
}

fn at_line_start(bytes: &[u8], i: usize) -> bool {
    i == 0 || bytes[i - 1] == b'\n'
}

/// The `{` at `at` follows the keyword `word` (`struct{`, `interface {`).
fn after_keyword(bytes: &[u8], at: usize, word: &[u8]) -> bool {
    let before = bytes[..at].trim_ascii_end();
    before.ends_with(word)
        && !before
            .iter()
            .rev()
            .nth(word.len())
            .is_some_and(|&b| b == b'_' || b.is_ascii_alphanumeric())
}

/// The lexer cannot tell where a comment or literal ends.
struct Unsure;

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
    /// The next word or bracket outside comments and literals; `Ok(None)` at the end,
    /// `Err` when a comment or literal never ends.
    fn next(&mut self) -> Result<Option<Token>, Unsure> {
        let b = self.bytes;
        while self.i < b.len() {
            let c = b[self.i];
            match c {
                b'/' if b.get(self.i + 1) == Some(&b'/') => {
                    self.i = memchr::memchr(b'\n', &b[self.i..]).map_or(b.len(), |n| self.i + n);
                }
                b'/' if b.get(self.i + 1) == Some(&b'*') => {
                    self.i =
                        memchr::memmem::find(&b[self.i + 2..], b"*/").ok_or(Unsure)? + self.i + 4;
                }
                b'\n' => {
                    self.i += 1;
                    return Ok(Some(Token::Newline));
                }
                b'"' | b'\'' => self.i = quoted_end(b, self.i, c).ok_or(Unsure)?,
                b'`' => self.i = memchr::memchr(b'`', &b[self.i + 1..]).ok_or(Unsure)? + self.i + 2,
                b'(' | b'[' | b'{' => {
                    self.i += 1;
                    return Ok(Some(Token::Open(c)));
                }
                b')' | b']' | b'}' => {
                    self.i += 1;
                    return Ok(Some(Token::Close(c)));
                }
                _ if c == b'_' || c.is_ascii_alphabetic() => {
                    let start = self.i;
                    while self.i < b.len()
                        && (b[self.i] == b'_' || b[self.i].is_ascii_alphanumeric())
                    {
                        self.i += 1;
                    }
                    return Ok(Some(Token::Word(start, self.i)));
                }
                _ => self.i += 1,
            }
        }
        Ok(None)
    }

    /// Past the `}` that closes the block just opened; its offset.
    fn skip_block(&mut self) -> Option<usize> {
        let mut depth = 1usize;
        loop {
            match self.next().ok()?? {
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
        String::from_utf8(mask_bodies(src.as_bytes()).expect("masks").text).unwrap()
    }

    /// The whole parse's declarations, and the masked parse's mapped back.
    fn both(src: &str) -> (Vec<crate::golang::Decl>, Vec<crate::golang::Decl>) {
        assert!(mask_bodies(src.as_bytes()).is_some());
        let whole = crate::golang::extract(src.as_bytes());
        (whole.decls, declarations(src.as_bytes()).decls)
    }

    #[test]
    fn bodies_are_blank_and_everything_keeps_its_place() {
        let src = "package a\n\n// Run runs.\nfunc (s *S) Run(x int) error {\n\tif x > 0 { return nil }\n\treturn f(\"}\")\n}\n\ntype T struct{ A int }\n";
        let out = masked(src);
        assert!(out.len() < src.len());
        assert_eq!(out.lines().count(), src.lines().count());
        assert!(out.contains("func (s *S) Run(){\n\n\n}\n"), "{out}");
        assert!(out.ends_with("\n}\n\ntype T struct{ A int }\n"), "{out}");
        let (whole, fast) = both(src);
        assert_eq!(whole, fast);
    }

    #[test]
    fn type_literals_in_a_header_are_not_bodies() {
        let src = "package a\nfunc F[T interface{ ~int }](x struct{ a int }) (interface{ M() }, map[string]struct{}) { return nil, nil }\nfunc G() func() { return nil }\n";
        let out = masked(src);
        assert_eq!(out, "package a\nfunc F(){}\nfunc G(){}\n");
        let (whole, fast) = both(src);
        assert_eq!(
            fast[0].signature,
            "func F[T interface{ ~int }](x struct{ a int }) (interface{ M() }, map[string]struct{})"
        );
        assert_eq!(whole, fast);
    }

    /// Parameters over several lines keep their newlines inside the parentheses, where Go
    /// inserts no semicolon; the signature is the original's.
    #[test]
    fn parameters_go_and_the_signature_is_read_from_the_original() {
        let src = "package a\n\n// Do sends.\nfunc (c *Client) Do(\n\tctx context.Context, // the call's\n\treq *Request,\n) (*Response, error) {\n\treturn nil, nil\n}\n\nfunc Stub(x int) int\n";
        let out = masked(src);
        assert!(out.contains("func (c *Client) Do(\n\n\n){\n\n}\n"), "{out}");
        assert!(out.ends_with("func Stub(x int) int\n"), "{out}");
        let (whole, fast) = both(src);
        assert_eq!(
            fast[0].signature,
            "func (c *Client) Do( ctx context.Context, // the call's req *Request, ) (*Response, error)"
        );
        assert_eq!(whole, fast);
    }

    #[test]
    fn braces_in_strings_runes_and_comments_do_not_count() {
        let src = "package a\nfunc F() {\n\ts := `}`\n\tr := '}'\n\t// }\n\t/* } */\n\t_ = \"\\\"}\"\n}\nvar X = 1\n";
        let out = masked(src);
        assert!(out.ends_with("\n}\nvar X = 1\n"), "{out}");
    }

    #[test]
    fn a_function_without_a_body_leaves_the_next_literal_alone() {
        let src = "package a\nfunc Add(x, y int) int\n\nvar V = T{A: 1}\n";
        assert_eq!(masked(src), src);
    }

    #[test]
    fn fields_and_literals_go_and_interface_methods_stay() {
        let src = "package a\n\n// T is.\ntype T struct {\n\t// A is.\n\tA int `json:\"a\"`\n}\n\ntype I interface {\n\tM(x int) error\n}\n\nvar table = map[string]int{\n\t\"a\": 1,\n}\n\nvar f = func() {\n\treturn\n}\n";
        let out = masked(src);
        assert!(out.contains("type T struct {\n\n\n}\n"), "{out}");
        assert!(
            out.contains("type I interface {\n\tM(x int) error\n}\n"),
            "{out}"
        );
        assert!(out.contains("var table = map[string]int{\n\n}\n"), "{out}");
        assert!(out.contains("var f = func() {\n\n}\n"), "{out}");
        let (whole, fast) = both(src);
        assert_eq!(whole.len(), 5, "T, I, I.M, table, f");
        assert_eq!(whole, fast);
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
        let (whole, fast) = both(src);
        assert_eq!(whole.len(), 4, "T, M, V, C");
        assert_eq!(whole, fast);
    }
}
