//! The fixed words of every format (Markdown, mdBook, HTML, `CodeTour`), in English and
//! Chinese: one table, so a page and a tour never call the same thing two names.
//!
//! Words are plain text except where a field says it may hold markup; each format escapes
//! or wraps them as it needs.

use crate::guide::Lang;
use crate::mapping::Kind;
use crate::resolve::Status;

/// Fixed words of the guides, per language.
pub struct Words {
    /// The whole collection: the mdBook's title, the HTML index's and the Markdown README's.
    pub title: &'static str,
    pub index_lede: &'static str,
    pub all_guides: &'static str,
    /// The index group of articles without a listed component.
    pub other: &'static str,
    pub by: &'static str,
    pub article: &'static str,
    pub also_at: &'static str,
    pub written_for: &'static str,
    pub not_stated: &'static str,
    pub read_at: &'static str,
    pub components: &'static str,
    /// Badge of an article whose text was not read.
    pub inferred: &'static str,
    pub inferred_long: &'static str,
    /// Before the list of steps renamed since the article; ends with its colon.
    pub renamed: &'static str,
    pub no_code: &'static str,
    /// Beside a no-code entry's commands.
    pub entry_points: &'static str,
    pub reading_path: &'static str,
    /// Items of the flowchart's key; may hold markup.
    pub legend: [&'static str; 4],
    /// What a "calls" edge is worth: matched by name, not by type.
    pub calls_caveat: &'static str,
    pub unresolved: &'static str,
    pub no_reason: &'static str,
    pub view_source: &'static str,
    pub calls_next: &'static str,
    pub calls_elsewhere: &'static str,
    /// Edge kinds: passed as a value, promoted from an embedded field, through an interface.
    pub kind_runs: &'static str,
    pub kind_promoted: &'static str,
    pub kind_interface: &'static str,
    /// "step 2" in a link to a step.
    pub step: &'static str,
    pub note: &'static str,
    pub changed: &'static str,
    /// "At the article's version": where a step was at `written_for`.
    pub at_era: &'static str,
    /// "not found there" when the era name does not resolve at the era.
    pub not_at_era: &'static str,
    /// "Gone since" a release, for a step whose code no longer exists at the pin.
    pub gone_since: &'static str,
    pub successor: &'static str,
    /// How the era is known: stated by the text, dated from the post.
    pub era_stated: &'static str,
    pub era_dated: &'static str,
    pub counterpart: &'static str,
    /// The version line (`matrix`): its title, a sentence on what it shows, the states in
    /// the order found, renamed, missing, not read, and its column heads.
    pub version_line: &'static str,
    pub version_line_lede: &'static str,
    pub line_states: [&'static str; 4],
    pub line_era: &'static str,
    pub line_pin: &'static str,
    pub line_never: &'static str,
    pub symbol: &'static str,
    pub since: &'static str,
    pub until: &'static str,
    pub earlier_names: &'static str,
    lang: Lang,
}

const EN: Words = Words {
    title: "Reading paths through the Kubernetes source",
    index_lede: "Articles people learn Kubernetes from, each turned into a reading path through the code at a pinned version.",
    all_guides: "All guides",
    other: "other",
    by: "by",
    article: "Article",
    also_at: "Also at",
    written_for: "Written for",
    not_stated: "not stated",
    read_at: "Read at",
    components: "Components",
    inferred: "path inferred",
    inferred_long: "The article's text was not read: this path is inferred from the code.",
    renamed: "Renamed since the article:",
    no_code: "No Go code to read",
    entry_points: "Entry points: build commands to run, not Go symbols.",
    reading_path: "Reading path",
    legend: [
        "<span class=\"key key-next\">↓</span> Straight arrows: the steps in reading order.",
        "<span class=\"key key-call\">⤵</span> Curved arrows: the step's code calls that step, runs it (passes it as a value), or may reach it through an interface, resolved by type.",
        "<span class=\"key key-bad\"></span> Dashed red box: a step that could not be resolved at this version.",
        "Click a box to jump to its step.",
    ],
    calls_caveat: "Calls are resolved by type from the source (imports, receivers, fields, locals), checked against the Go type checker; an interface call lists the mapped implementations it may dispatch to, and calls the source cannot resolve (closures, function fields) are left out.",
    unresolved: "Unresolved",
    no_reason: "no reason recorded",
    view_source: "view on GitHub",
    calls_next: "Calls next",
    calls_elsewhere: "Also calls (mapped in other guides)",
    kind_runs: "runs",
    kind_promoted: "promoted",
    kind_interface: "interface; may dispatch to",
    step: "step",
    note: "Note",
    changed: "Changed",
    at_era: "At the article's version",
    not_at_era: "not found there",
    gone_since: "Gone since",
    successor: "successor",
    era_stated: "stated in the article",
    era_dated: "dated from the post",
    counterpart: "Rust counterpart",
    version_line: "Version line",
    version_line_lede: "Each article at every minor release (its newest patch): steps there under their current name, only under an older name, or missing. Hover a cell for its counts.",
    line_states: ["found", "renamed", "missing", "not read"],
    line_era: "the article's era",
    line_pin: "pin",
    line_never: "never found",
    symbol: "Symbol",
    since: "Since",
    until: "Until",
    earlier_names: "Earlier names",
    lang: Lang::En,
};

const ZH: Words = Words {
    title: "Kubernetes 源码阅读路径",
    index_lede: "把大家学习 Kubernetes 时读的文章，逐篇整理成固定版本源码上的阅读路径。",
    all_guides: "全部指南",
    other: "其他",
    by: "作者",
    article: "原文",
    also_at: "其他地址",
    written_for: "原文版本",
    not_stated: "未注明",
    read_at: "对照版本",
    components: "组件",
    inferred: "路径为推断",
    inferred_long: "未读到原文：此路径根据代码推断。",
    renamed: "文章发表后的改名：",
    no_code: "没有需要阅读的 Go 代码",
    entry_points: "入口：要运行的构建命令，不是 Go 符号。",
    reading_path: "阅读路径",
    legend: [
        "<span class=\"key key-next\">↓</span> 直线箭头：按阅读顺序排列的步骤。",
        "<span class=\"key key-call\">⤵</span> 曲线箭头：该步骤的代码调用了另一步骤、把它作为值运行，或经接口可能到达它（按类型解析）。",
        "<span class=\"key key-bad\"></span> 红色虚线框：在这个版本中无法解析的步骤。",
        "点击方框可跳到对应步骤。",
    ],
    calls_caveat: "调用关系按类型从源码解析（导入、接收者、字段、局部变量），并与 Go 类型检查器核对；接口调用会列出它可能分派到的已映射实现，无法解析的调用（闭包、函数字段）不列出。",
    unresolved: "未解析",
    no_reason: "未记录原因",
    view_source: "在 GitHub 上查看",
    calls_next: "接下来调用",
    calls_elsewhere: "还调用（其他指南中的符号）",
    kind_runs: "作为值运行",
    kind_promoted: "经嵌入字段提升",
    kind_interface: "接口调用；可能分派到",
    step: "步骤",
    note: "说明",
    changed: "变化",
    at_era: "原文版本中的位置",
    not_at_era: "该版本中未找到",
    gone_since: "已移除，自",
    successor: "替代者",
    era_stated: "原文注明",
    era_dated: "按发表日期推定",
    counterpart: "Rust 对应实现",
    version_line: "版本线",
    version_line_lede: "每篇文章在每个次版本（取其最新补丁版本）中的情况：步骤以现名存在、仅以旧名存在或已不存在。鼠标悬停在格子上可看计数。",
    line_states: ["存在", "已改名", "不存在", "未读取"],
    line_era: "原文版本",
    line_pin: "对照版本",
    line_never: "从未找到",
    symbol: "符号",
    since: "起始版本",
    until: "最后版本",
    earlier_names: "曾用名",
    lang: Lang::Zh,
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

/// Fixed words of the HTML site's version line (release selector, matrix, diffs, search),
/// per language. Plain text.
pub struct LineWords {
    pub release: &'static str,
    /// Beside the article's own release in the selector.
    pub era: &'static str,
    /// Beside the pinned release.
    pub pin: &'static str,
    pub not_read: &'static str,
    pub matrix_title: &'static str,
    pub matrix_lede: &'static str,
    pub matrix_link: &'static str,
    /// Column header of the matrix's article column.
    pub article: &'static str,
    /// Cell states, as the matrix colours them.
    pub found: &'static str,
    pub renamed: &'static str,
    pub missing: &'static str,
    /// "At v1.24" before a step's state there.
    pub at: &'static str,
    /// Before the name a step has at a release where it is renamed.
    pub found_as: &'static str,
    pub exists: &'static str,
    pub never_found: &'static str,
    pub compare: &'static str,
    pub diff_title: &'static str,
    pub diff_lede: &'static str,
    pub diff_pick: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub unchanged: &'static str,
    pub no_body: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
}

const LINE_EN: LineWords = LineWords {
    release: "Release",
    era: "article's era",
    pin: "pin",
    not_read: "not read",
    matrix_title: "The version line",
    matrix_lede: "Each article at every minor release from its era to the pin: steps there (under their pin name or an older one) of its steps, how many only under an older name, how many missing. A cell opens the article at that release.",
    matrix_link: "The version line: every article at every release",
    article: "Article",
    found: "found",
    renamed: "renamed",
    missing: "missing",
    at: "At",
    found_as: "found as",
    exists: "exists",
    never_found: "never found on this line",
    compare: "compare across releases",
    diff_title: "across releases",
    diff_lede: "The declaration at each release where it is found, side by side between two of them.",
    diff_pick: "Compare any two releases",
    from: "from",
    to: "to",
    unchanged: "unchanged",
    no_body: "not found at any release of the line",
    search_label: "Search",
    search_placeholder: "titles, components, symbols, old names",
};

const LINE_ZH: LineWords = LineWords {
    release: "版本",
    era: "文章的版本",
    pin: "固定版本",
    not_read: "未读取",
    matrix_title: "版本线",
    matrix_lede: "每篇文章从其版本到固定版本之间的每个小版本：仍在的步骤数（现名或旧名）/ 步骤总数，其中仅以旧名存在的个数、缺失的个数。点击单元格打开该版本下的文章。",
    matrix_link: "版本线：每篇文章在每个版本下的情况",
    article: "文章",
    found: "存在",
    renamed: "已改名",
    missing: "缺失",
    at: "在",
    found_as: "名为",
    exists: "存在于",
    never_found: "在这条版本线上从未找到",
    compare: "跨版本比较",
    diff_title: "跨版本",
    diff_lede: "该声明在每个能找到它的版本中的代码，任选两个版本并排比较。",
    diff_pick: "任选两个版本比较",
    from: "从",
    to: "到",
    unchanged: "未变",
    no_body: "在这条版本线的任何版本中都未找到",
    search_label: "搜索",
    search_placeholder: "标题、组件、符号、旧名",
};

pub fn line_words(lang: Lang) -> &'static LineWords {
    match lang {
        Lang::En => &LINE_EN,
        Lang::Zh => &LINE_ZH,
    }
}

impl Words {
    /// How an article's era is known, in this language.
    pub fn era_source(&self, era: Option<crate::mapping::EraSource>) -> Option<&'static str> {
        era.map(|e| match e {
            crate::mapping::EraSource::Stated => self.era_stated,
            crate::mapping::EraSource::Dated => self.era_dated,
        })
    }

    pub fn kind(&self, kind: Kind) -> &'static str {
        match (self.lang, kind) {
            (Lang::En, k) => k.as_str(),
            (Lang::Zh, Kind::Article) => "文章",
            (Lang::Zh, Kind::Series) => "系列",
            (Lang::Zh, Kind::NoCode) => "无代码",
        }
    }

    pub fn status(&self, status: Status) -> &'static str {
        match (self.lang, status) {
            (Lang::En, Status::Found) => "found",
            (Lang::En, Status::Missing) => "missing",
            (Lang::En, Status::Ambiguous) => "ambiguous",
            (Lang::Zh, Status::Found) => "已找到",
            (Lang::Zh, Status::Missing) => "未找到",
            (Lang::Zh, Status::Ambiguous) => "有歧义",
        }
    }

    /// "Unresolved (missing): " before the reason.
    pub fn unresolved_because(&self, status: Status) -> String {
        match self.lang {
            Lang::En => format!("{} ({}): ", self.unresolved, self.status(status)),
            Lang::Zh => format!("{}（{}）：", self.unresolved, self.status(status)),
        }
    }

    /// "1 step", "3 steps", "3 步".
    pub fn steps(&self, n: usize) -> String {
        match (self.lang, n) {
            (Lang::En, 1) => "1 step".to_string(),
            (Lang::En, n) => format!("{n} steps"),
            (Lang::Zh, n) => format!("{n} 步"),
        }
    }

    /// Arguments are already in the output's markup.
    pub fn version_of(&self, version: &str, repo: &str) -> String {
        match self.lang {
            Lang::En => format!("{version} of {repo}"),
            Lang::Zh => format!("{repo} 的 {version}"),
        }
    }

    /// Arguments are already in the output's markup.
    pub fn was_now(&self, was: &str, version: &str, now: &str) -> String {
        match self.lang {
            Lang::En => format!("the article calls {was}; at {version} it is {now}"),
            Lang::Zh => format!("原文称 {was}；在 {version} 中为 {now}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_counts_agree_in_number() {
        let en = words(Lang::En);
        assert_eq!(
            (en.steps(1), en.steps(2)),
            ("1 step".into(), "2 steps".into())
        );
        assert_eq!(words(Lang::Zh).steps(1), "1 步");
    }
}
