//! Writing files so that nothing half-written is ever read: temp file in the
//! same folder (tempfile's `NamedTempFile`), `fsync`, then rename over the
//! target (`persist`); and whole folders staged beside their final place
//! and moved in by renames.

use std::io::Write;
use std::path::{Path, PathBuf};

/// What went wrong writing a file or a folder; the path is the one to blame
/// and the OS error, where there is one, is the source.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    /// The path has no parent folder to write into.
    #[error("{}: no parent folder", .0.display())]
    NoParent(PathBuf),
    /// The path names no file (ends in `..` or is a root).
    #[error("{}: not a file path", .0.display())]
    NotAFilePath(PathBuf),
    /// The path names no folder (ends in `..` or is a root).
    #[error("{}: not a folder name", .0.display())]
    NotAFolderName(PathBuf),
    /// A relative path given for [`publish_dir`] leaves its folder.
    #[error("{}: leaves the folder", .0.display())]
    LeavesFolder(PathBuf),
    /// A folder could not be created.
    #[error("{}: cannot create folder", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("{}: cannot write", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A value could not be serialised as JSON.
    #[error("{}: cannot serialise as JSON", path.display())]
    Json {
        /// The file it was for.
        path: PathBuf,
        /// serde's error.
        #[source]
        source: serde_json::Error,
    },
    /// The folder in place could not be moved aside.
    #[error("{}: cannot move the previous folder aside", path.display())]
    MoveAside {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The staged folder could not be renamed into place.
    #[error("{}: cannot move the new folder into place", path.display())]
    MoveIn {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

crate::into_message!(FsError);

/// Why a path given as an output folder is no folder to write into (the
/// sentence after its name; an OS error is part of the sentence).
#[derive(Debug, thiserror::Error)]
pub enum NotAFolder {
    /// It could not be examined.
    #[error("cannot be examined: {0}")]
    Examine(std::io::Error),
    /// A symbolic link.
    #[error("is a symbolic link")]
    Symlink,
    /// A file or other non-folder.
    #[error("exists and is not a folder")]
    Other,
}

/// Whether `path` is a folder (`Ok(true)`) or does not exist (`Ok(false)`);
/// a symbolic link (even to a folder), a file or a path that cannot be
/// examined is refused.
pub fn existing_folder(path: &Path) -> Result<bool, NotAFolder> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(NotAFolder::Examine(e)),
        Ok(m) if m.file_type().is_symlink() => Err(NotAFolder::Symlink),
        Ok(m) if !m.is_dir() => Err(NotAFolder::Other),
        Ok(_) => Ok(true),
    }
}

/// `CreateDir` for `path` as a `map_err` closure.
fn create_dir(path: &Path) -> impl FnOnce(std::io::Error) -> FsError + '_ {
    move |source| FsError::CreateDir {
        path: path.to_path_buf(),
        source,
    }
}

/// `Write` for `path` as a `map_err` closure.
fn write(path: &Path) -> impl FnOnce(std::io::Error) -> FsError + '_ {
    move |source| FsError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `path` atomically, creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let dir = path
        .parent()
        .ok_or_else(|| FsError::NoParent(path.to_path_buf()))?;
    std::fs::create_dir_all(dir).map_err(create_dir(dir))?;
    let name = path
        .file_name()
        .ok_or_else(|| FsError::NotAFilePath(path.to_path_buf()))?
        .to_string_lossy();
    // tempfile's `NamedTempFile`: a uniquely named file in the same folder,
    // removed if anything below fails; `persist` renames it over `path`.
    // Mode 0666 under the umask, as `File::create` (tempfile's default is
    // 0600, which would hide reports from other readers).
    let result = (|| {
        let mut f = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp."))
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .tempfile_in(dir)?;
        f.write_all(bytes)?;
        f.as_file().sync_all()?;
        f.persist(path).map_err(|e| e.error)?;
        Ok::<(), std::io::Error>(())
    })();
    result.map_err(write(path))
}

/// Serialises `value` as pretty JSON and writes it atomically.
pub fn write_json_atomic<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), FsError> {
    let text = serde_json::to_string_pretty(value).map_err(|source| FsError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    write_atomic(path, text.as_bytes())
}

/// Writes a whole folder: every `(relative path, bytes)` of `files` goes
/// into a staging folder beside `dir` (`.<name>.staging.<pid>`), which then
/// replaces `dir` by renames (a previous `dir` is moved aside first and
/// removed last, or put back if the last rename fails). On any error the
/// staging folder is removed and `dir` is as it was: nothing half-written
/// ever lands under the final names. Relative paths may not leave the folder.
pub fn publish_dir(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<(), FsError> {
    let name = dir
        .file_name()
        .ok_or_else(|| FsError::NotAFolderName(dir.to_path_buf()))?
        .to_string_lossy()
        .into_owned();
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(create_dir(&parent))?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.staging.{pid}"));
    let old = parent.join(format!(".{name}.old.{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        std::fs::create_dir(&staging).map_err(create_dir(&staging))?;
        for (rel, bytes) in files {
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)))
            {
                return Err(FsError::LeavesFolder(rel.clone()));
            }
            let path = staging.join(rel);
            if let Some(d) = path.parent() {
                std::fs::create_dir_all(d).map_err(create_dir(rel))?;
            }
            let mut f = std::fs::File::create(&path).map_err(write(rel))?;
            f.write_all(bytes)
                .and_then(|()| f.sync_all())
                .map_err(write(rel))?;
        }
        let had_old = dir.exists();
        if had_old {
            std::fs::rename(dir, &old).map_err(|source| FsError::MoveAside {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        if let Err(source) = std::fs::rename(&staging, dir) {
            if had_old {
                let _ = std::fs::rename(&old, dir);
            }
            return Err(FsError::MoveIn {
                path: dir.to_path_buf(),
                source,
            });
        }
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A new empty folder `mapamp-<name>-<pid>` under the temporary folder,
    /// for one unit test.
    pub(crate) fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("mapamp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_published_folder_replaces_the_previous_one_whole() {
        let root = scratch("fsutil-publish");
        let out = root.join("cmp");
        publish_dir(
            &out,
            &[
                ("a.txt".into(), b"1".to_vec()),
                ("x/b.txt".into(), b"2".to_vec()),
            ],
        )
        .unwrap();
        assert_eq!(std::fs::read(out.join("x/b.txt")).unwrap(), b"2");
        publish_dir(&out, &[("c.txt".into(), b"3".to_vec())]).unwrap();
        assert_eq!(names(&out), ["c.txt"]);
        assert_eq!(names(&root), ["cmp"], "no staging or old folder left");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_failed_publish_leaves_nothing_under_the_final_name() {
        let root = scratch("fsutil-publish-fail");
        let out = root.join("cmp");
        // The second file needs `a` to be a folder, but the first made it a file.
        let files = [
            ("a".into(), b"1".to_vec()),
            ("a/b.svg".into(), b"2".to_vec()),
        ];
        assert!(publish_dir(&out, &files).is_err());
        assert_eq!(names(&root), Vec::<String>::new());
        // A previous folder is kept as it was.
        publish_dir(&out, &[("keep.txt".into(), b"k".to_vec())]).unwrap();
        assert!(publish_dir(&out, &files).is_err());
        assert_eq!(names(&out), ["keep.txt"]);
        assert_eq!(names(&root), ["cmp"]);
        let escape = [("../x".into(), b"1".to_vec())];
        let e = publish_dir(&out, &escape).unwrap_err();
        assert!(matches!(e, FsError::LeavesFolder(_)), "{e}");
        assert!(e.to_string().contains("leaves the folder"), "{e}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn writes_replace_atomically_and_leave_no_temp_files() {
        let dir = std::env::temp_dir().join(format!("mapamp-fsutil-{}", std::process::id()));
        let p = dir.join("sub/x.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
