//! Tests of the HTML site: escaping, highlighting, headings, the index and the flowchart.

use std::collections::BTreeMap;

use super::*;
use crate::guide::Excerpt;
use crate::item::{ItemRef, Kind as DeclKind, Language};
use crate::render::highlight::highlight_lines;

fn highlight_go(code: &str) -> String {
    highlight_lines(code, Language::Go).join("\n")
}

fn go(symbol: &str) -> ItemRef {
    crate::languages::parse(Language::Go, symbol).unwrap()
}

fn step(n: usize, symbol: &str) -> StepGuide {
    let code = format!(
        "func {}() {{\n\tprintln(\"hi\")\n}}",
        go(symbol).name().name
    );
    StepGuide {
        step: n,
        symbol: go(symbol),
        was: None,
        note: format!("note {n}"),
        status: Status::Found,
        reason: None,
        kind: Some(DeclKind::Func),
        signature: Some("func F()".to_string()),
        doc: Some("F does things.".to_string()),
        file: Some("pkg/f.go".to_string()),
        start_line: Some(10),
        end_line: Some(12),
        permalink: Some(
            "https://github.com/kubernetes/kubernetes/blob/v1.30.0/pkg/f.go#L10-L12".to_string(),
        ),
        excerpt: Some(Excerpt {
            text: code.clone(),
            elided_lines: 0,
            full: code,
            language: Language::Go,
        }),
        calls_steps: Vec::new(),
        calls_mapped: Vec::new(),
        calls: Vec::new(),
        since_article: None,
        era: None,
        gone: None,
        counterpart: None,
    }
}

fn guide(id: &str, component: &str, steps: Vec<StepGuide>) -> ArticleGuide {
    ArticleGuide {
        id: id.to_string(),
        title: format!("Title of {id}"),
        url: format!("https://example.com/{id}"),
        alt_urls: Vec::new(),
        author: "someone".to_string(),
        kind: Kind::Article,
        written_for: Some("v1.13".to_string()),
        era: None,
        era_unreachable: None,
        found: true,
        reason: None,
        entry_points: Vec::new(),
        components: vec![component.to_string()],
        repo: "kubernetes".to_string(),
        upstream: "https://github.com/kubernetes/kubernetes".to_string(),
        version: "v1.30.0".to_string(),
        commit: Some("0123456789abcdef0123".to_string()),
        steps,
    }
}

fn render(g: &ArticleGuide, lang: Lang) -> String {
    let mut buf = Vec::new();
    write_article(&mut buf, g, lang).unwrap();
    String::from_utf8(buf).unwrap()
}

#[test]
fn hostile_data_is_escaped_and_script_urls_are_not_links() {
    let mut s = step(1, "k8s.io/x.Evil");
    // Engines never make such a name; the renderer escapes it all the same.
    let hostile = "k8s.io/x.<script>Evil</script>";
    s.symbol = ItemRef::new(
        Language::Go,
        hostile,
        8,
        9,
        5,
        crate::item::QualName::plain("<script>Evil</script>"),
    );
    s.note = "<script>alert(1)</script>".to_string();
    s.doc = Some("<script>doc()</script>".to_string());
    s.signature = Some("func <script>()".to_string());
    s.permalink = Some("javascript:alert(1)".to_string());
    let code = "func F() {\n\ts := \"</code><script>alert(1)</script>\"\n}";
    s.excerpt = Some(Excerpt {
        text: code.to_string(),
        elided_lines: 0,
        full: code.to_string(),
        language: Language::Go,
    });
    s.was = Some("<script>old</script>".to_string());
    let mut g = guide("evil", "informer", vec![s, step(2, "k8s.io/x.G")]);
    g.title = "<script>title()</script>".to_string();
    g.url = " JavaScript:alert(1)".to_string();
    g.alt_urls = vec![
        "data:text/html,<script>x</script>".to_string(),
        "https://ok.example/a\"b".to_string(),
    ];
    g.author = "<img src=x onerror=alert(1)>".to_string();
    g.steps[0].calls_steps = vec![2];
    g.steps[0].calls = vec![call(2)];
    let html = render(&g, Lang::En);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;title()"), "{html}");
    assert!(
        html.contains("&lt;/code&gt;&lt;script&gt;"),
        "excerpt escaped: {html}"
    );
    let lower = html.to_ascii_lowercase();
    assert!(
        !lower.contains("href=\"javascript:") && !lower.contains("href=\" javascript:"),
        "{html}"
    );
    assert!(!lower.contains("href=\"data:"), "{html}");
    assert!(
        html.contains("href=\"https://ok.example/a&quot;b\""),
        "{html}"
    );
}

#[test]
fn excerpts_are_highlighted_with_classes() {
    let html = highlight_go("func F() string {\n\treturn \"hi\" // done\n}");
    assert!(
        html.contains("<span class=\"hl-keyword\">func</span>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"hl-string\">&quot;hi&quot;</span>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"hl-comment\">// done</span>"),
        "{html}"
    );
    assert!(html.contains("class=\"hl-type\""), "{html}");
    assert!(!html.ends_with('\n'));
    let page = render(
        &guide("a", "informer", vec![step(1, "k8s.io/x.F")]),
        Lang::En,
    );
    assert!(
        page.contains(
            "<pre class=\"code\"><code><span class=\"ln\">10</span><span class=\"hl-keyword\">func</span>"
        ),
        "{page}"
    );
}

#[test]
fn function_names_are_not_hidden_by_catch_all_patterns() {
    // tree-sitter-highlight lets the last matching pattern win; without reordering,
    // `@property` / `@variable` would colour these names instead.
    let html = highlight_go("func (f *T) Run() {\n\tf.lock.Lock()\n\tNew(f.x)\n}\nfunc New() {}");
    assert!(
        html.contains("<span class=\"hl-function-method\">Run</span>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"hl-function-method\">Lock</span>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"hl-function\">New</span>("),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"hl-property\">lock</span>"),
        "{html}"
    );
    assert!(html.contains("<span class=\"hl-type\">T</span>"), "{html}");
}

#[test]
fn rust_counterpart_excerpts_are_highlighted_with_line_numbers() {
    let mut s = step(1, "k8s.io/x.F");
    let code = "pub fn get(&self) -> Option<K> {\n    None\n}";
    s.counterpart = Some(crate::guide::CounterpartGuide {
        symbol: crate::languages::parse(
            Language::Rust,
            "kube_runtime::reflector::store::Store::get",
        )
        .unwrap(),
        repo: "kube".to_string(),
        upstream: "https://github.com/kube-rs/kube".to_string(),
        version: "1.0.0".to_string(),
        note: "A cache read.".to_string(),
        status: Status::Found,
        reason: None,
        kind: Some(DeclKind::Method),
        signature: Some("pub fn get(&self) -> Option<K>".to_string()),
        doc: None,
        file: Some("kube-runtime/src/reflector/store.rs".to_string()),
        start_line: Some(8),
        end_line: Some(10),
        permalink: None,
        excerpt: Some(Excerpt {
            text: code.to_string(),
            elided_lines: 0,
            full: code.to_string(),
            language: Language::Rust,
        }),
    });
    let page = render(&guide("a", "informer", vec![s]), Lang::En);
    let aside = &page[page.find("<aside class=\"counterpart\">").unwrap()..];
    assert!(
        aside.contains(
            "<pre class=\"code rust\"><code><span class=\"ln\">8</span><span class=\"hl-keyword\">pub</span> <span class=\"hl-keyword\">fn</span> <span class=\"hl-function\">get</span>"
        ),
        "{aside}"
    );
    assert!(aside.contains("<span class=\"ln\">10</span>}"), "{aside}");
}

#[test]
fn headings_split_package_and_name() {
    let heading = |lang, text| {
        let item = crate::languages::parse(lang, text).unwrap();
        let (package, name) = item.heading();
        (package.to_string(), name.to_string())
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        heading(Language::Go, "k8s.io/client-go/tools/cache.DeltaFIFO.Pop"),
        pair("k8s.io/client-go/tools/cache.", "DeltaFIFO.Pop")
    );
    assert_eq!(
        heading(Language::Go, "gopkg.in/yaml.v2.Unmarshal"),
        pair("gopkg.in/yaml.v2.", "Unmarshal")
    );
    assert_eq!(
        heading(Language::Go, "gopkg.in/yaml.v2.Decoder.Decode"),
        pair("gopkg.in/yaml.v2.", "Decoder.Decode")
    );
    assert_eq!(
        heading(Language::Rust, "kube_runtime::reflector::store::Store::get"),
        pair("kube_runtime::reflector::store::", "Store::get")
    );
    assert_eq!(
        heading(Language::Rust, "kube_runtime::watcher::watcher"),
        pair("kube_runtime::watcher::", "watcher")
    );
    assert_eq!(
        heading(Language::Rust, "kube_core::Resource::kind"),
        pair("kube_core::", "Resource::kind")
    );
}

#[test]
fn elided_excerpts_keep_their_elision_line() {
    let mut s = step(1, "k8s.io/x.F");
    let text = "func F() {\n\ta()\n\t// … 68 lines elided (lines 12–79) …\n\tb()\n}";
    s.excerpt = Some(Excerpt {
        text: text.to_string(),
        elided_lines: 68,
        full: String::new(),
        language: Language::Go,
    });
    let page = render(&guide("a", "informer", vec![s]), Lang::En);
    assert!(
        page.contains(
            "<span class=\"ln\">⋮</span><span class=\"elision\">\t<span class=\"hl-comment\">// … 68 lines elided (lines 12–79) …</span></span>"
        ),
        "{page}"
    );
    // Line numbers follow the file: 10, 11, the elision, then 80 and 81 (after 68 elided).
    let numbers: Vec<&str> = page
        .split("<span class=\"ln\">")
        .skip(1)
        .map(|rest| &rest[..rest.find('<').unwrap()])
        .collect();
    assert_eq!(numbers, ["10", "11", "⋮", "80", "81"]);
}

#[test]
fn unresolved_steps_show_their_reason() {
    let mut s = step(2, "k8s.io/x.Gone");
    s.status = Status::Missing;
    s.reason = Some("no declaration Gone in package x; did you mean Went?".to_string());
    s.excerpt = None;
    s.kind = None;
    s.signature = None;
    s.permalink = None;
    let mut z = s.clone();
    z.reason = None;
    let g = guide("a", "informer", vec![step(1, "k8s.io/x.F"), s]);
    let html = render(&g, Lang::En);
    assert!(
        html.contains("<article class=\"step unresolved\" id=\"step-2\">"),
        "{html}"
    );
    assert!(
        html.contains(
            "Unresolved (missing): </strong>no declaration Gone in package x; did you mean Went?"
        ),
        "{html}"
    );
    assert!(html.contains("class=\"box unresolved\""), "{html}");
    let zh = render(&guide("b", "informer", vec![z]), Lang::Zh);
    assert!(zh.contains("<html lang=\"zh\">"));
    assert!(zh.contains("未解析（未找到）：</strong>未记录原因"), "{zh}");
}

#[test]
fn renamed_steps_and_no_code_entries_are_explained() {
    let mut s = step(1, "k8s.io/x.New");
    s.was = Some("k8s.io/x.Old".to_string());
    let g = guide("a", "informer", vec![s]);
    let html = render(&g, Lang::En);
    assert!(
        html.contains("the article calls <code>k8s.io/x.Old</code>; at v1.30.0 it is <code>k8s.io/x.New</code>"),
        "{html}"
    );
    let mut n = guide("build", "informer", Vec::new());
    n.kind = Kind::NoCode;
    n.reason = Some("a build walkthrough".to_string());
    n.entry_points = vec!["make quick-release".to_string()];
    let html = render(&n, Lang::En);
    assert!(html.contains("a build walkthrough"), "{html}");
    assert!(html.contains("not Go symbols"), "{html}");
    assert!(html.contains("$ make quick-release"), "{html}");
    assert!(!html.contains("<svg"), "no flowchart without steps");
}

#[test]
fn index_groups_by_component_and_links_pages() {
    let mut inferred = guide("sched-1", "scheduler", vec![step(1, "k8s.io/s.Run")]);
    inferred.found = false;
    inferred.kind = Kind::Series;
    let guides = vec![
        guide(
            "inf-1",
            "informer",
            vec![step(1, "k8s.io/x.F"), step(2, "k8s.io/x.G")],
        ),
        inferred,
        guide("inf-2", "informer", Vec::new()),
        guide("stray", "unlisted", Vec::new()),
    ];
    let components: BTreeMap<String, String> = [
        ("informer".to_string(), "shared informers <&>".to_string()),
        ("scheduler".to_string(), "kube-scheduler".to_string()),
    ]
    .into();
    let files = site(&SiteInput {
        guides: &guides,
        components: &components,
        lang: Lang::En,
        line: &[],
    });
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "index.html",
            "style.css",
            "site.js",
            "search-index.js",
            "inf-1.html",
            "sched-1.html",
            "inf-2.html",
            "stray.html"
        ]
    );
    let index = String::from_utf8(files[0].1.clone()).unwrap();
    let pos = |s: &str| {
        index
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing in {index}"))
    };
    assert!(pos("<h2>informer</h2>") < pos("shared informers &lt;&amp;&gt;"));
    assert!(pos("shared informers") < pos("href=\"inf-1.html\""));
    assert!(pos("href=\"inf-1.html\"") < pos("href=\"inf-2.html\""));
    assert!(pos("href=\"inf-2.html\"") < pos("<h2>scheduler</h2>"));
    assert!(pos("<h2>scheduler</h2>") < pos("href=\"sched-1.html\""));
    assert!(pos("<h2>other</h2>") < pos("href=\"stray.html\""));
    assert!(index.contains("2 steps"), "{index}");
    assert_eq!(index.matches("path inferred</span>").count(), 1, "{index}");
    assert!(pos("href=\"sched-1.html\"") < pos("path inferred</span>"));
    assert!(index.contains("series · 1 step"), "{index}");
    // The search box is there for the script to show; nothing loads from the network.
    assert!(index.contains("<form class=\"search\" role=\"search\" id=\"search-form\" hidden>"));
    assert!(index.contains("<script src=\"search-index.js\" defer></script>"));
    assert!(!index.contains("src=\"http"), "{index}");
}

#[test]
fn the_search_index_is_a_script_no_title_can_break_out_of() {
    let mut g = guide("evil", "informer", vec![step(1, "k8s.io/x.F")]);
    g.title = "调度 </script><script>alert(1)</script>".to_string();
    g.steps[0].was = Some("k8s.io/x.OldF".to_string());
    let components = BTreeMap::new();
    let files = site(&SiteInput {
        guides: std::slice::from_ref(&g),
        components: &components,
        lang: Lang::En,
        line: &[],
    });
    let (_, js) = files
        .iter()
        .find(|(n, _)| n == "search-index.js")
        .expect("search-index.js");
    let js = String::from_utf8(js.clone()).unwrap();
    assert!(!js.contains('<'), "{js}");
    let json = js
        .split_once("window.K8S_STUDY_SEARCH = ")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(';'))
        .expect("one assignment");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v[0]["title"], g.title);
    assert_eq!(v[0]["page"], "evil.html");
    assert_eq!(v[0]["symbols"][0], "k8s.io/x.F");
    assert_eq!(v[0]["was"][0], "k8s.io/x.OldF");
    assert_eq!(v[0]["components"][0], "informer");
}

#[test]
fn page_names_cannot_leave_the_folder() {
    assert_eq!(page_name("../../etc/passwd"), "-..-etc-passwd.html");
    assert_eq!(page_name("index"), "article-index.html");
    assert_eq!(page_name("javascript:x"), "javascript-x.html");
}

#[test]
fn flowchart_has_a_box_per_step_and_a_path_per_call_edge() {
    let mut steps: Vec<StepGuide> = (1..=5)
        .map(|n| step(n, &format!("k8s.io/x.F{n}")))
        .collect();
    steps[0].calls = vec![call(2), call(4)];
    steps[3].calls = vec![call(1)];
    steps[4].calls = vec![call(9), call(5)]; // out of range and self: no edge
    steps[2].status = Status::Ambiguous;
    let mut svg = Vec::new();
    flowchart::flowchart(&mut svg, &steps).unwrap();
    let svg = String::from_utf8(svg).unwrap();
    assert_eq!(svg.matches("<rect class=\"box").count(), 5, "{svg}");
    assert_eq!(svg.matches("<path class=\"call\"").count(), 3, "{svg}");
    assert_eq!(svg.matches("<line class=\"next\"").count(), 4, "{svg}");
    assert!(svg.contains(">1. x.F1</text>"), "{svg}");
    assert!(svg.contains("href=\"#step-4\""), "{svg}");
    let page = render(&guide("a", "informer", steps), Lang::En);
    assert!(page.contains("<strong>Calls next</strong>: <a href=\"#step-2\">2. x.F2</a>, <a href=\"#step-4\">4. x.F4</a>"), "{page}");
    assert!(
        page.contains("Calls are resolved by type from the source"),
        "{page}"
    );
    assert!(!page.contains("matched by name"), "{page}");
}

/// A direct call of step `n`.
fn call(n: usize) -> crate::guide::StepCall {
    crate::guide::StepCall {
        symbol: format!("k8s.io/x.F{n}"),
        step: Some(n),
        kind: crate::item::EdgeKind::Direct,
        may_dispatch_to: Vec::new(),
    }
}

#[test]
fn interface_calls_show_where_they_may_dispatch_and_runs_edges_are_labelled() {
    let mut steps: Vec<StepGuide> = (1..=3)
        .map(|n| step(n, &format!("k8s.io/x.T{n}.Run")))
        .collect();
    steps[0].calls = vec![
        crate::guide::StepCall {
            symbol: "k8s.io/x.Runner.Run".into(),
            step: None,
            kind: crate::item::EdgeKind::Interface,
            may_dispatch_to: vec![crate::guide::Dispatch {
                symbol: steps[2].symbol.clone(),
                step: Some(3),
            }],
        },
        crate::guide::StepCall {
            symbol: "k8s.io/x.T2.Run".into(),
            step: Some(2),
            kind: crate::item::EdgeKind::Runs,
            may_dispatch_to: Vec::new(),
        },
    ];
    let page = render(&guide("a", "informer", steps.clone()), Lang::En);
    assert!(
        page.contains("<code>k8s.io/x.Runner.Run</code> <span class=\"edge\">(interface; may dispatch to <a href=\"#step-3\">3. x.T3.Run</a>)</span>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"#step-2\">2. x.T2.Run</a> <span class=\"edge\">(runs)</span>"),
        "{page}"
    );
    let mut svg = Vec::new();
    flowchart::flowchart(&mut svg, &steps).unwrap();
    let svg = String::from_utf8(svg).unwrap();
    assert_eq!(svg.matches("<path class=\"call\"").count(), 2, "{svg}");
}

/// A line of two releases (v1.29, the pin v1.30) for one article whose body at v1.29 holds
/// markup that must not escape: the pages of the line and the diff's embedded bodies.
#[test]
fn the_line_pages_escape_what_they_embed() {
    use crate::guide::line::SiteLine;
    use crate::matrix::{ArticleLine, Cell, Column, RepoLine, State, StepLine};
    let pin = guide("evil", "informer", vec![step(1, "k8s.io/x.F")]);
    let mut old = pin.clone();
    old.version = "v1.29.0".to_string();
    let code = "func F() {\n\ts := \"</script><script>alert(1)</script>\"\n}";
    old.steps[0].excerpt = Some(Excerpt {
        text: code.to_string(),
        elided_lines: 0,
        full: code.to_string(),
        language: Language::Go,
    });
    let column = |minor: &str, version: &str| Column {
        minor: minor.to_string(),
        version: Some(version.to_string()),
        unread: None,
    };
    let cell = Cell {
        found: 0,
        renamed: 1,
        missing: 0,
        unread: 0,
        steps: 1,
    };
    let line = SiteLine {
        repos: vec![RepoLine {
            repo: "kubernetes".to_string(),
            pin: "v1.30.0".to_string(),
            columns: vec![column("v1.29", "v1.29.0"), column("v1.30", "v1.30.0")],
            articles: vec![ArticleLine {
                id: "evil".to_string(),
                title: "<b>t</b>".to_string(),
                era: Some("v1.29".to_string()),
                cells: vec![cell.clone(), cell],
            }],
            steps: vec![StepLine {
                article: "evil".to_string(),
                step: 1,
                symbol: "k8s.io/x.F".to_string(),
                states: vec![State::Renamed, State::Found],
                names: vec![Some("k8s.io/x.<i>Old</i>".to_string()), None],
                since: Some("v1.29".to_string()),
                until: Some("v1.30".to_string()),
            }],
        }],
        views: vec![vec![Some(vec![old]), None]],
    };
    let components = BTreeMap::new();
    let files = site_with_line(
        &SiteInput {
            guides: std::slice::from_ref(&pin),
            components: &components,
            lang: Lang::En,
            line: &line.repos,
        },
        &line,
    );
    let page = |name: &str| {
        let (_, bytes) = files
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {name}"));
        String::from_utf8(bytes.clone()).unwrap()
    };
    let view = page("evil.v1.29.html");
    assert!(
        view.contains("found as <code>k8s.io/x.&lt;i&gt;Old&lt;/i&gt;</code>"),
        "{view}"
    );
    assert!(
        view.contains("&lt;/script&gt;&lt;script&gt;alert(1)"),
        "{view}"
    );
    let diff = page("evil.step-1.html");
    // Our two script tags and the JSON block; nothing from the body closes or opens one.
    assert_eq!(diff.matches("<script").count(), 3, "{diff}");
    assert_eq!(diff.matches("</script>").count(), 3, "{diff}");
    assert!(
        diff.contains("\\u003c/script>\\u003cscript>alert(1)"),
        "{diff}"
    );
    let matrix = page("matrix.html");
    assert!(
        matrix.contains("title=\"&lt;b&gt;t&lt;/b&gt;\""),
        "{matrix}"
    );
    assert!(!matrix.contains("<b>"), "{matrix}");
}
