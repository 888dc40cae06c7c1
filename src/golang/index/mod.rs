//! The Go declaration index: every file's declarations, keyed by its content id and parsed
//! once, ever; and per tree (a tag, a module version) a listing of its packages, their
//! files and every declaration's name. Go only: Rust items are found with syn, per crate.
//!
//! A run that reads a Go tree with an index root opens the tree's listing; the first run at
//! a version builds it: the tree's `.go` files are listed (tests and `testdata/` left out),
//! the ones whose content is not in the pack yet are read and parsed, in chunks so memory
//! stays flat, and their records appended. A file shared with a release indexed before is
//! not read again. The files are in `store`; their bytes in `codec`.

pub(crate) mod codec;
mod listing;
pub mod loose;
pub mod mask;
pub mod name_table;
pub mod names;
mod records;
pub use self::records::Keep;
pub mod store;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use self::codec::{Reader, Writer};
use self::listing::{FileEntry, Listing};
use self::name_table::FileNames;
use self::records::{FileRecord, decode, encode};
use self::store::{NamesAt, Pack, Store};
use super::{FileProblem, Located, ModuleMap, file_name_constrained};
use crate::item::{Kind, QualName};
use crate::source::{ContentId, FileId, Snapshot, SourceError};

/// Files read and parsed together while building: enough to keep two cores busy, few
/// enough that their bytes and trees stay well under a hundred megabytes.
const CHUNK: usize = 512;

/// What makes an index ours: the format, this build of the tool, the grammar's ABI, and the
/// code that decides what a declaration is (the walk in `extract.rs`, the body cuts in
/// `mask.rs`), hashed as source: an edit there is another index without anyone
/// remembering to bump a number. Another value means another folder.
/// Computed once per process: every memo beside the index asks for its folder.
pub fn fingerprint() -> u64 {
    static FINGERPRINT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *FINGERPRINT.get_or_init(compute_fingerprint)
}

fn compute_fingerprint() -> u64 {
    let language = super::lang::language();
    let parts: [&[u8]; 6] = [
        &store::FORMAT.to_le_bytes(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        &language.abi_version().to_le_bytes(),
        &language.node_kind_count().to_le_bytes(),
        include_str!("../extract.rs").as_bytes(),
        include_str!("mask.rs").as_bytes(),
    ];
    let a = codec::checksum(&parts);
    let mut salted = vec![b"salt".as_slice()];
    salted.extend(parts);
    u64::from(a) << 32 | u64::from(codec::checksum(&salted))
}

/// A file parsed while building: its place, its content id, and when its content is new,
/// its record (encoded) and its names.
type Parsed = (usize, ContentId, Option<(Vec<u8>, FileNames)>);

/// A package's declarations, and its files whose declarations may be incomplete.
pub type PackageDecls = (Vec<Located>, Vec<(String, FileProblem)>);

/// One tree's listing, with the pack its records are in.
pub struct TreeIndex {
    pack: Pack,
    /// The tree's files and packages.
    tree: Listing,
    /// Every declaration: `Receiver.Name` or `Name`, kind, file, line, place in its record.
    names: Names,
    /// Folders of the tree's own code the build could not read (a staging module the proxy
    /// refused): the index does not answer for them.
    left_out: Vec<String>,
    /// This tree's listing file, dropped if a record it points at fails its check.
    listing: std::path::PathBuf,
}

/// The names section: most of a listing's bytes, read only by a search by name, and then
/// streamed through, never held whole.
enum Names {
    Listed(NamesAt),
    /// Just built: the bytes written to the listing, and their checksum.
    Built(Vec<u8>, u32),
}

impl Names {
    fn built(bytes: Vec<u8>) -> Self {
        let sum = codec::checksum(&[&bytes]);
        Self::Built(bytes, sum)
    }

    fn scan(&self, needs: &[Option<u64>]) -> Option<name_table::Found> {
        match self {
            Self::Listed(at) => name_table::scan(&at.section(), needs),
            Self::Built(bytes, sum) => {
                let section = name_table::Section {
                    bytes,
                    len: bytes.len() as u64,
                    sum: *sum,
                };
                name_table::scan(&section, needs)
            }
        }
    }
}

/// What a scan of the names keeps, asked package by package.
pub trait NameFilter {
    /// The names of package `import_path` come next: only those holding all these
    /// [`name_table::letters`] are asked about (0: all of them).
    fn enter(&mut self, _import_path: &str) -> u64 {
        0
    }
    /// Whether to keep the declaration `name` (`Receiver.Name` or `Name`) of the package
    /// entered last.
    fn keep(&mut self, name: &str) -> bool;
}

impl<F: FnMut(&str) -> bool> NameFilter for F {
    fn keep(&mut self, name: &str) -> bool {
        self(name)
    }
}

/// A declaration of the tree named by a search, before its record is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameHit {
    pub name: String,
    pub kind: Kind,
    pub import_path: String,
    pub file: String,
    pub line: usize,
    file_index: usize,
    decl_index: usize,
}

/// Why the index could not be used; the caller reads the tree instead.
#[derive(Debug)]
pub enum IndexError {
    Source(SourceError),
    Io(std::io::Error),
}

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Source(e) => e.fmt(f),
            Self::Io(e) => write!(f, "declaration index: {e}"),
        }
    }
}

impl From<SourceError> for IndexError {
    fn from(e: SourceError) -> Self {
        Self::Source(e)
    }
}

impl From<std::io::Error> for IndexError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// A listing opened by this process, with its file's and the pack's stamps when it was
/// opened.
type Opened = HashMap<
    std::path::PathBuf,
    (
        (Option<FileStamp>, Option<FileStamp>),
        std::sync::Arc<TreeIndex>,
    ),
>;

/// The indexes this process opened, by listing file: reused while the file is the same.
fn opened() -> &'static std::sync::Mutex<Opened> {
    static OPENED: std::sync::OnceLock<std::sync::Mutex<Opened>> = std::sync::OnceLock::new();
    OPENED.get_or_init(Default::default)
}

/// Length, time and identity of a file: a listing rebuilt (renamed into place) or changed in
/// place has another.
type FileStamp = (u64, Option<std::time::SystemTime>, u64);

fn file_stamp(path: &std::path::Path) -> Option<FileStamp> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let ino = 0;
    Some((m.len(), m.modified().ok(), ino))
}

/// The index folder of this build of the tool, when the snapshot uses the index: what is
/// kept per tree beside the declarations (call edges) goes there too, and goes with it.
pub fn folder(snapshot: &Snapshot) -> Option<std::path::PathBuf> {
    Some(folder_in(snapshot.index_root.as_ref()?))
}

/// The index folder of this build of the tool under the index root `root`.
pub fn folder_in(root: &std::path::Path) -> std::path::PathBuf {
    Store::new(root, fingerprint()).dir().to_path_buf()
}

/// The key of a tree's listing: the same tree read the same way.
pub(crate) fn tree_key(snapshot: &Snapshot, root_module: Option<&str>) -> String {
    format!(
        "{}\n{}\n{}\n{}",
        snapshot.repo_name,
        snapshot.version,
        snapshot.commit,
        root_module.unwrap_or("")
    )
}

impl TreeIndex {
    /// The index of `snapshot`'s tree, built first if this is the first run at that tree;
    /// `Ok(None)` when the snapshot has no index root. Opened once per process: a command
    /// that resolves batch after batch at one tree reads its listing once.
    pub fn open(
        snapshot: &Snapshot,
        root_module: Option<&str>,
    ) -> Result<Option<std::sync::Arc<Self>>, IndexError> {
        let Some(root) = &snapshot.index_root else {
            return Ok(None);
        };
        let store = Store::new(root, fingerprint());
        let key = tree_key(snapshot, root_module);
        let listing = store.listing_path(&key);
        let pack_file = store.dir().join(store::PACK);
        let stamp = || (file_stamp(&listing), file_stamp(&pack_file));
        if let Some((was, index)) = opened().lock().ok().and_then(|o| o.get(&listing).cloned())
            && was == stamp()
        {
            return Ok(Some(index));
        }
        let index = match store
            .open_pack()
            .and_then(|pack| Self::from_listing(&store, &key, pack))
        {
            Some(index) => index,
            None => Self::build(&store, &key, snapshot, root_module)?,
        };
        let index = std::sync::Arc::new(index);
        if let Ok(mut o) = opened().lock() {
            o.insert(listing.clone(), (stamp(), index.clone()));
        }
        Ok(Some(index))
    }

    fn from_listing(store: &Store, key: &str, pack: Pack) -> Option<Self> {
        let (meta, names_at) = store.listing(key, &pack)?;
        let mut r = Reader::new(&meta);
        let tree = Listing::read(&mut r)?;
        let n_left_out = r.usize()?;
        let mut left_out = Vec::with_capacity(n_left_out.min(1 << 10));
        for _ in 0..n_left_out {
            left_out.push(r.str()?.to_string());
        }
        r.done().then(|| Self {
            pack,
            tree,
            names: Names::Listed(names_at),
            left_out,
            listing: store.listing_path(key),
        })
    }

    #[allow(clippy::too_many_lines)] // one story: list, parse what is new, list the tree
    fn build(
        store: &Store,
        key: &str,
        snapshot: &Snapshot,
        root_module: Option<&str>,
    ) -> Result<Self, IndexError> {
        let locked = store.lock()?;
        // Another run may have built it while this one waited for the lock.
        if let Some(index) = store
            .open_pack()
            .and_then(|pack| Self::from_listing(store, key, pack))
        {
            return Ok(index);
        }
        let (pack, mut slots) = locked.scan()?;
        let modules = ModuleMap::with_root(snapshot, root_module)?;
        let listed: Vec<(String, FileId)> = snapshot
            .files_with_suffix(".go", &["testdata", ".git"])?
            .into_iter()
            .filter(|(p, _)| !p.ends_with("_test.go"))
            .collect();
        // Packages: each folder's import path, and whether that import path leads there.
        let mut by_dir: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, (path, _)) in listed.iter().enumerate() {
            by_dir
                .entry(path.rsplit_once('/').map_or("", |(d, _)| d))
                .or_default()
                .push(i);
        }
        let mut order: Vec<usize> = Vec::with_capacity(listed.len());
        let mut packages = Vec::new();
        for (dir, members) in &by_dir {
            let Some(import_path) = modules.import_path_of(dir) else {
                continue;
            };
            let located = modules.locate(snapshot, &import_path).as_deref() == Some(*dir);
            let start = order.len();
            order.extend(members);
            packages.push((import_path, (*dir).to_string(), located, start..order.len()));
        }
        // Content ids: git lists them; a module zip's entries are hashed as they are read.
        let mut ids: Vec<Option<ContentId>> =
            order.iter().map(|&i| listed[i].1.content_id()).collect();
        // Each new file's names, encoded as it is parsed: the records themselves are dropped
        // chunk by chunk, so memory stays flat over a whole tree.
        let mut names_of: Vec<Option<FileNames>> = vec![None; order.len()];
        for chunk in (0..order.len()).collect::<Vec<_>>().chunks(CHUNK) {
            let todo: Vec<usize> = chunk
                .iter()
                .copied()
                .filter(|&k| ids[k].is_none_or(|id| !slots.contains_key(&id)))
                .collect();
            let files: Vec<(String, FileId)> =
                todo.iter().map(|&k| listed[order[k]].clone()).collect();
            let read = snapshot.par_read_filtered(&files, &|_| true, &|_| {})?;
            let mut by_path: HashMap<String, Vec<u8>> = read.into_iter().collect();
            let jobs: Vec<(usize, Vec<u8>)> = todo
                .iter()
                .filter_map(|&k| Some((k, by_path.remove(&listed[order[k]].0)?)))
                .collect();
            // Parsed, encoded (compressed) and its names listed on the worker threads.
            let parse = |(k, bytes): &(usize, Vec<u8>)| {
                let id = ids[*k].unwrap_or_else(|| ContentId::of_bytes(bytes));
                let known = slots.contains_key(&id);
                let record = (!known).then(|| {
                    let record = FileRecord::parse(bytes);
                    (encode(&record), names_section(&record))
                });
                (*k, id, record)
            };
            // Big files one after another on one thread, as `index_files` does (their trees
            // are large), while the other threads parse the rest.
            let (big, small): (Vec<_>, Vec<_>) = jobs
                .iter()
                .partition(|(_, bytes)| bytes.len() >= super::BIG_FILE_BYTES);
            let (mut parsed, rest): (Vec<Parsed>, Vec<Parsed>) = rayon::join(
                || big.into_iter().map(parse).collect(),
                || small.into_par_iter().map(parse).collect(),
            );
            parsed.extend(rest);
            let mut new: Vec<(ContentId, Vec<u8>)> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (k, id, record) in parsed {
                ids[k] = Some(id);
                if let Some((encoded, names)) = record {
                    if seen.insert(id) {
                        new.push((id, encoded));
                    }
                    names_of[k] = Some(names);
                }
            }
            let appended = locked.append(&pack, &new)?;
            for ((id, _), slot) in new.iter().zip(appended) {
                slots.insert(*id, slot);
            }
        }
        // The listing: files, packages, and every declaration's name.
        let mut tree = Listing::default();
        let too_big = || IndexError::Io(std::io::Error::other("the tree's paths pass 4 GiB"));
        let mut kept = vec![true; order.len()];
        for (k, &i) in order.iter().enumerate() {
            let (Some(id), path) = (ids[k], &listed[i].0) else {
                kept[k] = false;
                continue;
            };
            let Some(&slot) = slots.get(&id) else {
                kept[k] = false;
                continue;
            };
            tree.push_file(path, id, slot).ok_or_else(too_big)?;
        }
        if kept.iter().any(|k| !k) {
            // A file listed but not read (a zip entry gone): not an index to keep.
            return Err(IndexError::Io(std::io::Error::other(
                "a listed file could not be read",
            )));
        }
        for (import_path, dir, located, range) in packages {
            tree.push_package(&import_path, &dir, located, range)
                .ok_or_else(too_big)?;
        }
        let tree = tree.finish();
        let mut w = Writer::default();
        tree.write(&mut w);
        let left_out = snapshot.unreadable_dirs();
        w.len(left_out.len());
        for dir in &left_out {
            w.str(dir);
        }
        let mut names = Vec::with_capacity(tree.files.len());
        for (k, file) in tree.files.iter().enumerate() {
            if let Some(listed) = names_of[k].take() {
                names.push(listed);
            } else {
                let record = pack
                    .read(file.slot, file.id)
                    .and_then(|p| decode(&p))
                    .ok_or_else(|| std::io::Error::other("a record of the pack is damaged"))?;
                names.push(names_section(&record));
            }
        }
        let names = name_table::encode(names);
        locked.write_listing(key, &pack, &w.buf, &names)?;
        drop(locked);
        Ok(Self {
            pack,
            tree,
            names: Names::built(names),
            left_out,
            listing: store.listing_path(key),
        })
    }

    /// The folder of package `import_path`, as the tree's modules and `vendor/` place it.
    pub fn dir_of(&self, import_path: &str) -> Option<&str> {
        self.tree.package_of(import_path).map(|p| self.tree.dir(p))
    }

    /// Whether the build read all of the tree's own folder `own` (see `Snapshot::own_mount`):
    /// then a package that is not in the index is not there.
    pub fn read_whole(&self, own: &str) -> bool {
        !self.left_out.iter().any(|d| d == own)
    }

    /// Whether some package of the index lies in folder `dir` or below it.
    pub fn has_package_under(&self, dir: &str) -> bool {
        // Packages are in folder order.
        self.tree
            .dirs_from(dir)
            .take_while(|d| d.starts_with(dir))
            .any(|d| dir.is_empty() || d.len() == dir.len() || d.as_bytes()[dir.len()] == b'/')
    }

    /// Every declaration of package `import_path` with the files that may hide some; `None`
    /// when the index has no such package or a record fails its check (then the caller
    /// reads the tree, and the next build starts afresh).
    pub fn package(&self, import_path: &str) -> Option<PackageDecls> {
        self.package_where(import_path, records::Keep::All)
    }

    /// [`Self::package`] with only the declarations `keep(receiver, name)` wants (bytes,
    /// an empty receiver for none); the problems are every file's all the same.
    pub fn package_where(
        &self,
        import_path: &str,
        keep: records::Keep<'_>,
    ) -> Option<PackageDecls> {
        let p = self.tree.package_of(import_path)?;
        let mut decls = Vec::new();
        let mut problems = Vec::new();
        for k in self.tree.packages[p].files.clone() {
            let (file, path) = (&self.tree.files[k], self.tree.path(k));
            let record = self.record_where(file, keep)?;
            if let Some(why) = record.unparsed {
                problems.push((path.to_string(), FileProblem::Unparsed(why)));
            } else if record.syntax_errors > 0 {
                problems.push((
                    path.to_string(),
                    FileProblem::SyntaxErrors(record.syntax_errors),
                ));
            }
            let constrained = record.build_constrained || file_name_constrained(leaf(path));
            decls.extend(record.decls.into_iter().map(|decl| Located {
                file: path.to_string(),
                decl,
                constrained,
            }));
        }
        Some((decls, problems))
    }

    fn record_where(&self, file: &FileEntry, keep: records::Keep<'_>) -> Option<FileRecord> {
        let record = self
            .pack
            .read(file.slot, file.id)
            .and_then(|p| records::decode_where(&p, keep));
        if record.is_none() {
            self.distrust();
        }
        record
    }

    /// A record failed its check: nothing of this pack is trusted again. Its listings are
    /// dropped; the next run scans the pack and resets it.
    fn distrust(&self) {
        let _ = std::fs::remove_file(&self.listing);
        if let Ok(mut o) = opened().lock() {
            o.remove(&self.listing);
        }
    }

    /// The declarations name hits point at, with their files' constraints, in the hits'
    /// order; else the path of a file whose record fails its check. Each file's record is
    /// read once, for the hits' declarations only, files in parallel: a search's hits
    /// cluster in big generated files.
    pub fn located<'h>(&self, hits: &'h [NameHit]) -> Result<Vec<Located>, &'h str> {
        let mut wanted: BTreeMap<usize, (&str, Vec<usize>)> = BTreeMap::new();
        for h in hits {
            let (_, places) = wanted.entry(h.file_index).or_insert((&h.file, Vec::new()));
            places.push(h.decl_index);
        }
        let records: HashMap<usize, (Vec<usize>, FileRecord)> = wanted
            .into_iter()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(k, (path, mut places))| {
                places.sort_unstable();
                places.dedup();
                let file = self.tree.files.get(k).ok_or(path)?;
                let record = self
                    .record_where(file, records::Keep::Places(&places))
                    .ok_or(path)?;
                Ok::<_, &str>((k, (places, record)))
            })
            .collect::<Result<_, _>>()?;
        hits.iter()
            .map(|hit| {
                let path = self.tree.path(hit.file_index);
                let (places, record) = &records[&hit.file_index];
                let constrained = record.build_constrained || file_name_constrained(leaf(path));
                let decl = places
                    .binary_search(&hit.decl_index)
                    .ok()
                    .and_then(|at| record.decls.get(at))
                    .ok_or(hit.file.as_str())?;
                Ok(Located {
                    file: path.to_string(),
                    decl: decl.clone(),
                    constrained,
                })
            })
            .collect()
    }

    /// Every declaration whose `Receiver.Name` (or `Name`) passes `keep`, package by
    /// package; `None` when the names fail their check (the next run rebuilds them).
    pub fn names_where(&self, keep: &mut dyn FnMut(&str) -> bool) -> Option<Vec<NameHit>> {
        self.names_in_packages(&mut |name: &str| keep(name))
    }

    /// Every declaration `filter` keeps, package by package.
    pub fn names_in_packages(&self, filter: &mut dyn NameFilter) -> Option<Vec<NameHit>> {
        let kept = self.names_kept(filter)?;
        Some((0..kept.len()).map(|i| kept.hit(i)).collect())
    }

    /// [`Self::names_in_packages`] before any hit is made: a search ranks thousands of
    /// names and shows a few.
    pub fn names_kept(&self, filter: &mut dyn NameFilter) -> Option<KeptNames<'_>> {
        // What each file's names must hold is its package's to say; the scan then hands
        // back only names that hold it.
        let mut package_of = vec![None; self.tree.files.len()];
        let mut needs = vec![None; self.tree.files.len()];
        for (p, package) in self.tree.packages.iter().enumerate() {
            let need = filter.enter(self.tree.import_path(p));
            for k in package.files.clone() {
                package_of[k] = Some(p);
                needs[k] = Some(need);
            }
        }
        let Some(found) = self.names.scan(&needs) else {
            self.distrust();
            return None;
        };
        let mut kept = Vec::new();
        let mut entered = None;
        for i in 0..found.len() {
            let entry = found.entry(i);
            let (Some(p), Some(kind)) = (package_of[entry.file], records::kind_of(entry.kind))
            else {
                continue;
            };
            if entered != Some(p) {
                filter.enter(self.tree.import_path(p));
                entered = Some(p);
            }
            if filter.keep(entry.name) {
                kept.push((i, p, kind));
            }
        }
        Some(KeptNames {
            index: self,
            found,
            kept,
        })
    }
}

/// The declarations a scan of the names kept, in the listing's order.
pub struct KeptNames<'i> {
    index: &'i TreeIndex,
    found: name_table::Found,
    /// Per declaration kept: its row in `found`, its package, its kind.
    kept: Vec<(usize, usize, Kind)>,
}

impl KeptNames<'_> {
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    fn entry(&self, i: usize) -> name_table::Entry<'_> {
        self.found.entry(self.kept[i].0)
    }

    /// The `i`th declaration's `Receiver.Name` (or `Name`).
    pub fn name(&self, i: usize) -> &str {
        self.entry(i).name
    }

    pub fn import_path(&self, i: usize) -> &str {
        self.index.tree.import_path(self.kept[i].1)
    }

    pub fn file(&self, i: usize) -> &str {
        self.index.tree.path(self.entry(i).file)
    }

    pub fn line(&self, i: usize) -> usize {
        self.entry(i).line
    }

    pub fn hit(&self, i: usize) -> NameHit {
        let entry = self.entry(i);
        NameHit {
            name: entry.name.to_string(),
            kind: self.kept[i].2,
            import_path: self.import_path(i).to_string(),
            file: self.file(i).to_string(),
            line: entry.line,
            file_index: entry.file,
            decl_index: entry.decl,
        }
    }
}

/// A file's names for the listing: per declaration its name, kind and line.
fn names_section(record: &FileRecord) -> FileNames {
    let mut names = FileNames::default();
    for decl in &record.decls {
        names.push(
            &decl.name.to_string(),
            records::kind_code(decl.kind),
            decl.start_line,
        );
    }
    names
}

fn leaf(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A name's parts, for callers that hold `Receiver.Name` text.
pub fn qual_name(text: &str) -> QualName {
    match text.split_once('.') {
        Some((receiver, name)) => QualName {
            receiver: Some(receiver.to_string()),
            name: name.to_string(),
        },
        None => QualName::plain(text),
    }
}

#[cfg(test)]
mod tests;
