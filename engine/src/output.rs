//! Writing output files safely: to a temporary file beside the target, then renamed into
//! place, so an interrupted run never leaves a half-written report over a good one.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `contents` to `path` atomically (same-folder temporary file, then rename). The
/// file gets the permissions `File::create` would give it: an existing file keeps its own,
/// a new one gets 0666 less the umask (not the temporary file's private 0600), so a report
/// stays readable by whoever could read the previous one.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    stage(path, |w| w.write_all(contents))?.commit()
}

/// An output written in full to a temporary file beside its path, not yet in place:
/// [`Staged::commit`] renames it there; dropping it removes it. Several outputs staged
/// first and committed together are all replaced or none, and each is streamed to disk
/// rather than held in memory.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

/// Writes an output through `write` (buffered) to a temporary file beside `path`, with
/// the permissions [`write_atomic`] gives, and flushes it to disk. The writer is `Send`
/// because the workbook writer (rust_xlsxwriter) asks for one.
pub fn stage<E: From<std::io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<(), E>,
) -> Result<Staged, E> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kaizen-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Passed to open(2), which takes the umask off.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir)?;
    if let Ok(existing) = std::fs::metadata(path) {
        if existing.is_file() {
            tmp.as_file().set_permissions(existing.permissions())?;
        }
    }
    let mut writer = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file());
    write(&mut writer)?;
    writer.flush()?;
    drop(writer);
    tmp.as_file().sync_all()?;
    Ok(Staged { tmp, path: path.to_path_buf() })
}

impl Staged {
    /// Where the output goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the output into place.
    pub fn commit(self) -> std::io::Result<()> {
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out/result.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path().join("out")).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn files_get_the_permissions_file_create_gives() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let new = dir.path().join("report.html");
        write_atomic(&new, b"new").unwrap();
        assert_eq!(mode(&new), mode(&plain), "a new file: 0666 less the umask");

        std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&new, b"again").unwrap();
        assert_eq!(mode(&new), 0o640, "an existing file keeps its permissions");
    }

    #[test]
    fn staged_outputs_appear_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        std::fs::write(&path, "old").unwrap();
        let staged = stage(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        drop(staged);
        assert_eq!(std::fs::read(&path).unwrap(), b"old", "dropped: the old file stays");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "and no temporary file");

        let failed: std::io::Result<Staged> = stage(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("rendering failed"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        stage(&path, |w| w.write_all(b"new")).unwrap().commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }

    #[test]
    fn a_failed_write_leaves_what_was_there_and_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("report.html/inside")).unwrap();
        assert!(write_atomic(&dir.path().join("report.html"), b"new").is_err());
        assert!(dir.path().join("report.html/inside").is_dir());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["report.html"]);
    }
}
