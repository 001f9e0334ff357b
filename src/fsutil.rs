//! Writing files so that nothing half-written is ever read: temp file in the
//! same folder (tempfile's `NamedTempFile`), `fsync`, then rename over the
//! target (`persist`); and whole folders staged beside their final place
//! and moved in by renames.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically, creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .ok_or_else(|| format!("{}: no parent folder", path.display()))?;
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("{}: cannot create folder: {e}", dir.display()))?;
    let name = path
        .file_name()
        .ok_or_else(|| format!("{}: not a file path", path.display()))?
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
    result.map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

/// Serialises `value` as pretty JSON and writes it atomically.
pub fn write_json_atomic<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), String> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| format!("{}: {e}", path.display()))?;
    write_atomic(path, text.as_bytes())
}

/// Writes a whole folder: every `(relative path, bytes)` of `files` goes
/// into a staging folder beside `dir` (`.<name>.staging.<pid>`), which then
/// replaces `dir` by renames (a previous `dir` is moved aside first and
/// removed last, or put back if the last rename fails). On any error the
/// staging folder is removed and `dir` is as it was: nothing half-written
/// ever lands under the final names. Relative paths may not leave the folder.
pub fn publish_dir(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<(), String> {
    let name = dir
        .file_name()
        .ok_or_else(|| format!("{}: not a folder name", dir.display()))?
        .to_string_lossy()
        .into_owned();
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| format!("{}: cannot create folder: {e}", parent.display()))?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.staging.{pid}"));
    let old = parent.join(format!(".{name}.old.{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        std::fs::create_dir(&staging)
            .map_err(|e| format!("{}: cannot create folder: {e}", staging.display()))?;
        for (rel, bytes) in files {
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)))
            {
                return Err(format!("{}: leaves the folder", rel.display()));
            }
            let path = staging.join(rel);
            if let Some(d) = path.parent() {
                std::fs::create_dir_all(d)
                    .map_err(|e| format!("{}: cannot create folder: {e}", rel.display()))?;
            }
            let mut f = std::fs::File::create(&path)
                .map_err(|e| format!("{}: cannot write: {e}", rel.display()))?;
            f.write_all(bytes)
                .and_then(|()| f.sync_all())
                .map_err(|e| format!("{}: cannot write: {e}", rel.display()))?;
        }
        let had_old = dir.exists();
        if had_old {
            std::fs::rename(dir, &old).map_err(|e| {
                format!(
                    "{}: cannot move the previous folder aside: {e}",
                    dir.display()
                )
            })?;
        }
        if let Err(e) = std::fs::rename(&staging, dir) {
            if had_old {
                let _ = std::fs::rename(&old, dir);
            }
            return Err(format!(
                "{}: cannot move the new folder into place: {e}",
                dir.display()
            ));
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
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("mapamp-fsutil-{name}-{}", std::process::id()));
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
        let root = scratch("publish");
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
        let root = scratch("publish-fail");
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
        assert!(publish_dir(&out, &escape)
            .unwrap_err()
            .contains("leaves the folder"));
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
