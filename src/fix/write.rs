//! Writing a fixed file without ever leaving half of one: the new bytes go to a temporary file
//! in the same directory (same file system, so the rename is atomic), which takes the original's
//! permissions (and owner, where the process may set it) and replaces it by a rename.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Replaces the file at `path` with `contents`, provided it still holds `original` (another
/// program's change since it was read is not overwritten). A symbolic link stays a link: its
/// target is replaced.
pub fn replace_file(path: &Path, original: &[u8], contents: &[u8]) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let directory = target
        .parent()
        .ok_or_else(|| io::Error::other("the file has no directory"))?;
    let metadata = fs::metadata(&target)?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".connector-lint-fix-")
        .tempfile_in(directory)?;
    temporary.write_all(contents)?;
    temporary.as_file().sync_all()?;
    fs::set_permissions(temporary.path(), metadata.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only a privileged process may give a file away; otherwise it stays the writer's.
        let _ =
            std::os::unix::fs::chown(temporary.path(), Some(metadata.uid()), Some(metadata.gid()));
    }
    if fs::read(&target)? != original {
        return Err(io::Error::other(
            "it changed while it was being fixed; nothing was written",
        ));
    }
    temporary.persist(&target).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_replaced_with_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("azdo.yaml");
        fs::write(&path, "a: 1\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        }
        replace_file(&path, b"a: 1\n", b"a: 2\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "a: 2\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        // Nothing is left beside it.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("azdo.yaml");
        fs::write(&path, "a: changed\n").unwrap();
        assert!(replace_file(&path, b"a: 1\n", b"a: 2\n").is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "a: changed\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yaml");
        let link = dir.path().join("link.yaml");
        fs::write(&real, "a: 1\n").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace_file(&link, b"a: 1\n", b"a: 2\n").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "a: 2\n");
    }
}
