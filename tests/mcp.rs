//! `k8s-study mcp` driven over stdio by raw JSON-RPC frames, the way an assistant's client
//! talks to it: the handshake, the tool list, every tool, bad arguments, input that is not
//! JSON, a huge line, and 200 calls in a row with stable memory. The repos are the
//! workspace's git repositories (tests/util.rs).

// Requests are built inline with `json!` at every call site; taking them by value reads best.
#![allow(clippy::needless_pass_by_value)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::util::Workspace;

/// A running server and the lines it writes, read on a thread so a silent server fails
/// the test instead of hanging it.
struct Client {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    next_id: u64,
}

impl Client {
    fn start(ws: &Workspace) -> Self {
        Self::start_with(ws, &[])
    }

    /// The server with some of the workspace's environment replaced.
    fn start_with(ws: &Workspace, env: &[(&str, String)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_k8s-study"))
            .arg("mcp")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("K8S_STUDY_CACHE", ws.path("cache"))
            .env("K8S_STUDY_MIRROR", ws.mirror_base())
            .env("K8S_STUDY_NO_BUILTIN", "1")
            .env("K8S_STUDY_MAPPING", ws.path("mapping.yaml"))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut client = Self {
            child,
            stdin,
            lines,
            next_id: 0,
        };
        let init = client.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "k8s-study-tests", "version": "0"}
            }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "k8s-study", "{init}");
        assert!(
            init["result"]["capabilities"]["tools"].is_object(),
            "{init}"
        );
        client.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        client
    }

    fn send(&mut self, message: &Value) {
        self.send_raw(&message.to_string());
    }

    fn send_raw(&mut self, line: &str) {
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next message the server writes, within 60 s.
    fn receive(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answered within 60 s");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    /// Send a request and return the response with its id (notifications are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message["id"] == id {
                return message;
            }
        }
    }

    /// Call a tool: `Ok(text)` for a result, `Err(text)` for a tool error.
    fn call(&mut self, tool: &str, arguments: Value) -> Result<String, String> {
        let response = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        let result = &response["result"];
        assert!(result.is_object(), "not a tool result: {response}");
        let text = result["content"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if result["isError"] == true {
            Err(text)
        } else {
            Ok(text)
        }
    }

    fn call_json(&mut self, tool: &str, arguments: Value) -> Value {
        let text = self
            .call(tool, arguments)
            .unwrap_or_else(|e| panic!("{tool} failed: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const ADD: &str = "github.com/acme/widgets/queue.Queue.Add";

#[test]
fn the_tool_list_requires_a_version_wherever_code_is_read() {
    let ws = Workspace::new();
    let mut c = Client::start(&ws);
    let list = c.request("tools/list", json!({}));
    let tools = list["result"]["tools"].as_array().unwrap();
    let required = |name: &str| -> Vec<String> {
        let tool = tools
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no tool {name} in {list}"));
        assert!(!tool["description"].as_str().unwrap().is_empty());
        tool["inputSchema"]["required"]
            .as_array()
            .map(|r| r.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(tools.len(), 5, "{list}");
    assert_eq!(required("find_symbol"), ["symbol", "version"]);
    assert_eq!(required("read_step"), ["article", "step"]);
    assert_eq!(required("diff_symbol"), ["symbol", "from", "to"]);
    assert_eq!(required("bump_report"), ["to"]);
    assert!(required("list_articles").is_empty());
}

#[test]
fn every_tool_answers_with_the_commit_and_permalink_it_read() {
    let ws = Workspace::new();
    let mut c = Client::start(&ws);

    let found = c.call_json(
        "find_symbol",
        json!({"symbol": ADD, "repo": "widgets", "version": "v2"}),
    );
    assert_eq!(found["file"], "queue/add.go", "{found}");
    assert_eq!(found["version"], "v2");
    let commit = found["commit"].as_str().unwrap();
    assert_eq!(commit.len(), 40, "{commit}");
    assert_eq!(
        found["permalink"],
        "https://github.com/acme/widgets/blob/v2/queue/add.go#L4-L6"
    );

    let step = c.call_json("read_step", json!({"article": "widgets-tour", "step": 2}));
    assert_eq!(step["version"], "v1", "the pin, named: {step}");
    assert_eq!(step["commit"].as_str().unwrap().len(), 40);
    assert_eq!(step["note_zh"], "添加。");
    assert_eq!(step["step"]["note"], "Adding.");
    assert_eq!(step["step"]["file"], "queue/queue.go");
    assert!(
        step["step"]["excerpt"]
            .to_string()
            .contains("q.items = append"),
        "{step}"
    );
    assert!(
        step["step"]["permalink"]
            .as_str()
            .unwrap()
            .starts_with("https://github.com/acme/widgets/blob/v1/queue/queue.go#L")
    );
    let later = c.call_json(
        "read_step",
        json!({"article": "widgets-tour", "step": 2, "version": "v2"}),
    );
    assert_eq!(later["version"], "v2");
    assert_eq!(later["step"]["file"], "queue/add.go", "{later}");

    let listed = c.call_json("list_articles", json!({"component": "workqueue"}));
    assert_eq!(listed["articles"][0]["id"], "widgets-tour", "{listed}");
    assert_eq!(listed["articles"][0]["steps"], 3);
    let by_symbol = c.call_json("list_articles", json!({"query": "Queue.Add"}));
    assert_eq!(by_symbol["symbols"][0]["symbol"], ADD, "{by_symbol}");

    let diff = c.call_json(
        "diff_symbol",
        json!({"symbol": ADD, "repo": "widgets", "from": "v1", "to": "v2"}),
    );
    assert_eq!(diff["comparison"]["category"], "moved-file", "{diff}");
    assert_eq!(diff["comparison"]["to"]["file"], "queue/add.go");
    assert_eq!(
        diff["to_permalink"],
        "https://github.com/acme/widgets/blob/v2/queue/add.go#L4-L6"
    );
    assert!(
        diff["from_permalink"]
            .as_str()
            .unwrap()
            .contains("/blob/v1/queue/queue.go#L")
    );
    assert_eq!(
        diff["comparison"]["from"]["commit"].as_str().unwrap().len(),
        40
    );

    let bump = c.call_json("bump_report", json!({"repo": "widgets", "to": "v2"}));
    assert_eq!(bump["steps"], 3, "{bump}");
    assert_eq!(bump["categories"]["moved-file"], 1);
    assert_eq!(bump["categories"]["removed"], 1);
    assert_eq!(
        bump["repos"][0],
        json!({"repo": "widgets", "from": "v1", "to": "v2"})
    );
    let changed = bump["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 2, "{bump}");
    assert!(changed.iter().all(|d| d["from"]["commit"].is_string()));
    assert!(
        changed.iter().all(|d| d["from_permalink"]
            .as_str()
            .unwrap()
            .starts_with("https://github.com/acme/widgets/blob/v1/queue/queue.go#L")),
        "{bump}"
    );
    let moved = changed
        .iter()
        .find(|d| d["category"] == "moved-file")
        .unwrap();
    assert_eq!(
        moved["to_permalink"],
        "https://github.com/acme/widgets/blob/v2/queue/add.go#L4-L6"
    );
}

#[test]
fn mistakes_are_tool_errors_with_help() {
    let ws = Workspace::new();
    let mut c = Client::start(&ws);
    // A name that is not there: the version read and the near names.
    let err = c
        .call(
            "find_symbol",
            json!({"symbol": "github.com/acme/widgets/queue.Queue.Ad", "repo": "widgets", "version": "v1"}),
        )
        .unwrap_err();
    assert!(
        err.starts_with(
            "error: github.com/acme/widgets/queue.Queue.Ad is not found in widgets v1 (commit "
        ),
        "{err}"
    );
    assert!(
        err.contains("help: did you mean: github.com/acme/widgets/queue.Queue.Add"),
        "{err}"
    );
    // A version that does not exist.
    let err = c
        .call(
            "find_symbol",
            json!({"symbol": ADD, "repo": "widgets", "version": "v9"}),
        )
        .unwrap_err();
    assert!(err.contains("v9") && err.contains("help:"), "{err}");
    // A repo, an article, a step and a component that do not exist.
    let err = c
        .call(
            "find_symbol",
            json!({"symbol": ADD, "repo": "gadgets", "version": "v1"}),
        )
        .unwrap_err();
    assert!(
        err.contains("unknown repo `gadgets`") && err.contains("help: repos in the mapping"),
        "{err}"
    );
    let err = c
        .call("read_step", json!({"article": "widgets-tuor", "step": 1}))
        .unwrap_err();
    assert!(err.contains("did you mean `widgets-tour`"), "{err}");
    let err = c
        .call("read_step", json!({"article": "widgets-tour", "step": 9}))
        .unwrap_err();
    assert!(err.contains("has steps 1 to 3, not 9"), "{err}");
    let err = c
        .call("list_articles", json!({"component": "sheduler"}))
        .unwrap_err();
    assert!(
        err.contains("unknown component") && err.contains("workqueue"),
        "{err}"
    );
    assert!(
        c.call("list_articles", json!({}))
            .unwrap_err()
            .contains("give `component` or `query`")
    );
    let err = c
        .call(
            "diff_symbol",
            json!({"symbol": "not a symbol", "from": "v1", "to": "v2", "repo": "widgets"}),
        )
        .unwrap_err();
    assert!(err.contains("malformed Go symbol"), "{err}");
}

#[test]
fn bad_arguments_bad_frames_and_huge_lines_leave_the_server_serving() {
    let ws = Workspace::new();
    let mut c = Client::start(&ws);
    // Arguments of the wrong shape: a tool error naming the field (the SDK checks them
    // against the input schema); an unknown tool: a protocol error.
    let err = c.call("find_symbol", json!({"symbol": ADD})).unwrap_err();
    assert!(err.contains("missing field `version`"), "{err}");
    let err = c
        .call(
            "read_step",
            json!({"article": "widgets-tour", "step": "two"}),
        )
        .unwrap_err();
    assert!(
        err.contains("step") || err.contains("invalid type"),
        "{err}"
    );
    let response = c.request(
        "tools/call",
        json!({"name": "no_such_tool", "arguments": {}}),
    );
    assert!(response["error"]["code"].is_i64(), "{response}");

    // Input that is not JSON is ignored (as every MCP SDK does: there is no id to answer);
    // JSON that is not a message gets an Invalid Request; either way the next call works.
    c.send_raw("this is not json {");
    c.send_raw("{\"jsonrpc\": \"2.0\", \"id\": 999, \"method\": 42}");
    let invalid = c.receive();
    assert!(invalid["error"].is_object(), "{invalid}");
    let found = c.call_json(
        "find_symbol",
        json!({"symbol": ADD, "repo": "widgets", "version": "v1"}),
    );
    assert_eq!(found["file"], "queue/queue.go");

    // A huge request: a 2 MB symbol is refused as malformed, and a line over the
    // transport's 16 MiB limit is dropped unread.
    let huge = format!("github.com/acme/widgets/queue.{}", "X".repeat(2 << 20));
    let err = c
        .call(
            "find_symbol",
            json!({"symbol": huge, "repo": "widgets", "version": "v1"}),
        )
        .unwrap_err();
    assert!(err.starts_with("error: "), "{}", &err[..200.min(err.len())]);
    c.send_raw(&"x".repeat(17 << 20));
    let found = c.call_json(
        "find_symbol",
        json!({"symbol": ADD, "repo": "widgets", "version": "v2"}),
    );
    assert_eq!(found["file"], "queue/add.go");
}

/// 200 calls in a row: every one answered, and the server's memory after them is within
/// a few MB of where it was after the first 20 (nothing grows per call).
#[test]
fn two_hundred_calls_in_a_row_keep_memory_stable() {
    let ws = Workspace::new();
    let mut c = Client::start(&ws);
    let tools = [
        (
            "find_symbol",
            json!({"symbol": ADD, "repo": "widgets", "version": "v2"}),
        ),
        ("read_step", json!({"article": "widgets-tour", "step": 1})),
        ("list_articles", json!({"query": "widgets"})),
        (
            "diff_symbol",
            json!({"symbol": ADD, "repo": "widgets", "from": "v1", "to": "v2"}),
        ),
    ];
    let mut after_warmup = 0;
    for i in 0..200 {
        let (tool, args) = &tools[i % tools.len()];
        c.call(tool, args.clone())
            .unwrap_or_else(|e| panic!("call {i} ({tool}): {e}"));
        if i == 19 {
            after_warmup = c.rss_kb();
        }
    }
    let end = c.rss_kb();
    assert!(after_warmup > 0, "no /proc RSS reading");
    assert!(
        end < after_warmup + 8 * 1024,
        "RSS grew from {after_warmup} kB to {end} kB over 180 calls"
    );
}
