//! Writing files so that a reader only ever sees a whole one: the bytes go to a temporary file
//! beside the target, are synced, and the temporary file is renamed over it. Every output
//! blackstart writes (Parquet tables, summaries, manifests, reports, figures) goes through
//! [`write_atomic`], so a killed process leaves at most a temporary file, which a resumed sweep
//! recognises by its [`TEMPORARY_MARKER`] and deletes.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Marker in the name of a temporary file: `<name>.tmp-<writer>`.
pub const TEMPORARY_MARKER: &str = ".tmp-";

/// The temporary file beside `path` this process writes before renaming it to `path`:
/// `<name>.tmp-<pid>-<random>`. The name carries its writer (the process id, and a random part
/// drawn once per process, so processes on different machines sharing a directory never pick
/// the same name), and the final file's name, which says whose it is (a sweep part names its
/// shard).
pub fn temporary_path(path: &Path) -> PathBuf {
    static WRITER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let writer = WRITER.get_or_init(|| {
        use std::hash::BuildHasher;
        // Each process seeds its hash keys from the operating system's randomness.
        let random = std::collections::hash_map::RandomState::new().hash_one(0u8);
        format!("{}-{:08x}", std::process::id(), random as u32)
    });
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!("{TEMPORARY_MARKER}{writer}"));
    PathBuf::from(temporary)
}

/// Writes `bytes` to `path` atomically (creating its directory): a temporary file beside it
/// ([`temporary_path`]), synced, then a rename, so a reader (or a resumed sweep) only ever sees
/// a whole file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = temporary_path(path);
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["b.json"]);
        let temporary = temporary_path(&path);
        let name = temporary.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with(&format!("b.json{TEMPORARY_MARKER}")),
            "{name}"
        );
    }
}
