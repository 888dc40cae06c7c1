#!/usr/bin/env python3
"""Drive `k8s-study mcp` over stdio as an assistant would, and print the conversation as
Markdown (the transcript in docs/mcp.md). Long texts are cut where marked; nothing else is
edited.

    scripts/mcp-transcript.py [BINARY]    (default: target/release/k8s-study)

Reads what the binary reads: set K8S_STUDY_SOURCE / K8S_STUDY_MIRROR as for any command.
"""
import json
import subprocess
import sys

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/k8s-study"
proc = subprocess.Popen([binary, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL, text=True)
next_id = 0


def send(message):
    proc.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
    proc.stdin.flush()


def request(method, params):
    global next_id
    next_id += 1
    send({"jsonrpc": "2.0", "id": next_id, "method": method, "params": params})
    while True:
        answer = json.loads(proc.stdout.readline())
        if answer.get("id") == next_id:
            return answer


def cut(value, limit=1200):
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text if len(text) <= limit else text[:limit] + "\n… (cut)"


def show(title, method, params, answer, limit=1200):
    print(f"**{title}**\n")
    print("```json\n→ " + json.dumps({"method": method, "params": params}, ensure_ascii=False))
    result = answer.get("result", answer.get("error"))
    if isinstance(result, dict) and "content" in result:
        text = result["content"][0]["text"]
        try:
            body = cut(json.loads(text), limit)
        except ValueError:
            body = text
        flag = " (isError)" if result.get("isError") else ""
        print(f"← tool result{flag}:\n{body}\n```\n")
    else:
        print("← " + cut(result, limit) + "\n```\n")


init = {"protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "transcript", "version": "0"}}
answer = request("initialize", init)
show("1. The handshake", "initialize", init, answer, 600)
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
tools = request("tools/list", {})
names = [t["name"] for t in tools["result"]["tools"]]
print(f"**2. `tools/list`** names {len(names)} tools: " + ", ".join(f"`{n}`" for n in names) + ".\n")

calls = [
    ("3. Which articles explain the scheduler?", "list_articles", {"component": "scheduler"}, 900),
    ("4. Where is ScheduleOne in today's release?", "find_symbol",
     {"symbol": "k8s.io/kubernetes/pkg/scheduler.Scheduler.ScheduleOne", "version": "v1.37.2"}, 1400),
    ("5. The article's name for it, asked at the same release", "find_symbol",
     {"symbol": "k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne", "version": "v1.37.2"}, 1400),
    ("6. What happened to it between the article's pin and today?", "diff_symbol",
     {"symbol": "k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne", "from": "v1.20.2",
      "to": "v1.37.2"}, 1600),
    ("7. One step of an article, at its pin", "read_step",
     {"article": "informer-zhonglinzhang", "step": 4}, 1800),
    ("8. The same step at today's release", "read_step",
     {"article": "informer-zhonglinzhang", "step": 4, "version": "v1.37.2"}, 1500),
]
for title, tool, args, limit in calls:
    params = {"name": tool, "arguments": args}
    show(title, "tools/call", params, request("tools/call", params), limit)
proc.stdin.close()
proc.wait(timeout=30)
