//! Finding a profile (by name under `profiles/` or by path) and reading it.

use super::{parse, Profile, ProfileError};
use std::path::{Path, PathBuf};

/// Finds a profile by name (`profiles/<name>.toml` under the current folder
/// or the crate) or path.
pub fn resolve(name_or_path: &str) -> Result<PathBuf, ProfileError> {
    let p = Path::new(name_or_path);
    if p.extension().is_some() || name_or_path.contains('/') {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else if p.is_dir() {
            Err(ProfileError::Folder(p.to_path_buf()))
        } else if p.exists() {
            Err(ProfileError::NotRegular(p.to_path_buf()))
        } else {
            Err(ProfileError::NoSuchFile(p.to_path_buf()))
        };
    }
    let dirs = [
        PathBuf::from("profiles"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles"),
    ];
    for d in &dirs {
        let f = d.join(format!("{name_or_path}.toml"));
        if f.is_file() {
            return Ok(f);
        }
    }
    let mut names: Vec<String> = dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.path()
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    names.dedup();
    Err(ProfileError::NoSuchName {
        name: name_or_path.to_string(),
        available: names,
    })
}

/// Reads and validates a profile file.
pub fn load(path: &Path) -> Result<Profile, ProfileError> {
    let text = crate::limits::read_text(path, "profile", crate::limits::MAX_PROFILE_BYTES)?;
    let name = path
        .file_stem()
        .map_or("profile".into(), |s| s.to_string_lossy().into_owned());
    let mut p = parse(&path.display().to_string(), &name, &text)?;
    p.path = path.to_path_buf();
    Ok(p)
}

/// Loads a profile by name or path ([`resolve`] then [`load`]).
pub fn load_named(name_or_path: &str) -> Result<Profile, ProfileError> {
    load(&resolve(name_or_path)?)
}
