//! The HTML site of the version line (`guide --format html --line`) on the synthetic history
//! of tests/matrix.rs: the pages each release gets, and (with Debian's chromium) what a
//! reader sees once the site's script has run: the release selector, the search box and the
//! diff of two releases, with no console error.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::matrix::sched_history;
use crate::util::Workspace;

/// Two articles on the sched history: a Chinese title on the scheduler (its method
/// `ScheduleOne`, a renamed step, a removed one), and an informer article that matches
/// neither search.
const MAPPING: &str = "schema: 1
repos:
  sched: { url: https://github.com/acme/sched, pin: v1.4.0 }
components:
  scheduler: the scheduler
  informer: informers
articles:
  - id: sched-line
    title: kube-scheduler 调度流程分析
    url: https://example.com/sched
    written_for: v1.1
    era: dated
    components: [scheduler]
    repo: sched
    steps:
      - symbol: example.com/sched/sched.Run
        note: n
      - symbol: example.com/sched/sched.Scheduler.findNodesThatFitPod
        was: example.com/sched/sched.findNodesThatFit
        note: n
      - symbol: example.com/sched/sched.selectHost
        gone: { since: v1.3 }
        note: n
      - symbol: example.com/sched/sched.Scheduler.ScheduleOne
        note: n
  - id: informer-run
    title: Informer 机制解析
    url: https://example.com/informer
    written_for: v1.2
    era: dated
    components: [informer]
    repo: sched
    steps:
      - symbol: example.com/sched/sched.Run
        note: n
";

/// The site of both articles over v1.1 … v1.4, in `site/`.
fn generate() -> (Workspace, PathBuf) {
    let ws = sched_history();
    std::fs::write(ws.path("site.yaml"), MAPPING).unwrap();
    let out = ws
        .cmd()
        .env("K8S_STUDY_MAPPING", ws.path("site.yaml"))
        // Not in mapping order: each view is found by its article, not by its place.
        .args(["guide", "informer-run", "sched-line"])
        .args(["--format", "html", "--line", "--fetch", "-o"])
        .arg(ws.path("site"))
        .output()
        .unwrap();
    // selectHost is gone at the pin as the mapping says: shown unresolved, exit 1.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = ws.path("site");
    (ws, site)
}

fn read(site: &Path, name: &str) -> String {
    std::fs::read_to_string(site.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_release_has_its_own_pages_permalinks_and_step_states() {
    let (_ws, site) = generate();
    // The pin (v1.4.0) is the article's own page; the other releases get theirs.
    for name in [
        "index.html",
        "matrix.html",
        "site.js",
        "search-index.js",
        "sched-line.html",
        "sched-line.v1.1.html",
        "sched-line.v1.2.html",
        "sched-line.v1.3.html",
        "sched-line.step-2.html",
        "informer-run.v1.2.html",
    ] {
        assert!(site.join(name).is_file(), "{name} missing");
    }
    assert!(!site.join("sched-line.v1.4.html").exists());
    let v12 = read(&site, "sched-line.v1.2.html");
    // Permalinks at v1.2.0, under the name the step had there.
    assert!(
        v12.contains("https://github.com/acme/sched/blob/v1.2.0/sched/sched.go#L"),
        "{v12}"
    );
    assert!(!v12.contains("/blob/v1.4.0/"), "{v12}");
    assert!(
        v12.contains(
            "At v1.2: renamed, found as <code>example.com/sched/sched.findNodesThatFitPod</code>"
        ),
        "{v12}"
    );
    assert!(v12.contains("func findNodesThatFitPod() int"), "{v12}");
    // The selector: a plain link per release, the current one marked, the pin's page last.
    assert!(
        v12.contains("<li aria-current=\"page\">v1.2.0</li>"),
        "{v12}"
    );
    assert!(
        v12.contains("<a href=\"sched-line.v1.1.html\">v1.1.0 · article&#39;s era</a>"),
        "{v12}"
    );
    assert!(
        v12.contains("<a href=\"sched-line.html\">v1.4.0 · pin</a>"),
        "{v12}"
    );
    // selectHost exists until v1.2 and is missing at v1.3; ScheduleOne only since v1.3.
    let v13 = read(&site, "sched-line.v1.3.html");
    assert!(
        v13.contains("At v1.3: missing</span> · exists v1.1–v1.2"),
        "{v13}"
    );
    assert!(
        v12.contains("At v1.2: missing</span> · exists v1.3–v1.4"),
        "{v12}"
    );
    // The matrix: one row per article, a coloured cell that also says its state in words.
    let matrix = read(&site, "matrix.html");
    assert!(
        matrix.contains("<td class=\"cell-missing era\" title=\"3/4 · 1 renamed · 1 missing\"><a href=\"sched-line.v1.1.html\"><span aria-hidden=\"true\">2/4 1r 1✗</span><span class=\"sr\">3/4 · 1 renamed · 1 missing</span></a></td>"),
        "{matrix}"
    );
    assert!(matrix.contains("<th scope=\"row\">"), "{matrix}");
    // The step across releases: consecutive changes and era → pin, highlighted.
    let diff = read(&site, "sched-line.step-2.html");
    assert!(
        diff.contains("<caption>v1.1.0 → v1.2.0</caption>"),
        "{diff}"
    );
    assert!(
        diff.contains("<caption>v1.1.0 → v1.4.0</caption>"),
        "{diff}"
    );
    assert!(diff.contains("v1.3.0 → v1.4.0: unchanged"), "{diff}");
    assert!(
        diff.contains("<span class=\"hl-keyword\">func</span>"),
        "{diff}"
    );
    // The search index names the old names too, and nothing in it can close a script.
    let index = read(&site, "search-index.js");
    assert!(index.starts_with("// Generated by k8s-study"), "{index}");
    assert!(index.contains("sched.findNodesThatFit\""), "{index}");
    assert!(index.contains("调度"), "{index}");
    // Self-contained: no address a page would load from the network.
    for (name, text) in [("matrix", &matrix), ("v1.2", &v12), ("diff", &diff)] {
        assert!(!text.contains("src=\"http"), "{name}");
        assert!(
            !text.contains("<link rel=\"stylesheet\" href=\"http"),
            "{name}"
        );
    }
}

#[test]
fn the_line_flags_need_the_html_format() {
    let ws = sched_history();
    std::fs::write(ws.path("site.yaml"), MAPPING).unwrap();
    let out = ws
        .cmd()
        .env("K8S_STUDY_MAPPING", ws.path("site.yaml"))
        .args(["guide", "--format", "md", "--line", "-o"])
        .arg(ws.path("site"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("which --format html and --format mdbook show"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Debian's chromium, where `.ci/run` installs it.
fn chromium() -> PathBuf {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .expect("chromium is not installed: apt-get install chromium fonts-noto-cjk")
}

/// One browser and one tab, with every console error and uncaught exception recorded.
struct Page {
    _browser: headless_chrome::Browser,
    tab: Arc<headless_chrome::Tab>,
    errors: Arc<Mutex<Vec<String>>>,
}

impl Page {
    fn open() -> Self {
        use headless_chrome::protocol::cdp::Runtime::ConsoleAPICalledEventTypeOption;
        use headless_chrome::protocol::cdp::types::Event;
        let options = headless_chrome::LaunchOptions::default_builder()
            .path(Some(chromium()))
            .headless(true)
            // CI runs as root, where chromium refuses its sandbox.
            .sandbox(false)
            .window_size(Some((1280, 900)))
            .build()
            .unwrap();
        let browser = headless_chrome::Browser::new(options).unwrap();
        let tab = browser.new_tab().unwrap();
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&errors);
        tab.enable_log().unwrap();
        tab.enable_runtime().unwrap();
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let error = match event {
                Event::RuntimeConsoleAPICalled(e)
                    if e.params.Type == ConsoleAPICalledEventTypeOption::Error =>
                {
                    Some(format!("console.error: {:?}", e.params.args))
                }
                Event::RuntimeExceptionThrown(e) => {
                    let d = &e.params.exception_details;
                    Some(format!(
                        "{} at {}:{}",
                        d.text,
                        d.url.as_deref().unwrap_or_default(),
                        d.line_number
                    ))
                }
                Event::LogEntryAdded(e)
                    if e.params.entry.level
                        == headless_chrome::protocol::cdp::Log::LogEntryLevel::Error =>
                {
                    Some(format!("log: {}", e.params.entry.text))
                }
                _ => None,
            };
            if let Some(error) = error {
                sink.lock().unwrap().push(error);
            }
        }))
        .unwrap();
        Self {
            _browser: browser,
            tab,
            errors,
        }
    }

    fn goto(&self, file: &Path) {
        self.tab
            .navigate_to(&format!("file://{}", file.display()))
            .unwrap()
            .wait_until_navigated()
            .unwrap();
    }

    /// The value of a script expression, as JSON.
    fn eval(&self, js: &str) -> serde_json::Value {
        self.tab
            .evaluate(js, false)
            .unwrap()
            .value
            .unwrap_or(serde_json::Value::Null)
    }

    /// Waits until a script expression is true (the script runs after the page loads).
    fn wait_for(&self, js: &str) {
        for _ in 0..100 {
            if self.eval(js) == serde_json::Value::Bool(true) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("never true: {js}");
    }

    /// The fonts the browser drew the first `selector` element with: family and glyph count.
    fn fonts_of(&self, selector: &str) -> Vec<(String, f64)> {
        use headless_chrome::protocol::cdp::{CSS, DOM};
        self.tab
            .call_method(DOM::Enable {
                include_whitespace: None,
            })
            .unwrap();
        self.tab.call_method(CSS::Enable(None)).unwrap();
        let node_id = self.tab.find_element(selector).unwrap().node_id;
        self.tab
            .call_method(CSS::GetPlatformFontsForNode { node_id })
            .unwrap()
            .fonts
            .into_iter()
            .map(|f| (f.family_name, f.glyph_count))
            .collect()
    }

    /// The links of the search results after typing `query` in the box.
    fn search(&self, query: &str) -> Vec<String> {
        let box_ = self.tab.find_element("#search").unwrap();
        box_.click().unwrap();
        self.eval("document.getElementById('search').value = ''");
        self.tab.send_character(query).unwrap();
        self.eval("document.getElementById('search').dispatchEvent(new Event('input'))");
        let links = self.eval(
            "JSON.stringify([...document.querySelectorAll('#search-results a')].map(a => a.getAttribute('href')))",
        );
        serde_json::from_str(links.as_str().unwrap()).unwrap()
    }
}

#[test]
#[ignore = "needs Debian's chromium (`.ci/run` installs it and runs ignored tests)"]
fn in_a_browser_the_selector_search_and_diff_work_without_console_errors() {
    let (_ws, site) = generate();
    let page = Page::open();

    // The selector is shown, and choosing a release opens its page with its permalinks.
    page.goto(&site.join("sched-line.v1.2.html"));
    page.wait_for("!document.getElementById('release-select').hidden");
    page.eval(
        "(() => { const s = document.getElementById('release-select'); \
         s.value = 'sched-line.v1.3.html'; s.dispatchEvent(new Event('change')); })()",
    );
    page.wait_for("location.pathname.endsWith('/sched-line.v1.3.html')");
    page.wait_for("document.readyState === 'complete'");
    let shown = page.eval("document.getElementById('release-select').selectedOptions[0].text");
    assert_eq!(shown, "v1.3.0");
    let links =
        page.eval("JSON.stringify([...document.querySelectorAll('p.loc a')].map(a => a.href))");
    let links: Vec<String> = serde_json::from_str(links.as_str().unwrap()).unwrap();
    assert!(!links.is_empty());
    assert!(
        links.iter().all(|l| l.contains("/blob/v1.3.0/")),
        "{links:?}"
    );

    // Chinese without tofu: the title's Han glyphs come from a CJK font of the stack.
    page.goto(&site.join("sched-line.html"));
    let fonts = page.fonts_of("h1");
    let han = fonts
        .iter()
        .find(|(family, _)| family.contains("CJK"))
        .unwrap_or_else(|| panic!("no CJK font draws the title: {fonts:?}"));
    assert!(han.1 >= 6.0, "调度流程分析 is six glyphs: {fonts:?}");

    // One search box for titles (Chinese too), symbols and old names.
    page.goto(&site.join("index.html"));
    page.wait_for("!document.getElementById('search-form').hidden");
    assert_eq!(page.search("调度"), ["sched-line.html"]);
    assert_eq!(page.search("scheduleOne"), ["sched-line.html"]);
    assert_eq!(page.search("findNodesThatFit"), ["sched-line.html"]);
    let both = page.search("sched.Run");
    assert_eq!(both, ["informer-run.html", "sched-line.html"]);

    // The diff of two releases picked in the page: both sides, highlighted.
    page.goto(&site.join("sched-line.step-2.html"));
    page.wait_for("document.querySelectorAll('#diff-pick table.diff tbody tr').length > 0");
    let sides = page.eval(
        "JSON.stringify([...document.querySelectorAll('#diff-pick tr.chg')].map(tr => \
         [tr.children[1].textContent, tr.children[3].textContent]))",
    );
    let sides: Vec<(String, String)> = serde_json::from_str(sides.as_str().unwrap()).unwrap();
    assert!(
        sides.contains(&(
            "func findNodesThatFit() int {".to_string(),
            "func (s *Scheduler) findNodesThatFitPod() int {".to_string()
        )),
        "{sides:?}"
    );
    assert_eq!(
        page.eval("document.querySelectorAll('#diff-pick span.hl-keyword').length > 0"),
        true
    );
    page.eval(
        "(() => { const s = document.getElementById('diff-from'); s.value = '1'; \
         s.dispatchEvent(new Event('change')); })()",
    );
    let caption = page.eval("document.querySelector('#diff-pick caption').textContent");
    assert_eq!(caption, "v1.2.0 → v1.4.0");

    let errors = page.errors.lock().unwrap();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}
