use std::collections::HashSet;

use super::records::Keep;
use super::store::Store;
use super::*;
use crate::source::test_snapshot;

const SCHED: &str = "package scheduler\n\n// Scheduler schedules.\ntype Scheduler struct{}\n\n// scheduleOne does one.\nfunc (s *Scheduler) scheduleOne(x int) {\n\t_ = x\n}\n";
const CACHE: &str = "package cache\n\nfunc NewInformer() {}\n\ntype sharedIndexInformer struct{}\n\nfunc (s *sharedIndexInformer) Run(stop <-chan struct{}) {}\n";

fn tree(extra: &str) -> Vec<(&'static str, String)> {
    vec![
        ("go.mod", "module example.com/k\n".to_string()),
        ("pkg/scheduler/scheduler.go", SCHED.to_string()),
        ("pkg/cache/cache.go", CACHE.to_string()),
        ("pkg/cache/more.go", format!("package cache\n\n{extra}\n")),
        (
            "pkg/cache/cache_test.go",
            "package cache\n\nfunc TestX() {}\n".to_string(),
        ),
    ]
}

fn snapshot(
    files: &[(&'static str, String)],
    root: &std::path::Path,
) -> (tempfile::TempDir, Snapshot) {
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let (dir, s) = test_snapshot(&files);
    (dir, s.with_index(Some(root.to_path_buf())))
}

fn store(root: &std::path::Path) -> Store {
    Store::new(root, fingerprint())
}

/// Records in the pack, by scanning it under the lock as a build does.
fn records(root: &std::path::Path) -> usize {
    let s = store(root);
    let locked = s.lock().unwrap();
    locked.scan().unwrap().1.len()
}

fn names(index: &TreeIndex) -> Vec<String> {
    let mut out: Vec<String> = index
        .names_where(&mut |_| true)
        .expect("names pass their check")
        .into_iter()
        .map(|h| format!("{}.{} {}:{}", h.import_path, h.name, h.file, h.line))
        .collect();
    out.sort();
    out
}

#[test]
fn lists_packages_files_and_names_and_reads_them_back() {
    let root = tempfile::tempdir().unwrap();
    let (_d, s) = snapshot(&tree("var Extra = 1"), root.path());
    let built = TreeIndex::open(&s, None).unwrap().unwrap();
    assert_eq!(
        names(&built),
        [
            "example.com/k/pkg/cache.Extra pkg/cache/more.go:3",
            "example.com/k/pkg/cache.NewInformer pkg/cache/cache.go:3",
            "example.com/k/pkg/cache.sharedIndexInformer pkg/cache/cache.go:5",
            "example.com/k/pkg/cache.sharedIndexInformer.Run pkg/cache/cache.go:7",
            "example.com/k/pkg/scheduler.Scheduler pkg/scheduler/scheduler.go:4",
            "example.com/k/pkg/scheduler.Scheduler.scheduleOne pkg/scheduler/scheduler.go:7",
        ],
        "tests are not indexed"
    );
    let pack_len = std::fs::metadata(store(root.path()).dir().join("decls.pack"))
        .unwrap()
        .len();
    let read = TreeIndex::open(&s, None).unwrap().unwrap();
    assert_eq!(names(&read), names(&built));
    assert_eq!(
        std::fs::metadata(store(root.path()).dir().join("decls.pack"))
            .unwrap()
            .len(),
        pack_len,
        "the second run reads the listing, it appends nothing"
    );
    let (decls, problems) = read.package("example.com/k/pkg/scheduler").unwrap();
    assert!(problems.is_empty());
    let one = decls
        .iter()
        .find(|l| l.decl.name.to_string() == "Scheduler.scheduleOne")
        .unwrap();
    assert_eq!(one.decl.signature, "func (s *Scheduler) scheduleOne(x int)");
    assert_eq!(one.decl.doc, "scheduleOne does one.");
    assert_eq!((one.decl.start_line, one.decl.end_line), (7, 9));
    assert_eq!(read.dir_of("example.com/k/pkg/cache"), Some("pkg/cache"));
    assert_eq!(read.dir_of("example.com/k/pkg/none"), None);
}

#[test]
fn a_package_read_for_some_names_holds_exactly_their_declarations() {
    let root = tempfile::tempdir().unwrap();
    let (_d, s) = snapshot(
        &tree("// Run is not a method here.\nfunc Run() {}"),
        root.path(),
    );
    let index = TreeIndex::open(&s, None).unwrap().unwrap();
    let (whole, _) = index.package("example.com/k/pkg/cache").unwrap();
    let (some, problems) = index
        .package_where(
            "example.com/k/pkg/cache",
            Keep::Names(&|receiver, name| receiver == b"sharedIndexInformer" && name == b"Run"),
        )
        .unwrap();
    assert!(problems.is_empty());
    let wanted: Vec<_> = whole
        .iter()
        .filter(|l| l.decl.name.to_string() == "sharedIndexInformer.Run")
        .cloned()
        .collect();
    assert_eq!(wanted.len(), 1, "the func Run of more.go is another name");
    assert_eq!(
        format!("{some:?}"),
        format!("{wanted:?}"),
        "every field as the whole package's"
    );
    let none = index
        .package_where("example.com/k/pkg/cache", Keep::Names(&|_, _| false))
        .unwrap();
    assert!(none.0.is_empty());
    assert!(
        index
            .package_where("example.com/k/pkg/none", Keep::All)
            .is_none()
    );
}

#[test]
fn a_file_shared_by_two_versions_is_parsed_once() {
    let root = tempfile::tempdir().unwrap();
    let (_a, v1) = snapshot(&tree("var Extra = 1"), root.path());
    TreeIndex::open(&v1, None).unwrap().unwrap();
    assert_eq!(records(root.path()), 3);
    // v2 changes one file: one new record, the two others are shared.
    let (_b, mut v2) = snapshot(&tree("var Extra = 2"), root.path());
    v2.version = "v2".into();
    v2.commit = "other".into();
    let index = TreeIndex::open(&v2, None).unwrap().unwrap();
    assert_eq!(records(root.path()), 4);
    assert!(names(&index).contains(&"example.com/k/pkg/cache.Extra pkg/cache/more.go:3".into()));
}

#[test]
fn a_flipped_byte_in_the_pack_is_never_trusted_and_the_index_is_rebuilt() {
    let root = tempfile::tempdir().unwrap();
    let (_d, s) = snapshot(&tree("var Extra = 1"), root.path());
    let index = TreeIndex::open(&s, None).unwrap().unwrap();
    let want = index.package("example.com/k/pkg/scheduler").unwrap().0;
    drop(index);
    let pack = store(root.path()).dir().join("decls.pack");
    let mut bytes = std::fs::read(&pack).unwrap();
    // Flip a byte of every record's payload (header 24 bytes; a record: length, CRC, id).
    let mut at = 24;
    while at + 28 < bytes.len() {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        bytes[at + 28] ^= 0x20;
        at += 28 + len;
    }
    std::fs::write(&pack, &bytes).unwrap();
    let index = TreeIndex::open(&s, None).unwrap().unwrap();
    assert!(
        index.package("example.com/k/pkg/scheduler").is_none(),
        "a damaged record is not read"
    );
    drop(index);
    // The listing was dropped; the next run scans the pack, resets it and parses again.
    let index = TreeIndex::open(&s, None).unwrap().unwrap();
    let got = index.package("example.com/k/pkg/scheduler").unwrap().0;
    assert_eq!(
        got.iter().map(|l| &l.decl).collect::<Vec<_>>(),
        want.iter().map(|l| &l.decl).collect::<Vec<_>>()
    );
    assert_eq!(records(root.path()), 3);
}

#[test]
fn a_flipped_byte_in_a_listing_or_a_torn_pack_tail_is_detected() {
    let root = tempfile::tempdir().unwrap();
    let (_d, s) = snapshot(&tree("var Extra = 1"), root.path());
    let want = names(&TreeIndex::open(&s, None).unwrap().unwrap());
    let trees = store(root.path()).dir().join("trees");
    let listing = std::fs::read_dir(&trees)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let good = std::fs::read(&listing).unwrap();
    let pack = store(root.path()).open_pack().unwrap();
    // A flipped byte in the first section (files and packages): the listing is not read.
    let mut bytes = good.clone();
    let at = memchr::memmem::find(&bytes, b"pkg/scheduler/").unwrap();
    bytes[at] ^= 1;
    std::fs::write(&listing, &bytes).unwrap();
    assert!(
        store(root.path())
            .listing(&tree_key(&s, None), &pack)
            .is_none(),
        "a listing that fails its checksum is not read"
    );
    assert_eq!(names(&TreeIndex::open(&s, None).unwrap().unwrap()), want);
    // In the names section, read only by a search: that search says so, the listing is
    // dropped, and the next run builds it again.
    let mut bytes = std::fs::read(&listing).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 1;
    std::fs::write(&listing, &bytes).unwrap();
    let index = TreeIndex::open(&s, None).unwrap().unwrap();
    assert!(index.package("example.com/k/pkg/scheduler").is_some());
    assert!(index.names_where(&mut |_| true).is_none());
    drop(index);
    assert!(!listing.exists(), "the listing was dropped");
    assert_eq!(names(&TreeIndex::open(&s, None).unwrap().unwrap()), want);
    // A writer killed half-way through an append leaves a torn record: cut off, not read.
    let path = store(root.path()).dir().join("decls.pack");
    let full = std::fs::read(&path).unwrap();
    let mut torn = full.clone();
    torn.extend_from_slice(&full[24..60]);
    std::fs::write(&path, &torn).unwrap();
    assert_eq!(records(root.path()), 3);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), full.len() as u64);
}

#[test]
fn an_index_of_another_format_or_build_is_not_read() {
    let root = tempfile::tempdir().unwrap();
    let (_d, s) = snapshot(&tree("var Extra = 1"), root.path());
    TreeIndex::open(&s, None).unwrap().unwrap();
    // Another build (another fingerprint) finds nothing of ours, and we nothing of its.
    let other = Store::new(root.path(), fingerprint() ^ 1);
    assert_ne!(other.dir(), store(root.path()).dir());
    assert!(other.open_pack().is_none());
    // A pack whose header names another fingerprint, in our folder, is started afresh.
    let path = store(root.path()).dir().join("decls.pack");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    assert!(store(root.path()).open_pack().is_none());
    let index = TreeIndex::open(&s, None).unwrap().unwrap();
    assert_eq!(names(&index).len(), 6);
    assert_eq!(records(root.path()), 3);
}

#[test]
fn concurrent_builders_share_one_index() {
    let root = tempfile::tempdir().unwrap();
    let files = tree("var Extra = 1");
    let results: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let files = &files;
                let root = root.path();
                scope.spawn(move || {
                    let (_d, s) = snapshot(files, root);
                    names(&TreeIndex::open(&s, None).unwrap().unwrap())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(results.iter().all(|r| r == &results[0] && r.len() == 6));
    assert_eq!(records(root.path()), 3, "each content appended once");
    let ids: HashSet<_> = std::fs::read_dir(store(root.path()).dir().join("trees"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(ids.len(), 1, "one listing, no temporary files left");
}

#[test]
fn a_search_finds_what_ranking_every_name_finds() {
    let root = tempfile::tempdir().unwrap();
    let extra = "var Extra = 1\n\nfunc runScheduleOne() {}\n\ntype ÜberInformer struct{}\n\nfunc (u ÜberInformer) Run_2() {}";
    let (_d, s) = snapshot(&tree(extra), root.path());
    let index = TreeIndex::open(&s, None).unwrap().unwrap();
    let all = index.names_where(&mut |_| true).unwrap();
    for query in [
        "scheduleOne",
        "SCHEDULEONE",
        "schdOne",
        "scheduler.Scheduler.scheduleOne",
        "sched.sOne",
        "cache.NewInf",
        "informer.Run",
        "cache.run",
        "über",
        "run_2",
        "Extra",
        "zzz",
        "",
    ] {
        let lower = query.to_ascii_lowercase();
        let mut want: Vec<String> = all
            .iter()
            .filter_map(|h| {
                names::rank(query, &lower, &h.name, &h.import_path)
                    .map(|(how, score)| format!("{how:?} {score} {}.{}", h.import_path, h.name))
            })
            .collect();
        want.sort();
        let (found, total) = names::search(&index, query, 100).unwrap();
        let mut got: Vec<String> = found
            .iter()
            .map(|r| {
                format!(
                    "{:?} {} {}.{}",
                    r.how, r.score, r.hit.import_path, r.hit.name
                )
            })
            .collect();
        got.sort();
        assert_eq!(got, want, "{query}");
        assert_eq!(total, want.len(), "{query}");
    }
}
