//! A tree's files and packages as its listing names them: every path in one text arena, so
//! opening a listing of 14,000 files and 3,000 packages makes a few allocations, not 20,000.

use std::ops::Range;

use super::codec::Reader;
use super::store::Slot;
use crate::source::ContentId;

/// Where a string is in the arena.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: u32,
    end: u32,
}

pub(super) struct FileEntry {
    path: Span,
    pub id: ContentId,
    pub slot: Slot,
}

pub(super) struct Package {
    import_path: Span,
    dir: Span,
    pub files: Range<usize>,
    /// Whether the import path leads to this folder (not to another module's, or shadowed).
    located: bool,
}

#[derive(Default)]
pub(super) struct Listing {
    text: String,
    pub files: Vec<FileEntry>,
    /// In folder order.
    pub packages: Vec<Package>,
    /// The located packages, by import path.
    by_import_path: Vec<usize>,
}

impl Listing {
    fn span(&mut self, s: &str) -> Option<Span> {
        let start = u32::try_from(self.text.len()).ok()?;
        self.text.push_str(s);
        let end = u32::try_from(self.text.len()).ok()?;
        Some(Span { start, end })
    }

    fn at(&self, s: Span) -> &str {
        &self.text[s.start as usize..s.end as usize]
    }

    /// `None` only past 4 GiB of paths.
    pub fn push_file(&mut self, path: &str, id: ContentId, slot: Slot) -> Option<()> {
        let path = self.span(path)?;
        self.files.push(FileEntry { path, id, slot });
        Some(())
    }

    /// `None` when `files` are not the listing's, or past 4 GiB of paths.
    pub fn push_package(
        &mut self,
        import_path: &str,
        dir: &str,
        located: bool,
        files: Range<usize>,
    ) -> Option<()> {
        if files.start > files.end || files.end > self.files.len() {
            return None;
        }
        let (import_path, dir) = (self.span(import_path)?, self.span(dir)?);
        self.packages.push(Package {
            import_path,
            dir,
            files,
            located,
        });
        Some(())
    }

    /// Every package pushed: the lookup by import path made (the last of equal ones wins).
    pub fn finish(mut self) -> Self {
        let mut by: Vec<usize> = (0..self.packages.len())
            .filter(|&p| self.packages[p].located)
            .collect();
        by.sort_by(|&a, &b| self.import_path(a).cmp(self.import_path(b)).then(a.cmp(&b)));
        self.by_import_path = by;
        self
    }

    /// The files and packages of a listing's first section, as `write` wrote them.
    pub fn read(r: &mut Reader<'_>) -> Option<Self> {
        let n_files = r.usize()?;
        let mut listing = Self {
            text: String::with_capacity(r.rest().len()),
            files: Vec::with_capacity(n_files.min(1 << 20)),
            ..Self::default()
        };
        for _ in 0..n_files {
            let path = r.str()?;
            let id = ContentId(r.take(20)?.try_into().ok()?);
            let offset = r.u64()?;
            let len = r.u32()?;
            listing.push_file(path, id, Slot { offset, len })?;
        }
        let n_packages = r.usize()?;
        listing.packages.reserve(n_packages.min(1 << 20));
        for _ in 0..n_packages {
            let import_path = r.str()?;
            let dir = r.str()?;
            let located = r.u8()? == 1;
            let start = r.usize()?;
            let end = r.usize()?;
            listing.push_package(import_path, dir, located, start..end)?;
        }
        Some(listing.finish())
    }

    /// The first section's files and packages, for [`Self::read`].
    pub fn write(&self, w: &mut super::codec::Writer) {
        w.len(self.files.len());
        for (k, f) in self.files.iter().enumerate() {
            w.str(self.path(k));
            w.buf.extend_from_slice(&f.id.0);
            w.u64(f.slot.offset);
            w.u32(f.slot.len);
        }
        w.len(self.packages.len());
        for (p, package) in self.packages.iter().enumerate() {
            w.str(self.import_path(p));
            w.str(self.dir(p));
            w.u8(u8::from(package.located));
            w.len(package.files.start);
            w.len(package.files.end);
        }
    }

    pub fn path(&self, file: usize) -> &str {
        self.at(self.files[file].path)
    }

    pub fn import_path(&self, package: usize) -> &str {
        self.at(self.packages[package].import_path)
    }

    pub fn dir(&self, package: usize) -> &str {
        self.at(self.packages[package].dir)
    }

    /// The packages' folders from the first at or after `dir`, in folder order.
    pub fn dirs_from<'l>(&'l self, dir: &str) -> impl Iterator<Item = &'l str> {
        let (mut lo, mut hi) = (0, self.packages.len());
        while lo < hi {
            let mid = usize::midpoint(lo, hi);
            if self.dir(mid) < dir {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo..self.packages.len()).map(|p| self.dir(p))
    }

    /// The located package of `import_path`.
    pub fn package_of(&self, import_path: &str) -> Option<usize> {
        let after = self
            .by_import_path
            .partition_point(|&p| self.import_path(p) <= import_path);
        let p = *self.by_import_path.get(after.checked_sub(1)?)?;
        (self.import_path(p) == import_path).then_some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::golang::index::codec::Writer;

    #[test]
    fn reads_back_what_it_wrote_and_finds_packages_by_import_path() {
        let mut l = Listing::default();
        for (k, path) in (0u8..).zip(["a/x.go", "a/y.go", "b/z.go", "vendor/c/w.go"]) {
            let slot = Slot {
                offset: u64::from(k) * 100,
                len: 7,
            };
            l.push_file(path, ContentId([k; 20]), slot).unwrap();
        }
        l.push_package("example.com/m/a", "a", true, 0..2).unwrap();
        l.push_package("example.com/m/b", "b", false, 2..3).unwrap();
        l.push_package("c", "vendor/c", true, 3..4).unwrap();
        assert!(
            l.push_package("d", "d", true, 3..5).is_none(),
            "files past the listing's"
        );
        let l = l.finish();
        let mut w = Writer::default();
        l.write(&mut w);
        let mut r = Reader::new(&w.buf);
        let back = Listing::read(&mut r).unwrap();
        assert!(r.done());
        for k in 0..4 {
            assert_eq!(back.path(k), l.path(k));
            assert_eq!(back.files[k].id, l.files[k].id);
            assert_eq!(back.files[k].slot, l.files[k].slot);
        }
        assert_eq!(back.package_of("example.com/m/a"), Some(0));
        assert_eq!(
            back.package_of("example.com/m/b"),
            None,
            "not located there"
        );
        assert_eq!(back.package_of("c"), Some(2));
        assert_eq!(back.package_of("example.com/m"), None);
        assert_eq!(back.package_of(""), None);
        assert_eq!((back.dir(2), back.import_path(2)), ("vendor/c", "c"));
        assert_eq!(back.packages[1].files, 2..3);
        let dirs = |from: &str| back.dirs_from(from).collect::<Vec<_>>();
        assert_eq!(dirs(""), ["a", "b", "vendor/c"]);
        assert_eq!(dirs("a/"), ["b", "vendor/c"]);
        assert_eq!(dirs("vendor/c"), ["vendor/c"]);
        assert!(dirs("w").is_empty());
        // Cut anywhere, it is not read.
        for cut in 0..w.buf.len() {
            let mut r = Reader::new(&w.buf[..cut]);
            assert!(Listing::read(&mut r).is_none_or(|_| !r.done()), "cut {cut}");
        }
    }
}
