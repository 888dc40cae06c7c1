//! What a saved article says about code, in reading order: GitHub blob links, `path:line`
//! markers, Go identifiers from code blocks and inline code, and the versions it states.
//!
//! HTML (as a browser saves a CSDN or cnblogs page) is parsed with html5ever through
//! `scraper`; Markdown (`GitBook`, Hugo sources) with `pulldown-cmark`. Both become the same
//! stream of [`Piece`]s, so everything after this module is format-blind. Code blocks are
//! parsed with tree-sitter-go (function headers with their receivers, calls with their
//! qualifiers); a fragment that is only a function body is parsed again wrapped in one.

use std::collections::HashSet;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use scraper::{ElementRef, Html, Node};

use crate::golang::{calls, extract};
use crate::item::Kind;

/// One piece of the article, in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// The text of a link target.
    Link(String),
    /// A code block.
    Code(String),
    /// Inline code.
    Inline(String),
    /// Running text.
    Text(String),
}

/// A place in the code the article points at, in the order it first does.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mention {
    /// `github.com/OWNER/REPO/blob/REF/PATH#L10-L20`.
    Blob {
        repo: String,
        git_ref: String,
        path: String,
        line: Option<usize>,
    },
    /// `pkg/scheduler/scheduler.go:429` in text or code.
    FileLine { path: String, line: usize },
    /// A Go name: `Name`, `Receiver.Name` (a method header), or `qualifier.Name` (a call or a
    /// dotted name in inline code, where the qualifier may be a package or a type).
    Name {
        name: String,
        receiver: Option<String>,
        qualifier: Option<String>,
        /// Declared in a code block (a header), not only called or named.
        declared: bool,
    },
}

/// What [`read`] found.
#[derive(Debug, Default)]
pub struct Extracted {
    pub title: Option<String>,
    pub mentions: Vec<Mention>,
    /// Versions stated in the text (`基于 v1.13`, `Kubernetes 1.18`), in order.
    pub stated_versions: Vec<String>,
    /// Import aliases of the code blocks' import declarations: `utilsysctl` →
    /// `k8s.io/kubernetes/pkg/util/sysctl` (a plain import's name is its last element).
    pub imports: std::collections::BTreeMap<String, String>,
    /// Every lowercase word of the text and code, to tell `ipvs.Proxier` from
    /// `iptables.Proxier` when the article names one of them.
    pub words: HashSet<String>,
}

/// Is this saved page HTML (rather than Markdown)?
pub fn looks_like_html(text: &str) -> bool {
    let head = text
        .trim_start()
        .get(..512.min(text.trim_start().len()))
        .unwrap_or("");
    let head = head.to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<head")
}

/// Read an article: HTML or Markdown.
pub fn read(text: &str) -> Extracted {
    let (title, pieces) = if looks_like_html(text) {
        html_pieces(text)
    } else {
        markdown_pieces(text)
    };
    let mut out = Extracted {
        title,
        ..Extracted::default()
    };
    let mut seen = HashSet::new();
    let mut push = |m: Mention, out: &mut Extracted| {
        if seen.insert(m.clone()) {
            out.mentions.push(m);
        }
    };
    for piece in pieces {
        match piece {
            Piece::Link(href) => {
                if let Some(m) = blob_link(&href) {
                    push(m, &mut out);
                }
            }
            Piece::Code(code) => {
                out.imports.extend(imports(&code));
                words(&code, &mut out.words);
                for m in file_lines(&code).into_iter().chain(code_names(&code)) {
                    push(m, &mut out);
                }
            }
            Piece::Inline(code) => {
                for m in file_lines(&code).into_iter().chain(inline_name(&code)) {
                    push(m, &mut out);
                }
            }
            Piece::Text(text) => {
                words(&text, &mut out.words);
                out.stated_versions.extend(stated_versions(&text));
                for m in file_lines(&text) {
                    push(m, &mut out);
                }
            }
        }
    }
    out
}

fn html_pieces(text: &str) -> (Option<String>, Vec<Piece>) {
    let doc = Html::parse_document(text);
    let title = doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "title" || e.value().name() == "h1")
        .map(|e| e.text().collect::<String>().trim().to_string())
        .filter(|t| !t.is_empty());
    let mut pieces = Vec::new();
    walk_html(doc.root_element(), &mut pieces);
    (title, pieces)
}

/// Document order, with a code block taken whole (its highlighting spans and line-number
/// gutters are text of the block, not pieces of their own).
fn walk_html(root: ElementRef<'_>, pieces: &mut Vec<Piece>) {
    let mut stack = vec![*root];
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Element(e) => {
                let name = e.name();
                if matches!(name, "script" | "style" | "noscript" | "head") {
                    continue;
                }
                if name == "a"
                    && let Some(href) = e.attr("href")
                {
                    pieces.push(Piece::Link(href.to_string()));
                }
                if name == "pre" || (name == "code" && inside_pre(node)) {
                    let element = ElementRef::wrap(node).expect("an element");
                    // CSDN gutters: `<ul class="pre-numbering">` inside `<pre>`.
                    let code: String = element
                        .descendants()
                        .filter(|n| !n.ancestors().any(is_gutter))
                        .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
                        .collect();
                    pieces.push(Piece::Code(code));
                    continue;
                }
                if name == "code" {
                    let element = ElementRef::wrap(node).expect("an element");
                    pieces.push(Piece::Inline(element.text().collect()));
                    continue;
                }
                // Children in document order: pushed reversed onto the stack.
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev());
            }
            Node::Text(t) => pieces.push(Piece::Text(t.to_string())),
            _ => stack.extend(node.children().collect::<Vec<_>>().into_iter().rev()),
        }
    }
}

fn inside_pre(node: ego_tree::NodeRef<'_, Node>) -> bool {
    node.ancestors()
        .any(|a| a.value().as_element().is_some_and(|e| e.name() == "pre"))
}

fn is_gutter(node: ego_tree::NodeRef<'_, Node>) -> bool {
    node.value().as_element().is_some_and(|e| {
        e.classes()
            .any(|c| c.contains("numbering") || c.contains("line-numbers") || c == "gutter")
    })
}

fn markdown_pieces(text: &str) -> (Option<String>, Vec<Piece>) {
    let mut pieces = Vec::new();
    let mut title: Option<String> = front_matter_title(text);
    let mut in_code: Option<String> = None;
    let mut in_h1 = false;
    let mut h1 = String::new();
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(code) = in_code.take() {
                    pieces.push(Piece::Code(code));
                }
            }
            Event::Start(Tag::Heading {
                level: pulldown_cmark::HeadingLevel::H1,
                ..
            }) => in_h1 = true,
            Event::End(TagEnd::Heading(_)) if in_h1 => {
                in_h1 = false;
                if title.is_none() && !h1.trim().is_empty() {
                    title = Some(h1.trim().to_string());
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                pieces.push(Piece::Link(dest_url.to_string()));
            }
            Event::Text(t) => {
                if let Some(code) = &mut in_code {
                    code.push_str(&t);
                } else {
                    if in_h1 {
                        h1.push_str(&t);
                    }
                    pieces.push(Piece::Text(t.to_string()));
                }
            }
            Event::Code(c) => pieces.push(Piece::Inline(c.to_string())),
            Event::Html(h) | Event::InlineHtml(h) => {
                // Links written as raw HTML in Markdown (`<a href="…">`).
                let (_, inner) = html_pieces(&h);
                pieces.extend(inner.into_iter().filter(|p| matches!(p, Piece::Link(_))));
            }
            _ => {}
        }
    }
    (title, pieces)
}

/// `title: "…"` of a Hugo or Jekyll front matter.
fn front_matter_title(text: &str) -> Option<String> {
    let body = text.strip_prefix("---\n")?;
    let end = body.find("\n---")?;
    body[..end].lines().find_map(|l| {
        l.strip_prefix("title:")
            .map(|t| t.trim().trim_matches('"').trim_matches('\'').to_string())
            .filter(|t| !t.is_empty())
    })
}

/// The name a package is imported under: its last element, or the one before a major
/// version suffix (`k8s.io/klog/v2` is `klog`).
fn package_name(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let last = parts.next().unwrap_or(path);
    let major = last
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    match (major, parts.next()) {
        (true, Some(before)) => before.to_string(),
        _ => last.to_string(),
    }
}

fn words(text: &str, into: &mut HashSet<String>) {
    for w in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if w.len() >= 3 {
            into.insert(w.to_ascii_lowercase());
        }
    }
}

/// The import declarations of a Go code block: alias (or last path element) → import path.
/// A line scan, since the block is often a fragment tree-sitter cannot place: `import "p"`,
/// `import a "p"`, and the lines of `import ( … )`.
fn imports(code: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in code.lines().map(str::trim) {
        let spec = if in_block {
            if line.starts_with(')') {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("import") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        let spec = spec.split("//").next().unwrap_or("").trim();
        let (alias, quoted) = match spec.split_once(char::is_whitespace) {
            Some((a, q)) => (Some(a), q.trim()),
            None => (None, spec),
        };
        let Some(path) = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')) else {
            continue;
        };
        let name = match alias {
            Some("_" | ".") => continue,
            Some(a) => a.to_string(),
            None => package_name(path),
        };
        if is_go_identifier(&name) && path.contains('.') {
            out.push((name, path.to_string()));
        }
    }
    out
}

/// `https://github.com/OWNER/REPO/blob/REF/PATH#L10-L20` (also `/tree/` folders, which name
/// no line and no file).
pub fn blob_link(href: &str) -> Option<Mention> {
    let rest = href
        .strip_prefix("https://github.com/")
        .or_else(|| href.strip_prefix("http://github.com/"))?;
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let mut parts = rest.splitn(5, '/');
    let owner = parts.next()?;
    let name = parts.next()?;
    if parts.next()? != "blob" {
        return None;
    }
    let git_ref = parts.next()?;
    let path = parts.next()?.split('?').next()?;
    let go_file = std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("go"));
    if !go_file || owner.is_empty() || name.is_empty() || git_ref.is_empty() {
        return None;
    }
    let line = fragment
        .strip_prefix('L')
        .and_then(|l| l.split('-').next())
        .and_then(|l| l.parse().ok());
    Some(Mention::Blob {
        repo: format!("{owner}/{name}"),
        git_ref: git_ref.to_string(),
        path: path.to_string(),
        line,
    })
}

/// `some/dir/file.go:123` markers (`GitBook` source-reading books write them above code).
fn file_lines(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(".go:") {
        let start = text[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "/_.-".contains(c)))
            .map_or(0, |i| i + 1);
        let path = &text[start..at + 3];
        let digits: String = text[at + 4..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if path.contains('/')
            && !path.starts_with('/')
            && !path.contains("..")
            && let Ok(line) = digits.parse()
        {
            out.push(Mention::FileLine {
                path: path.to_string(),
                line,
            });
        }
    }
    out
}

/// Function headers (with receivers) and calls of a Go code block, headers first in source
/// order, then calls in the order they first appear.
fn code_names(code: &str) -> Vec<Mention> {
    let bytes = code.as_bytes();
    let mut out: Vec<(usize, Mention)> = Vec::new();
    for d in extract(bytes).decls {
        if !matches!(
            d.kind,
            Kind::Func | Kind::Method | Kind::Struct | Kind::Interface | Kind::Type
        ) {
            continue;
        }
        out.push((
            d.start_byte,
            Mention::Name {
                name: d.name.name.clone(),
                receiver: d.name.receiver.clone(),
                qualifier: None,
                declared: true,
            },
        ));
    }
    let wrapped = format!("package p\nfunc _() {{\n{code}\n}}\n");
    let mut seen_calls = HashSet::new();
    for c in calls(bytes).into_iter().chain(calls(wrapped.as_bytes())) {
        if !seen_calls.insert((c.name.clone(), c.qualifier.clone())) {
            continue;
        }
        let spelled = match &c.qualifier {
            Some(q) => format!("{q}.{}(", c.name),
            None => format!("{}(", c.name),
        };
        let at = code.find(&spelled).unwrap_or(usize::MAX);
        out.push((
            at,
            Mention::Name {
                name: c.name,
                receiver: None,
                qualifier: c.qualifier,
                declared: false,
            },
        ));
    }
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, m)| m).collect()
}

/// `Scheduler.scheduleOne`, `sharedIndexInformer.Run()`, `NewSharedIndexInformer`,
/// `cache.NewReflector(...)`: a dotted Go name in inline code.
fn inline_name(code: &str) -> Option<Mention> {
    let code = code.trim().trim_start_matches('*').trim_start_matches('&');
    let code = code.split('(').next()?.trim();
    let parts: Vec<&str> = code.split('.').collect();
    if parts.is_empty() || parts.len() > 2 || !parts.iter().all(|p| is_go_identifier(p)) {
        return None;
    }
    let (qualifier, name) = match parts.as_slice() {
        [name] => (None, *name),
        [q, name] => (Some((*q).to_string()), *name),
        _ => return None,
    };
    Some(Mention::Name {
        name: name.to_string(),
        receiver: None,
        qualifier,
        declared: false,
    })
}

fn is_go_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Versions the text states: `v1.13`, `v1.13.2` anywhere; a bare `1.18` only right after
/// `kubernetes`, `k8s`, `版本`, `基于` or `version`.
pub fn stated_versions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = text.to_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let with_v =
            bytes[i] == b'v' && bytes.get(i + 1) == Some(&b'1') && bytes.get(i + 2) == Some(&b'.');
        let bare = bytes[i] == b'1'
            && bytes.get(i + 1) == Some(&b'.')
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'.')
            && {
                let before = lower[..i].trim_end();
                ["kubernetes", "k8s", "版本", "基于", "version", "release"]
                    .iter()
                    .any(|w| before.ends_with(w))
            };
        let word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if (with_v && word_start) || bare {
            let start = if with_v { i + 1 } else { i };
            let digits: String = lower[start..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let digits = digits.trim_end_matches('.');
            let fields: Vec<&str> = digits.split('.').collect();
            if (2..=3).contains(&fields.len())
                && fields.iter().all(|f| !f.is_empty() && f.len() <= 2)
                && fields[1]
                    .parse::<u32>()
                    .is_ok_and(|m| (1..=60).contains(&m))
            {
                out.push(format!("v{digits}"));
            }
            i = start + digits.len().max(1);
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_links_name_repo_ref_path_and_line() {
        assert_eq!(
            blob_link(
                "https://github.com/kubernetes/kubernetes/blob/v1.13.0/pkg/scheduler/scheduler.go#L254-L300"
            ),
            Some(Mention::Blob {
                repo: "kubernetes/kubernetes".into(),
                git_ref: "v1.13.0".into(),
                path: "pkg/scheduler/scheduler.go".into(),
                line: Some(254),
            })
        );
        assert_eq!(
            blob_link("https://github.com/kubernetes/kubernetes/tree/master/pkg"),
            None
        );
        assert_eq!(
            blob_link("https://github.com/a/b/blob/main/README.md"),
            None
        );
        assert_eq!(blob_link("https://example.com/a/b/blob/v1/x.go"), None);
    }

    #[test]
    fn import_aliases_of_code_blocks() {
        let code = "import (\n\t\"fmt\"\n\tutilsysctl \"k8s.io/kubernetes/pkg/util/sysctl\"\n\t\"k8s.io/client-go/tools/cache\" // informers\n\t_ \"net/http/pprof\"\n)\nimport klog \"k8s.io/klog/v2\"\n";
        assert_eq!(
            imports(code),
            [
                (
                    "utilsysctl".to_string(),
                    "k8s.io/kubernetes/pkg/util/sysctl".to_string()
                ),
                ("cache".into(), "k8s.io/client-go/tools/cache".into()),
                ("klog".into(), "k8s.io/klog/v2".into()),
            ]
        );
    }

    #[test]
    fn versions_stated_in_chinese_and_english() {
        assert_eq!(stated_versions("本文基于 v1.13 版本的代码"), ["v1.13"]);
        assert_eq!(
            stated_versions("based on Kubernetes 1.18.2, not 3.14"),
            ["v1.18.2"]
        );
        assert_eq!(stated_versions("k8s版本 1.9"), ["v1.9"]);
        assert!(stated_versions("go1.13 and 1.5 seconds, ipv1.2x").is_empty());
    }

    #[test]
    fn markdown_gives_headers_calls_inline_names_and_markers() {
        let md = "---\ntitle: \"调度器\"\n---\n\n基于 v1.13。`Scheduler.scheduleOne` 是入口。\n\npkg/scheduler/scheduler.go:254\n\n```go\nfunc (sched *Scheduler) scheduleOne() {\n\tpod := sched.config.NextPod()\n\tsuggestedHost, err := sched.schedule(pod)\n\tklog.Errorf(\"x\")\n}\n```\n\n[link](https://github.com/kubernetes/kubernetes/blob/v1.13.0/pkg/scheduler/core/generic_scheduler.go#L10)\n";
        let x = read(md);
        assert_eq!(x.title.as_deref(), Some("调度器"));
        assert_eq!(x.stated_versions, ["v1.13"]);
        let names: Vec<String> = x
            .mentions
            .iter()
            .map(|m| match m {
                Mention::Name {
                    name,
                    receiver,
                    qualifier,
                    ..
                } => format!(
                    "{}{}{name}",
                    receiver
                        .as_deref()
                        .map(|r| format!("{r}#"))
                        .unwrap_or_default(),
                    qualifier
                        .as_deref()
                        .map(|q| format!("{q}."))
                        .unwrap_or_default()
                ),
                Mention::FileLine { path, line } => format!("{path}:{line}"),
                Mention::Blob { path, line, .. } => format!("blob {path}#{line:?}"),
            })
            .collect();
        assert_eq!(
            names,
            [
                "Scheduler.scheduleOne",
                "pkg/scheduler/scheduler.go:254",
                "Scheduler#scheduleOne",
                "NextPod",
                "sched.schedule",
                "klog.Errorf",
                "blob pkg/scheduler/core/generic_scheduler.go#Some(10)",
            ]
        );
    }

    #[test]
    fn saved_html_with_highlighting_and_gutters() {
        let html = r#"<!DOCTYPE html><html><head><title>client-go Informer分析</title><script>var x = "NotThis()";</script></head>
<body><p>本文基于 kubernetes 1.12，入口是 <code>NewSharedIndexInformer</code>。</p>
<pre class="prettyprint"><code class="language-go"><span class="hljs-keyword">func</span> (s *sharedIndexInformer) Run(stopCh &lt;-<span>chan</span> <span>struct</span>{}) {
	fifo := NewDeltaFIFO(MetaNamespaceKeyFunc, s.indexer)
}</code><ul class="pre-numbering"><li>1</li><li>2</li></ul></pre>
<a href="https://github.com/kubernetes/client-go/blob/v9.0.0/tools/cache/reflector.go#L239">reflector</a>
</body></html>"#;
        let x = read(html);
        assert_eq!(x.title.as_deref(), Some("client-go Informer分析"));
        assert_eq!(x.stated_versions, ["v1.12"]);
        let kinds: Vec<String> = x
            .mentions
            .iter()
            .map(|m| match m {
                Mention::Name {
                    name,
                    receiver: Some(r),
                    ..
                } => format!("{r}.{name}"),
                Mention::Name { name, .. } => name.clone(),
                Mention::Blob { path, .. } | Mention::FileLine { path, .. } => path.clone(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "NewSharedIndexInformer",
                "sharedIndexInformer.Run",
                "NewDeltaFIFO",
                "tools/cache/reflector.go"
            ]
        );
    }
}
