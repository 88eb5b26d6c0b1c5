//! Directories a walk holds open while their files are read, so that each file is opened by its
//! name in its directory: the kernel then looks up one path component instead of every one of
//! the path, which is most of what opening a small file costs (on 10,000 files under
//! `bench/.work/corpus-10000/yaml/`, the path walk was a quarter of the run's system time).
//! A file opened through the directory is also the one the walk saw, even if a directory above
//! it is renamed in between.
//!
//! The number of handles held at once is bounded, so a tree of thousands of directories cannot
//! exhaust the process's file descriptors: past the bound, files are opened by their path.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many directory handles may be held at once, and how many are.
#[derive(Debug)]
struct Budget {
    held: AtomicUsize,
    max: usize,
}

/// The whole process's: far below the usual limit of 1,024 descriptors.
static PROCESS: Budget = Budget {
    held: AtomicUsize::new(0),
    max: 64,
};

impl Budget {
    fn take(&self) -> bool {
        self.held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                (held < self.max).then_some(held + 1)
            })
            .is_ok()
    }

    fn give_back(&self) {
        self.held.fetch_sub(1, Ordering::AcqRel);
    }
}

/// An open directory. Dropping it closes the handle and frees its place under the bound.
#[derive(Debug)]
pub struct Directory {
    #[cfg(unix)]
    handle: std::os::fd::OwnedFd,
    budget: &'static Budget,
}

impl Directory {
    /// Opens `path` as a directory, unless the process already holds as many as it may (or the
    /// system has no such handles): then `None`, and its files are opened by their paths.
    pub fn open(path: &Path) -> Option<Arc<Directory>> {
        Self::open_within(path, &PROCESS)
    }

    fn open_within(path: &Path, budget: &'static Budget) -> Option<Arc<Directory>> {
        if !budget.take() {
            return None;
        }
        let opened = Self::open_handle(path, budget);
        if opened.is_none() {
            budget.give_back();
        }
        opened.map(Arc::new)
    }

    #[cfg(unix)]
    fn open_handle(path: &Path, budget: &'static Budget) -> Option<Directory> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let handle = rustix::fs::open(path, flags, Mode::empty()).ok()?;
        Some(Directory { handle, budget })
    }

    #[cfg(not(unix))]
    fn open_handle(_path: &Path, _budget: &'static Budget) -> Option<Directory> {
        None
    }

    /// Opens the file `name` in this directory for reading, without waiting (as
    /// `source::open_without_blocking` opens a path: a FIFO must not block, a terminal must not
    /// become the controlling one).
    #[cfg(unix)]
    pub fn open_file(&self, name: &OsStr) -> io::Result<fs::File> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        let handle = rustix::fs::openat(&self.handle, name, flags, Mode::empty())?;
        Ok(fs::File::from(handle))
    }

    #[cfg(not(unix))]
    pub fn open_file(&self, _name: &OsStr) -> io::Result<fs::File> {
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

impl Drop for Directory {
    fn drop(&mut self) {
        self.budget.give_back();
    }
}

/// Which directory handle each file of a walk is opened through. Files come a directory at a
/// time; a directory's handle is opened at its second file, so a directory with one file costs
/// no extra open.
#[derive(Default)]
pub struct WalkHandles {
    /// The path of the current directory, with its trailing separator.
    parent: Vec<u8>,
    files_in_parent: usize,
    handle: Option<Arc<Directory>>,
}

impl WalkHandles {
    /// The handle to open the file at `path` (whose last component is `name`) through, if any.
    pub fn for_file(&mut self, path: &Path, name: &OsStr) -> Option<Arc<Directory>> {
        // A walked path is its directory's path, a separator, then the name: the directory is
        // told by its bytes, without parsing the path's components again.
        let bytes = path.as_os_str().as_encoded_bytes();
        let parent = bytes.strip_suffix(name.as_encoded_bytes())?;
        if parent.is_empty() {
            return None;
        }
        if self.parent != parent {
            self.parent.clear();
            self.parent.extend_from_slice(parent);
            self.files_in_parent = 0;
            self.handle = None;
        }
        self.files_in_parent += 1;
        if self.files_in_parent == 2 {
            self.handle = path.parent().and_then(Directory::open);
        }
        self.handle.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn files_open_through_their_directory_and_the_handles_stay_bounded() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "a: 1\n").unwrap();
        let directory = Directory::open(dir.path()).unwrap();
        let mut text = String::new();
        io::Read::read_to_string(
            &mut directory.open_file("a.yaml".as_ref()).unwrap(),
            &mut text,
        )
        .unwrap();
        assert_eq!(text, "a: 1\n");
        let missing = directory.open_file("b.yaml".as_ref()).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        // The same words as opening the path: reports do not depend on how a file was opened.
        let by_path = fs::File::open(dir.path().join("b.yaml")).unwrap_err();
        assert_eq!(missing.to_string(), by_path.to_string());

        // Never more than the bound, whatever asks; a dropped handle frees its place, and a
        // directory that cannot be opened takes none.
        static BUDGET: Budget = Budget {
            held: AtomicUsize::new(0),
            max: 5,
        };
        assert!(Directory::open_within(&dir.path().join("a.yaml"), &BUDGET).is_none());
        assert!(Directory::open_within(&dir.path().join("none"), &BUDGET).is_none());
        let held: Vec<_> = (0..20)
            .filter_map(|_| Directory::open_within(dir.path(), &BUDGET))
            .collect();
        assert_eq!(held.len(), 5);
        assert!(Directory::open_within(dir.path(), &BUDGET).is_none());
        drop(held);
        assert!(Directory::open_within(dir.path(), &BUDGET).is_some());
        assert_eq!(BUDGET.held.load(Ordering::Acquire), 0);
    }

    #[test]
    fn a_directory_gets_a_handle_from_its_second_file_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut handles = WalkHandles::default();
        let mut for_file = |path: &Path| handles.for_file(path, path.file_name().unwrap());
        let sub = dir.path().join("sub");
        assert!(for_file(&dir.path().join("a.yaml")).is_none());
        let second = for_file(&dir.path().join("b.yaml"));
        assert_eq!(second.is_some(), cfg!(unix));
        let third = for_file(&dir.path().join("c.yaml"));
        assert_eq!(third.is_some(), cfg!(unix));
        if let (Some(second), Some(third)) = (&second, &third) {
            assert!(Arc::ptr_eq(second, third), "one handle for the directory");
        }
        // `sub` and `sub.yaml`'s directory differ, however alike their paths' bytes begin.
        assert!(for_file(&sub.join("d.yaml")).is_none());
        assert!(for_file(&dir.path().join("sub.yaml")).is_none());
        assert!(for_file(&sub.join("e.yaml")).is_none());
        assert!(for_file(Path::new("top.yaml")).is_none());
    }
}
